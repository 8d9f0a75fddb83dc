// Opens the SQLite file the user named: which file (--db, BAMBOO_DOCTOR_DB, default), to write or only to read.

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
 * Opens (or creates) the database to write; a path that cannot be one (a folder, a missing folder, a log or another
 * application's database given to --db by mistake) is a StoreError naming it, in one line, and the file is left as it is.
 */
export function openStore(path: string): Store {
  return new Store(path);
}

/**
 * The database a query reads: it must exist already (a query never creates an empty file). Opened read-only
 * (`reanalyze` writes): a query never writes, and another application's file is refused untouched. A database of
 * ours gets new migrations (e.g. the history indexes) once, on the first query after an upgrade.
 */
export function openExistingStore(path: string | false, mode: 'read' | 'write' = 'read'): Store {
  if (path === false) throw new UsageError('this command reads the database: --no-db does not apply');
  if (path !== ':memory:' && !existsSync(path)) {
    throw new UsageError(`${path}: no such database (analyze some logs into it first, or name another with --db)`);
  }
  return new Store(path, { readonly: mode === 'read' });
}
