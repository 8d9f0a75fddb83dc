// `bamboo-doctor rules list|test|lint|hits|draft`: what the knowledge base knows, whether it passes its own tests
// and lint, which rules fire on a set of logs (on successful builds: the rules that are too broad), and a new rule
// drafted from a stored failure.

import { isAbsolute, relative } from 'node:path';
import { analyze } from '../analyze.js';
import type { Diagnosis } from '../model.js';
import type { Rule } from '../rules/load.js';
import { testRule, type RuleTestFailure } from '../diagnose/rule-tests.js';
import { loadRuleSet } from '../rules/rule-set.js';
import type { DbOption } from './shared.js';
import { EXIT, userPaths, type Io } from './io.js';
import { UsageError } from '../errors.js';

export type RulesAction = 'list' | 'test' | 'lint' | 'hits' | 'draft';

export interface RulesArgs {
  format: 'text' | 'json';
  /** Extra rule folders or files, besides the built-in rules. */
  rules: string[];
  /** Logs for `hits`; the signature or build key for `draft`. */
  paths?: string[];
  /** `hits`: load --rules patterns lint flags as exponential. */
  allowSlowRules?: boolean;
  /** `draft`: the database and the folder to write the rule file into. */
  db?: DbOption;
  out?: string;
}

export async function rulesCommand(action: RulesAction, args: RulesArgs, io: Io): Promise<number> {
  const paths = args.paths ?? [];
  if (action === 'draft') {
    if (paths.length !== 1) throw new UsageError('rules draft needs one failure signature or build key (history --unexplained lists them)');
    const { draftCommand } = await import('./draft-command.js');
    return draftCommand({ ref: paths[0], db: args.db, out: args.out, rules: args.rules }, io);
  }
  if (action === 'hits') {
    if (paths.length === 0) throw new UsageError('rules hits needs at least one log file or folder (e.g. samples/green)');
    return rulesHitsCommand({ ...args, paths }, io);
  }
  if (paths.length) throw new UsageError(`rules ${action} takes no paths (got ${paths.join(' ')}); use --rules DIR for more rules`);
  if (action === 'test') return rulesTestCommand(args, io);
  if (action === 'lint') return rulesLintCommand(args, io);
  return rulesListCommand(args, io);
}

export async function rulesListCommand(args: { format: 'text' | 'json'; rules: string[] }, io: Io): Promise<number> {
  const { rules } = loadRuleSet(userPaths(io, args.rules), { allowSlow: true });
  const rows = rules.map((r) => ({
    id: r.id,
    title: r.title,
    severity: r.severity,
    category: r.category,
    scenarios: r.scenarios.map((s) => s.id),
    version: r.version,
  }));
  if (args.format === 'json') {
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT.ok;
  }
  const width = Math.max(...rows.map((r) => r.id.length), 2);
  for (const r of rows) {
    io.stdout.write(`${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.category.padEnd(10)}  ${r.title}\n`);
    io.stdout.write(`${''.padEnd(width)}  scenarios: ${r.scenarios.join(', ')}\n`);
  }
  return EXIT.ok;
}

/** Runs every rule's own match / no-match / scenario tests through the real engine; exit 1 when one fails. */
export async function rulesTestCommand(args: RulesArgs, io: Io): Promise<number> {
  // A slow rule's own tests still run (its patterns bound): that is where its author looks first. The built-in
  // unexplained-failure matches no line (a failed job's end raises it): it has no tests to run.
  const rules = loadRuleSet(userPaths(io, args.rules), { allowSlow: true }).rules.filter((r) => r.steps.length > 0);
  const failures = rules.flatMap(testRule);
  const tests = rules.reduce((n, r) => n + r.tests.match.length + r.tests['no-match'].length + (r.tests.scenarios?.length ?? 0), 0);
  const failedTests = new Set(failures.map((f) => `${f.rule} ${f.test}`)).size;
  const failedRules = new Set(failures.map((f) => f.rule)).size;
  if (args.format === 'json') {
    io.stdout.write(`${JSON.stringify({ rules: rules.length, tests, failures }, null, 2)}\n`);
  } else {
    const { fieldLine } = await import('../rules/field-line.js');
    for (const f of failures) io.stdout.write(formatFailure(f, fieldLine(f.file, testField(f.test))));
    const outcome = failures.length ? `${failedTests} failed in ${failedRules} rule${failedRules === 1 ? '' : 's'}` : 'all passed';
    io.stdout.write(`bamboo-doctor: ${rules.length} rules, ${tests} tests: ${outcome}\n`);
  }
  return failures.length ? EXIT.findings : EXIT.ok;
}

