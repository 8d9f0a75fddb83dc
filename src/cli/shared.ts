// Options that several commands share: the rules to load and the database to open.

import type { Argv } from 'yargs';
import { BUILTIN_RULES_DIR, loadRules } from '../rules/load.js';
import { RuleSet } from '../rules/rule-set.js';
import { DEFAULT_DB, Store } from '../store/store.js';
import { UsageError } from '../errors.js';
import { prepareUserRules, type UserRuleOptions } from '../rules/user-rules.js';
import type { Severity } from '../model.js';
import { EXIT } from './io.js';

/**
 * How logs are read, for `analyze` and `reanalyze` alike: more rules, the line cap, and what the user supplies
 * about agents and jobs (re-diagnosis must see the same context as the first analysis).
 */
export function readingOptions<T>(y: Argv<T>) {
  return y
    .option('rules', { type: 'string', array: true, default: [] as string[], describe: 'extra rule folders or files' })
    .option('allow-slow-rules', { type: 'boolean', default: false, describe: 'load --rules patterns that can backtrack exponentially (still run within a time budget)' })
    .option('max-line-bytes', { type: 'number', coerce: lineBytesOption, describe: 'cut lines longer than this (default 1 MiB)' })
    .option('agents', { type: 'string', array: true, default: [] as string[], describe: 'GET /rest/api/latest/agent JSON, or YAML/JSON facts per agent name' })
    .option('specs', { type: 'string', array: true, default: [] as string[], describe: "Bamboo Specs YAML files or folders (the jobs' docker: blocks)" });
}

/** `--db FILE`, or false for `--no-db`. */
export type DbOption = string | false;

/** The database path: `--db`, else BAMBOO_DOCTOR_DB, else ./bamboo-doctor.db. */
export function dbPath(option: DbOption | undefined, env: NodeJS.ProcessEnv = process.env): string | false {
  if (option === false) return false;
  return option || env.BAMBOO_DOCTOR_DB || DEFAULT_DB;
}

export function openStoreOption(option: DbOption): Store | null {
  const path = dbPath(option);
  return path === false ? null : openStore(path);
}

/**
 * Opens (or creates) the database to write; a path that cannot be one (a folder, a missing folder, a log or another
 * application's database given to --db by mistake) is a StoreError naming it, in one line, and the file is left as it is.
 */
export function openStore(path: string): Store {
  return new Store(path);
}

/**
 * The built-in rules plus any `--rules` folders. A rule there with a built-in rule's id replaces it (a team's
 * edited copy: `reanalyze` then sees the new version); two of the user's own files may not share an id. The user's
 * rules are checked and bound (rules/user-rules.ts).
 */
export function loadRuleSet(extra: string[] = [], options: UserRuleOptions = {}): RuleSet {
  const own = extra.length ? loadRules(extra) : [];
  prepareUserRules(own, options);
  const replaced = new Set(own.map((r) => r.id));
  return new RuleSet([...loadRules([BUILTIN_RULES_DIR]).filter((r) => !replaced.has(r.id)), ...own]);
}

/** `--max-line-bytes`: a positive whole number (0, a negative or NaN cut every line to nothing and read no build). */
export function lineBytesOption(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`--max-line-bytes ${value}: expected a positive whole number of bytes (e.g. 1048576)`);
  return value;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** 2 when inputs failed; else 1 when a diagnosis reached `--fail-on`; else 0. */
export function exitCode(failed: number, severities: Record<Severity, number>, failOn: Severity | 'none'): number {
  if (failed) return EXIT.usage;
  if (failOn === 'none') return EXIT.ok;
  const reached = (Object.keys(RANK) as Severity[]).some((s) => RANK[s] >= RANK[failOn] && severities[s] > 0);
  return reached ? EXIT.findings : EXIT.ok;
}

/** Diagnoses counted, for the summary lines: `6 diagnoses (3 errors)`. */
export function counted(s: Record<Severity, number>): string {
  const n = s.error + s.warning + s.info;
  return `${n} diagnos${n === 1 ? 'is' : 'es'} (${s.error} error${s.error === 1 ? '' : 's'})`;
}
