// Options that several commands share: the rules to load and the database to open.

import type { Argv } from 'yargs';
import { DEFAULT_DB, Store } from '../store/store.js';
import { UsageError } from '../errors.js';
import type { Severity } from '../model.js';
import { EXIT } from './io.js';

/**
 * How logs are read, for `analyze` and `reanalyze` alike: more rules, the line cap, and what the user supplies
 * about agents and jobs (re-diagnosis must see the same context as the first analysis).
 */
export function readingOptions<T>(y: Argv<T>) {
  return y
    .option('rules', { type: 'string', array: true, default: [] as string[], describe: 'extra rule folders or files' })
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
 * Opens (or creates) the database; a path that cannot be one (a folder, a missing folder, a log given to --db by
 * mistake) is the user's mistake, named in one line rather than an internal error with a stack trace.
 */
export function openStore(path: string): Store {
  try {
    return new Store(path);
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.name !== 'SqliteError' && !/directory does not exist/.test(e.message)) throw err;
    const why = e.code === 'SQLITE_NOTADB' ? 'this file is not a bamboo-doctor database (SQLite)' : `cannot open it as a database (${e.message})`;
    throw new UsageError(`database ${path} (--db or BAMBOO_DOCTOR_DB): ${why}`);
  }
}

export { loadRuleSet } from '../rules/rule-set.js';

/** `--jobs`: a whole number of worker threads, at least 1. */
export function jobsOption(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`--jobs ${value}: expected a whole number of worker threads, 1 or more`);
  return value;
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
