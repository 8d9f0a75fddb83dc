// Options that several commands share: how logs are read and which database to open.

import type { Argv } from 'yargs';
import { dbPath, openStore, type DbOption } from '../store/open.js';
import type { Store } from '../store/store.js';
import { UsageError } from '../errors.js';
import { userPath, type Io } from './io.js';

export type { DbOption };

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

/** The database a command names, as the process opens it: `--db`, else BAMBOO_DOCTOR_DB, else the default. */
export function storePath(option: DbOption | undefined, io: Io): string | false {
  const path = dbPath(option, io.env);
  return path === false || path === ':memory:' ? path : userPath(io, path);
}

/** The store `analyze` writes to (created when missing); null for `--no-db`. */
export function openStoreOption(option: DbOption, io: Io): Store | null {
  const path = storePath(option, io);
  return path === false ? null : openStore(path);
}

/** `--max-line-bytes`: a positive whole number (0, a negative or NaN cut every line to nothing and read no build). */
export function lineBytesOption(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`--max-line-bytes ${value}: expected a positive whole number of bytes (e.g. 1048576)`);
  return value;
}
