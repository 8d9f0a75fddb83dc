// One way to run a read query on either database: SQL written once with `?` placeholders, and the few spellings
// that differ between SQLite and PostgreSQL named here.

import type Database from 'better-sqlite3';
import type pg from 'pg';

export type Dialect = 'sqlite' | 'postgres';

/**
 * Runs queries: `all` returns rows with the column names the SQL gives them (quote camelCase aliases), `run` a
 * statement's changed row count. For the store's small statements; batches of writes go through the port's write().
 */
export interface SqlReader {
  readonly dialect: Dialect;
  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

/** `?` → `$1, $2, …` for PostgreSQL (our SQL holds no `?` inside a string literal). */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** The spellings that differ. */
export const spell = {
  /** Null-safe equality with a parameter. */
  isSame: (d: Dialect, column: string): string => (d === 'sqlite' ? `${column} IS ?` : `${column} IS NOT DISTINCT FROM ?`),
  /**
   * A column that SQLite's planner should not take an index's order from (the unary + of its docs); PostgreSQL
   * plans from statistics and has no `+` for text.
   */
  noIndexOrder: (d: Dialect, expression: string): string => (d === 'sqlite' ? `+${expression}` : expression),
  /** ISO week of an ISO time text, `2025-W45`. */
  isoWeek: (d: Dialect, column: string): string => (d === 'sqlite' ? `strftime('%G-W%V', ${column})` : `to_char(${column}::timestamp, 'IYYY-"W"IW')`),
  /** A JSON array text of the distinct non-null values. */
  distinctJson: (d: Dialect, column: string): string =>
    d === 'sqlite' ? `json_group_array(DISTINCT ${column})` : `coalesce(json_agg(DISTINCT ${column}) FILTER (WHERE ${column} IS NOT NULL), '[]')::text`,
};

/** SQLite through better-sqlite3: statements prepared once per text and kept; `explain` turns its errors into StoreErrors. */
export function sqliteReader(db: Database.Database, explain: (err: unknown) => unknown = (err) => err): SqlReader {
  const prepared = new Map<string, Database.Statement>();
  const guarded = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      throw explain(err);
    }
  };
  const statement = (sql: string) => {
    let stmt = prepared.get(sql);
    if (!stmt) prepared.set(sql, (stmt = db.prepare(sql)));
    return stmt;
  };
  return {
    dialect: 'sqlite',
    all: async <T>(sql: string, params: readonly unknown[] = []) => guarded(() => statement(sql).all(...params) as T[]),
    run: async (sql: string, params: readonly unknown[] = []) => guarded(() => statement(sql).run(...params).changes),
  };
}

/** PostgreSQL through a pool; `explain` turns its errors into StoreErrors. */
export function pgReader(pool: pg.Pool, explain: (err: unknown) => unknown): SqlReader {
  const query = async (sql: string, params: readonly unknown[]) => {
    try {
      return await pool.query(numbered(sql), params as unknown[]);
    } catch (err) {
      throw explain(err);
    }
  };
  return {
    dialect: 'postgres',
    all: async <T>(sql: string, params: readonly unknown[] = []) => (await query(sql, params)).rows as T[],
    run: async (sql: string, params: readonly unknown[] = []) => (await query(sql, params)).rowCount ?? 0,
  };
}
