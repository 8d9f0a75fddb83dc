// Opens the database a query reads: it must exist already (a query never creates an empty file).

import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { dbPath, type DbOption } from '../cli/shared.js';
import { Store } from '../store/store.js';

/**
 * Opens it read-only (`reanalyze` writes): a query never writes, and another application's file is refused
 * untouched. A database of ours gets new migrations (e.g. the history indexes) once, on the first query after an upgrade.
 */
export function openExistingStore(option: DbOption | undefined, mode: 'read' | 'write' = 'read'): Store {
  const path = dbPath(option);
  if (path === false) throw new UsageError('this command reads the database: --no-db does not apply');
  if (path !== ':memory:' && !existsSync(path)) {
    throw new UsageError(`${path}: no such database (analyze some logs into it first, or name another with --db)`);
  }
  return new Store(path, { readonly: mode === 'read' });
}