/** `match[2]` → `tests.match.2`, the field whose line the failure names. */
function testField(test: string): string {
  const m = /^([\w-]+)\[(\d+)\]$/.exec(test);
  return m ? `tests.${m[1]}.${m[2]}` : 'tests';
}

function formatFailure(f: RuleTestFailure, line: number | null): string {
  const where = `${displayPath(f.file)}${line ? `:${line}` : ''}`;
  const shown = f.lines.map((l) => `    line: ${JSON.stringify(l)}\n`).join('');
  return `FAIL ${where}  ${f.rule}  ${f.test}: expected ${f.expected}\n${shown}`;
}

/** Schema, duplicate ids, super-linear patterns, keywords, near misses, scenario ids, placeholders; exit 1 on findings. */
export async function rulesLintCommand(args: RulesArgs, io: Io): Promise<number> {
  // scslre and its automata library are only needed here: loaded lazily so other commands start fast.
  const { lintRules } = await import('../rules/lint.js');
  const { BUILTIN_RULES_DIR } = await import('../rules/load.js');
  const { files, findings } = lintRules([BUILTIN_RULES_DIR, ...userPaths(io, args.rules)]);
  if (args.format === 'json') {
    io.stdout.write(`${JSON.stringify({ files, findings }, null, 2)}\n`);
  } else {
    for (const f of findings) {
      const where = `${displayPath(f.file)}${f.line ? `:${f.line}` : ''}`;
      io.stdout.write(`${where}  [${f.check}]  ${f.message}\n`);
    }
    io.stdout.write(`bamboo-doctor: ${files} rule files, ${findings.length} finding${findings.length === 1 ? '' : 's'}\n`);
  }
  return findings.length ? EXIT.findings : EXIT.ok;
}

interface HitRow {
  rule: string;
  severity: Rule['severity'];
  /** Inputs (log files) the rule fired in. */
  logs: number;
  /** Diagnoses: one per rule and job. */
  builds: number;
  /** Matches in all: the sum of the diagnoses' counts. */
  hits: number;
}

/** How often each rule fires on the given logs; on successful builds every hit is a sign of a too-broad rule. */
export async function rulesHitsCommand(args: RulesArgs & { paths: string[] }, io: Io): Promise<number> {
  const ruleSet = loadRuleSet(userPaths(io, args.rules), { allowSlow: args.allowSlowRules });
  const result = await analyze({
    paths: args.paths,
    ruleSet,
    store: null,
    sinks: [],
    stdin: io.stdin,
    cwd: io.cwd,
    onInput: (e) => void (e.kind === 'failed' && io.stderr.write(`error: ${e.error.message}\n`)),
  });
  const rows = hitRows(ruleSet.rules, result.diagnoses);
  if (args.format === 'json') {
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  } else {
    const hit = rows.filter((r) => r.hits > 0);
    const width = Math.max(...rows.map((r) => r.rule.length), 4);
    if (hit.length) io.stdout.write(`${'rule'.padEnd(width)}  severity  logs  builds  hits\n`);
    for (const r of hit) {
      io.stdout.write(`${r.rule.padEnd(width)}  ${r.severity.padEnd(8)}  ${pad(r.logs, 4)}  ${pad(r.builds, 6)}  ${pad(r.hits, 4)}\n`);
    }
    io.stdout.write(`bamboo-doctor: ${result.inputs} inputs, ${result.builds} builds: ${hit.length} of ${rows.length} rules hit\n`);
  }
  return result.failed.length ? EXIT.usage : EXIT.ok;
}

function hitRows(rules: Rule[], diagnoses: Diagnosis[]): HitRow[] {
  const rows = new Map(rules.map((r) => [r.id, { rule: r.id, severity: r.severity, logs: 0, builds: 0, hits: 0 }]));
  const logs = new Map<string, Set<string>>();
  for (const d of diagnoses) {
    const row = rows.get(d.rule);
    if (!row) continue;
    row.builds++;
    row.hits += d.count;
    let seen = logs.get(d.rule);
    if (!seen) logs.set(d.rule, (seen = new Set()));
    seen.add(d.source);
    row.logs = seen.size;
  }
  return [...rows.values()].sort((a, b) => b.hits - a.hits || a.rule.localeCompare(b.rule));
}

const pad = (n: number, width: number): string => String(n).padStart(width);

/** A rule file as the user would type it: relative to the working folder when it is inside it. */
function displayPath(file: string): string {
  const rel = relative('.', file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
