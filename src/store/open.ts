// Opens the SQLite file the user named: which file (--db, BAMBOO_DOCTOR_DB, default), and one clear line when
// it cannot be a database.

import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { DEFAULT_DB, Store } from './store.js';

/** `--db FILE`, or false for `--no-db`. */
export type DbOption = string | false;

/** The database path: `--db`, else BAMBOO_DOCTOR_DB, else ./bamboo-doctor.db; false for `--no-db`. */
export function dbPath(option: DbOption | undefined, env: NodeJS.ProcessEnv = process.env): string | false {
  if (option === false) return false;
  return option || env.BAMBOO_DOCTOR_DB || DEFAULT_DB;
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

/**
 * The database a query reads: it must exist already (a query never creates an empty file). Opening applies new
 * migrations too (e.g. the history indexes), once, on the first query after an upgrade.
 */
export function openExistingStore(path: string | false): Store {
  if (path === false) throw new UsageError('this command reads the database: --no-db does not apply');
  if (path !== ':memory:' && !existsSync(path)) {
    throw new UsageError(`${path}: no such database (analyze some logs into it first, or name another with --db)`);
  }
  return openStore(path);
}
