// Loads rule files, validates them once, and compiles their patterns for the hot path.

import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type XRegExpType from 'xregexp';
import type * as YamlType from 'yaml';
import { CONDITION_FIELDS, ruleFileSchema, type RuleFile, type ScenarioDef } from './schema.js';
import { placeholdersIn, isContextPlaceholder, sectionsIn } from './template.js';
import { readCachedRule, writeCachedRule } from './rule-cache.js';
import { RuleError } from '../errors.js';
import { testContextProblem } from './test-context.js';
import { UNDETERMINED, type Severity } from '../model.js';

// yaml and XRegExp (with core-js) are loaded only when a rule file must be compiled: with the compiled
// rules cached, a run starts ~0.25 s sooner (measured: they were a third of the start-up).
const lazyRequire = createRequire(import.meta.url);

export interface CompiledPattern {
  re: RegExp;
  /** Capture group names by group index (index 0 unused). */
  names: (string | undefined)[];
  source: string;
  /**
   * A user's pattern is matched through this instead of `re` (see bounded.ts): RE2's linear time, or V8 within a
   * time budget. Built-in patterns have none and keep the fast native path.
   */
  exec?: (text: string) => ArrayLike<string | undefined> | null;
  engine?: 're2' | 'budget';
  /** Lines this pattern was given up on (over the time budget). */
  overBudget?: number;
}

export interface RuleStep {
  keywords: string[];
  patterns: CompiledPattern[];
  within: number;
}

export interface Rule {
  id: string;
  title: string;
  severity: Severity;
  category: string;
  description?: string;
  generic: boolean;
  /** Ids of rules whose failure earlier in the job (or in the same task) this one follows from. */
  consequenceOf: string[];
  /** Severity set by a capture the evidence holds, instead of `severity`. */
  severityByCapture: Record<string, Severity>;
  /** Content hash of the rule file: a diagnosis records which version of the rule produced it. */
  version: string;
  file: string;
  steps: RuleStep[];
  /** A line that any of these matches is never evidence for the rule. */
  unless: CompiledPattern[];
  /** The two steps of a two-line rule may come in either order. */
  anyOrder: boolean;
  scenarios: ScenarioDef[];
  references: string[];
  tests: RuleFile['tests'];
  captureNames: string[];
}

/** The rules shipped with bamboo-doctor. */
export const BUILTIN_RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

/**
 * Loads every `*.yaml`/`*.yml` rule in the given folders (or files), in order. Two files with one id clash,
 * unless the later one replaces a built-in rule (see `replacesRule`): it then takes the built-in's place.
 */
export function loadRules(paths: string[] = [BUILTIN_RULES_DIR]): Rule[] {
  const byId = new Map<string, Rule>();
  for (const file of paths.flatMap(ruleFiles)) {
    const rule = loadRuleFile(file);
    const earlier = byId.get(rule.id);
    if (earlier && !replacesRule(earlier.file, file)) throw new RuleError(file, 'id', `duplicate rule id '${rule.id}' (also in ${earlier.file})`);
    // Deleted first, so a replacing rule comes after the built-in ones, where the user's own rules are.
    byId.delete(rule.id);
    byId.set(rule.id, rule);
  }
  return [...byId.values()];
}

const isBuiltin = (file: string): boolean => file.startsWith(BUILTIN_RULES_DIR);

/**
 * The override policy, for loading and lint alike: a rule file of the user's (`--rules`) with a built-in rule's
 * id replaces the built-in (a team's edited copy: `reanalyze` then sees the new version); the same file named
 * twice is one rule; any other two files with one id clash.
 */
export function replacesRule(earlierFile: string, file: string): boolean {
  return earlierFile === file || (isBuiltin(earlierFile) && !isBuiltin(file));
}

/** The rule files a folder holds (sorted), or the file itself. */
export function ruleFiles(path: string): string[] {
  const full = resolve(path);
  let stat;
  try {
    stat = statSync(full);
  } catch {
    throw new RuleError(path, '', 'no such rules file or folder');
  }
  if (stat.isFile()) return [full];
  return readdirSync(full)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(full, name));
}

/** A rule file, from the cache of compiled rules when this exact content was compiled before. */
export function loadRuleFile(file: string): Rule {
  const text = readFileSync(file, 'utf8');
  const hash = createHash('sha256').update(text).digest('hex');
  const cached = readCachedRule(hash, file);
  if (cached) return cached;
  const rule = compileRuleFile(file, text, hash.slice(0, 12));
  writeCachedRule(hash, rule);
  return rule;
}

function compileRuleFile(file: string, text: string, version: string): Rule {
  const { parseDocument } = lazyRequire('yaml') as typeof YamlType;
  const doc = parseDocument(text);
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new RuleError(file, '', `YAML error at line ${e.linePos?.[0].line ?? '?'}: ${e.message.split('\n')[0]}`);
  }
  const rule = compileRule(doc.toJS(), { file, version });
  const id = basename(file).replace(/\.ya?ml$/, '');
  if (rule.id !== id) throw new RuleError(file, 'id', `'${rule.id}' must equal the file name '${id}'`);
  return rule;
}

/**
 * Validates and compiles a rule definition (a rule file's content as a plain object): what a rule file is
 * turned into, without a file, for tests and tools. Errors name `file` (default `<inline rule>`).
 */
