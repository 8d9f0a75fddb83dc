// `rules lint`: checks rule files beyond what loading enforces, and reports every finding instead of stopping.

import { basename } from 'node:path';
import { parseEnvelope } from '../parse/envelope.js';
import { BUILTIN_RULES_DIR, loadRuleFile, replacesRule, ruleFiles, type CompiledPattern, type Rule } from './load.js';
import { matchPattern, patternFields } from './match.js';
import { boundPattern } from './bounded.js';
import { superLinear } from './complexity.js';
import { fieldLine, fieldLocator } from './field-line.js';
import { RuleError } from '../errors.js';

export { superLinear };

export type LintCheck =
  | 'schema'
  | 'duplicate-id'
  | 'super-linear'
  | 'keyword'
  | 'near-miss'
  | 'scenario-id'
  | 'placeholder'
  | 'scenario-test'
  | 'consequence-of';

export interface LintFinding {
  file: string;
  /** 1-based line in the rule file, when the field can be found there. */
  line: number | null;
  rule: string | null;
  check: LintCheck;
  /** The field path (`patterns.0`, `scenarios.1.fix`) and what is wrong with it. */
  message: string;
}

export interface LintResult {
  files: number;
  findings: LintFinding[];
}

/** Lints every rule file in the given folders (or files), the way `loadRules` would read them. */
export function lintRules(paths: string[]): LintResult {
  const files = paths.flatMap(ruleFiles);
  const findings: LintFinding[] = [];
  const seen = new Map<string, string>();
  const links: { file: string; rule: Rule }[] = [];
  for (const file of files) {
    // The file is parsed once for all its findings (a YAML parse each made 2,000 keyword findings take 30 s).
    let lineOf: ((field: string) => number | null) | null = null;
    const add = (field: string, check: LintCheck, message: string, rule: string | null = null) => {
      lineOf ??= fieldLocator(file);
      findings.push({ file, line: lineOf(field), rule, check, message: field ? `${field}: ${message}` : message });
    };
    let rule: Rule;
    try {
      rule = loadRuleFile(file);
    } catch (err) {
      if (!(err instanceof RuleError)) throw err;
      add(err.field, classify(err), detail(err));
      continue;
    }
    const earlier = seen.get(rule.id);
    if (earlier && !replacesRule(earlier, file)) add('id', 'duplicate-id', `duplicate rule id '${rule.id}' (also in ${earlier})`, rule.id);
    seen.set(rule.id, file);
    // A user's test lines are matched as analyze would match them: bound, so a catastrophic pattern cannot hang lint.
    if (!file.startsWith(BUILTIN_RULES_DIR)) for (const [, p] of patternFields(rule)) boundPattern(p);
    for (const f of lintRule(rule)) add(f.field, f.check, f.message, rule.id);
    if (rule.consequenceOf.length) links.push({ file, rule });
  }
  findings.push(...checkConsequences(links, new Set([...seen.keys(), ...ruleFiles(BUILTIN_RULES_DIR).map(idOfFile)])));
  return { files: files.length, findings };
}

interface RuleFinding {
  field: string;
  check: LintCheck;
  message: string;
}

/** The checks that need a loaded rule: pattern complexity, keywords against matches, near misses, scenario ids and tests. */
export function lintRule(rule: Rule): RuleFinding[] {
  return [...checkPatterns(rule), ...checkKeywords(rule), ...checkNearMiss(rule), ...checkScenarioIds(rule), ...checkScenarioTests(rule)];
}

/** Loading stops at the first problem of a file; its field says which lint check it belongs to. */
function classify(err: RuleError): LintCheck {
  if (/^scenarios\.\d+\.id$/.test(err.field)) return 'scenario-id';
  if (/^scenarios\.\d+\.fix$/.test(err.field) && /placeholder/.test(err.message)) return 'placeholder';
  if (err.field.startsWith('tests.no-match')) return 'near-miss';
  if (err.field.startsWith('tests.scenarios')) return 'scenario-test';
  return 'schema';
}

/** The RuleError's message without the `file: field: ` prefix the finding prints itself. */
function detail(err: RuleError): string {
  const prefix = `${err.file}: ${err.field ? `${err.field}: ` : ''}`;
  return err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
}

const stepField = (step: number): string => (step === 0 ? '' : `followed-by.${step - 1}.`);

/** Super-linear time on a long line (see complexity.ts). */
function checkPatterns(rule: Rule): RuleFinding[] {
  const out: RuleFinding[] = [];
  rule.steps.forEach((step, s) =>
    step.patterns.forEach((p, i) => {
      for (const message of superLinear(p)) out.push({ field: `${stepField(s)}patterns.${i}`, check: 'super-linear', message });
    }),
  );
  return out;
}

