// Options that several commands share: how logs are read and which database to open.

import type { Argv } from 'yargs';
import { dbPath, openExistingStore, openStore, type DbOption } from '../store/open.js';
import type { Store } from '../store/store.js';
import { UsageError } from '../errors.js';
import { isPostgresUrl } from '../store/db-url.js';
import type { StorePort } from '../store/port.js';
import { SEVERITIES, severitiesAtLeast, type Severity } from '../model.js';
import { EXIT, userPath, type Io } from './io.js';

export type { DbOption };

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

/** The database a command names, as the process opens it: `--db`, else BAMBOO_DOCTOR_DB, else the default. */
export function storePath(option: DbOption | undefined, io: Io): string | false {
  const path = dbPath(option, io.env);
  return path === false || path === ':memory:' || isPostgresUrl(path) ? path : userPath(io, path);
}

/** The store `analyze`, `fetch` and `ingest` write to (created when missing): a SQLite file or PostgreSQL; null for `--no-db`. */
export async function openStoreOption(option: DbOption, io: Io): Promise<StorePort | null> {
  const path = storePath(option, io);
  if (path === false) return null;
  return isPostgresUrl(path) ? openPostgresStore(path) : openStore(path);
}

/** The PostgreSQL store, loaded only when a URL names one: `pg` costs ~70 ms of every command's start-up. */
async function openPostgresStore(url: string): Promise<StorePort> {
  const { PgStore } = await import('../store/pg-store.js');
  return PgStore.open(url);
}

/**
 * The database a query reads (history, show, report, draft; `reanalyze` writes): a SQLite file that must exist,
 * opened read-only unless `mode` is write, or PostgreSQL.
 */
export async function openQueryStore(option: DbOption | undefined, io: Io, mode: 'read' | 'write' = 'read'): Promise<StorePort> {
  const path = storePath(option, io);
  return path !== false && isPostgresUrl(path) ? openPostgresStore(path) : openExistingStore(path, mode);
}

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

/** `--fail-on` of `analyze` and `fetch`: the severities, most severe first, and `none`. */
export const failOnOption = { choices: [...SEVERITIES, 'none'] as const, default: 'error' as const, describe: 'exit 1 when a diagnosis is at or above this severity' };

/** 2 when inputs failed; else 1 when a diagnosis reached `--fail-on`; else 0. */
export function exitCode(failed: number, severities: Record<Severity, number>, failOn: Severity | 'none'): number {
  if (failed) return EXIT.usage;
  if (failOn === 'none') return EXIT.ok;
  const reached = severitiesAtLeast(failOn).some((s) => severities[s] > 0);
  return reached ? EXIT.findings : EXIT.ok;
}

/** Diagnoses counted, for the summary lines: `6 diagnoses (3 errors)`. */
export function counted(s: Record<Severity, number>): string {
  const n = s.error + s.warning + s.info;
  return `${n} diagnos${n === 1 ? 'is' : 'es'} (${s.error} error${s.error === 1 ? '' : 's'})`;
}