export function compileRule(definition: unknown, options: { file?: string; version?: string } = {}): Rule {
  const file = options.file ?? '<inline rule>';
  const parsed = ruleFileSchema().safeParse(definition);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RuleError(file, issue.path.join('.'), issue.message);
  }
  const def = parsed.data;
  const version = options.version ?? createHash('sha256').update(JSON.stringify(definition)).digest('hex').slice(0, 12);
  const flags = def.flags;
  const steps: RuleStep[] = [
    { keywords: def.keywords, patterns: compileAll(def.patterns, flags, file, 'patterns'), within: 0 },
    ...(def['followed-by'] ?? []).map((s, i) => ({
      keywords: s.keywords,
      patterns: compileAll(s.patterns, flags, file, `followed-by.${i}.patterns`),
      within: s.within,
    })),
  ];
  if (def['any-order'] && steps.length !== 2) throw new RuleError(file, 'any-order', 'needs exactly one followed-by step');
  const captureNames = [...new Set(steps.flatMap((s) => s.patterns.flatMap((p) => p.names.filter(isName))))];
  def.scenarios.forEach((sc, i) => checkScenario(sc, i, captureNames, file));
  for (const name of Object.keys(def['severity-by-capture'])) {
    if (!captureNames.includes(name)) throw new RuleError(file, `severity-by-capture.${name}`, 'not a capture of the patterns');
  }
  checkScenarioTests(def, file);
  return {
    id: def.id,
    title: def.title,
    severity: def.severity,
    category: def.category,
    description: def.description,
    generic: def.generic,
    consequenceOf: def['consequence-of'],
    severityByCapture: def['severity-by-capture'],
    version,
    file,
    steps,
    unless: compileAll(def.unless, flags, file, 'unless'),
    anyOrder: def['any-order'],
    scenarios: def.scenarios,
    references: def.references,
    tests: def.tests,
    captureNames,
  };
}

const isName = (n: string | undefined): n is string => n !== undefined;

function compileAll(sources: string[], flags: string, file: string, field: string): CompiledPattern[] {
  return sources.map((source, i) => compilePattern(source, flags, file, `${field}.${i}`));
}

/**
 * Builds with XRegExp (named captures, free spacing, comments), then hands the native source to RegExp:
 * XRegExp-built objects test about twice as slowly on the hot path (PERF-FACTS).
 */
export function compilePattern(source: string, flags: string, file: string, field: string): CompiledPattern {
  const XRegExp = lazyRequire('xregexp') as typeof XRegExpType;
  let x: RegExp & { xregexp?: { captureNames: (string | null)[] | null } };
  try {
    x = XRegExp(source.replace(/\n$/, ''), flags);
  } catch (err) {
    throw new RuleError(file, field, `pattern does not compile: ${(err as Error).message}`);
  }
  const names = [undefined, ...(x.xregexp?.captureNames ?? []).map((n) => n ?? undefined)];
  const nativeFlags = x.flags.replace(/[^imsu]/g, '');
  return { re: new RegExp(x.source, nativeFlags), names, source };
}

/** A scenario test names a scenario of the rule (or `undetermined`) and only context fields a test may set. */
function checkScenarioTests(def: RuleFile, file: string): void {
  const ids = new Set([...def.scenarios.map((s) => s.id), UNDETERMINED]);
  (def.tests.scenarios ?? []).forEach((t, i) => {
    for (const [at, id] of [t.expect.scenario, ...(t.expect.candidates ?? [])].entries()) {
      const field = at === 0 ? 'scenario' : `candidates.${at - 1}`;
      if (!ids.has(id) || (at > 0 && id === UNDETERMINED)) {
        throw new RuleError(file, `tests.scenarios.${i}.expect.${field}`, `'${id}' is not a scenario of this rule (${[...ids].join(', ')})`);
      }
    }
    if (t.expect.candidates && t.expect.scenario !== UNDETERMINED) {
      throw new RuleError(file, `tests.scenarios.${i}.expect.candidates`, 'candidates go with scenario: undetermined');
    }
    for (const [field, value] of Object.entries(t.context)) {
      const problem = testContextProblem(field, value);
      if (problem) throw new RuleError(file, `tests.scenarios.${i}.context.${field}`, problem);
    }
  });
}

function checkScenario(sc: ScenarioDef, i: number, captureNames: string[], file: string): void {
  for (const [field, value] of Object.entries(sc.when)) {
    const allowed = (CONDITION_FIELDS as Record<string, readonly (string | boolean)[]>)[field];
    if (!allowed) {
      throw new RuleError(file, `scenarios.${i}.when.${field}`, `unknown field; use one of ${Object.keys(CONDITION_FIELDS).join(', ')}`);
    }
    for (const v of Array.isArray(value) ? value : [value]) {
      if (!allowed.includes(v)) {
        throw new RuleError(file, `scenarios.${i}.when.${field}`, `'${v}' is not one of ${allowed.join(', ')}`);
      }
    }
  }
  for (const name of sectionsIn(sc.fix)) {
    if (!captureNames.includes(name)) throw new RuleError(file, `scenarios.${i}.fix`, `section {{#${name}}} tests no capture of the patterns`);
  }
  for (const name of placeholdersIn(sc.fix)) {
    if (!isContextPlaceholder(name) && !captureNames.includes(name)) {
      throw new RuleError(file, `scenarios.${i}.fix`, `unknown placeholder {{${name}}}: not a context field nor a capture of the patterns`);
    }
  }
}