/**
 * A keyword that none of the texts the step's patterns matched in the match tests contains is a keyword that
 * cannot be what the pattern matches: lines with it are tried for nothing, and lines the pattern would match
 * without it are never tried (the prefilter only lets lines that hold a keyword through).
 */
function checkKeywords(rule: Rule): RuleFinding[] {
  const out: RuleFinding[] = [];
  rule.steps.forEach((step, s) => {
    const matched = matchedTexts(rule, step.patterns).map((t) => t.toLowerCase());
    if (matched.length === 0) return; // the rule's own tests fail then, and `rules test` says so
    step.keywords.forEach((keyword, i) => {
      if (matched.some((t) => t.includes(keyword.toLowerCase()))) return;
      const seen = matched.slice(0, 2).map((t) => JSON.stringify(t.length > 80 ? `${t.slice(0, 80)}…` : t));
      out.push({
        field: `${stepField(s)}keywords.${i}`,
        check: 'keyword',
        message: `'${keyword}' is in no text the patterns matched in the match tests (${seen.join(', ')}): add a match test with a real line that holds it, or use a literal piece of what the pattern matches`,
      });
    });
  });
  return out;
}

/** What the patterns matched (`m[0]`) in every line of every match test, part by part as the engine tries them. */
function matchedTexts(rule: Rule, patterns: CompiledPattern[]): string[] {
  const out: string[] = [];
  for (const t of rule.tests.match) {
    (t.lines ?? [t.line!]).forEach((raw, n) => {
      const line = parseEnvelope(raw, n + 1);
      for (const text of line.parts ?? [line.text]) {
        for (const p of patterns) {
          const m = matchPattern(p, text);
          if (m) out.push(m[0]!);
        }
      }
    });
  }
  return out;
}

/** A no-match line without any keyword never reaches the patterns: it tests the prefilter, not the rule. */
function checkNearMiss(rule: Rule): RuleFinding[] {
  const keywords = rule.steps.flatMap((s) => s.keywords.map((k) => k.toLowerCase()));
  const lines = rule.tests['no-match'].flatMap((t) => (typeof t === 'string' ? [t] : t.lines)).map((l) => l.toLowerCase());
  if (lines.some((l) => keywords.some((k) => l.includes(k)))) return [];
  return [
    {
      field: 'tests.no-match',
      check: 'near-miss',
      message: 'no no-match test holds a keyword, so none reaches the patterns: add a near miss from a real log (a line with the keyword that must not match)',
    },
  ];
}

const idOfFile = (file: string): string => basename(file).replace(/\.ya?ml$/, '');

/** `consequence-of` must name rules that exist (the linted ones or the built-in ones), and not the rule itself. */
function checkConsequences(links: { file: string; rule: Rule }[], known: Set<string>): LintFinding[] {
  const out: LintFinding[] = [];
  for (const { file, rule } of links) {
    rule.consequenceOf.forEach((id, i) => {
      const problem = id === rule.id ? 'a rule cannot be its own consequence' : known.has(id) ? null : `no rule '${id}'`;
      if (!problem) return;
      const field = `consequence-of.${i}`;
      out.push({ file, line: fieldLine(file, field), rule: rule.id, check: 'consequence-of', message: `${field}: ${problem}` });
    });
  }
  return out;
}

function checkScenarioIds(rule: Rule): RuleFinding[] {
  const out: RuleFinding[] = [];
  rule.scenarios.forEach((sc, i) => {
    const first = rule.scenarios.findIndex((o) => o.id === sc.id);
    if (first < i) out.push({ field: `scenarios.${i}.id`, check: 'scenario-id', message: `duplicate scenario id '${sc.id}' (also scenarios.${first})` });
  });
  return out;
}

/**
 * Each scenario is the expectation of at least one scenario test, in every rule, built-in or a user's: the choice
 * of fix is what a user relies on.
 */
function checkScenarioTests(rule: Rule): RuleFinding[] {
  // A scenario offered among the candidates of an undetermined log is tested too (`unknown` is only ever offered).
  const tested = new Set((rule.tests.scenarios ?? []).flatMap((t) => [t.expect.scenario, ...(t.expect.candidates ?? [])]));
  return rule.scenarios.flatMap((sc, i) =>
    tested.has(sc.id)
      ? []
      : [{ field: `scenarios.${i}.id`, check: 'scenario-test' as const, message: `scenario '${sc.id}' has no scenario test: add one to tests.scenarios with expect: { scenario: ${sc.id} }` }],
  );
}
