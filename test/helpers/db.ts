// Reads a test's SQLite file (opened read-only and closed again, so the CLI under test keeps it to itself).

import Database from 'better-sqlite3';

export function query(file: string, sql: string, ...params: unknown[]): Record<string, unknown>[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as Record<string, unknown>[];
  } finally {
    db.close();
  }
}
