// Opens the database a query reads: it must exist already (a query never creates an empty file).

import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { dbPath, openStore, type DbOption } from '../cli/shared.js';
import type { Store } from '../store/store.js';

/** Opening applies new migrations too (e.g. the history indexes), once, on the first query after an upgrade. */
export function openExistingStore(option: DbOption | undefined): Store {
  const path = dbPath(option);
  if (path === false) throw new UsageError('this command reads the database: --no-db does not apply');
  if (path !== ':memory:' && !existsSync(path)) {
    throw new UsageError(`${path}: no such database (analyze some logs into it first, or name another with --db)`);
  }
  return openStore(path);
}
