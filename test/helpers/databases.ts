// The databases a storage test runs against: a new SQLite file, and a new PostgreSQL database on the server that
// BAMBOO_DOCTOR_TEST_PG names (scripts/with-pg.sh starts one). Without it the PostgreSQL runs are skipped, and
// say so; in CI (CI set) they fail instead, so a missing server cannot pass for green.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { tempDir } from './cli.js';
import { query as querySqlite } from './db.js';

export const PG_URL = process.env.BAMBOO_DOCTOR_TEST_PG || null;

export interface TestDb {
  kind: 'sqlite' | 'postgres';
  /** What `--db` takes: a file, or a postgres:// URL. */
  db: string;
  /** Reads rows; the SQL is written with `?` placeholders for both. */
  query(sql: string, ...params: unknown[]): Promise<Record<string, unknown>[]>;
}

let told = false;
/** The kinds to run a storage test against: `describe.each(DATABASE_KINDS)`. */
export const DATABASE_KINDS: ('sqlite' | 'postgres')[] = (() => {
  if (PG_URL) return ['sqlite', 'postgres'];
  if (process.env.CI) return ['sqlite', 'postgres']; // newDatabase('postgres') throws: the test fails
  if (!told) console.warn('PostgreSQL store tests skipped: BAMBOO_DOCTOR_TEST_PG is unset (scripts/with-pg.sh npx vitest run … runs them)');
  told = true;
  return ['sqlite'];
})();

const created: string[] = [];
let admin: pg.Pool | null = null;

/** int8 (counts, ids) as numbers, as the store reads them. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** A new, empty database of the kind (PostgreSQL: a new database on the test server, see dropTestDatabases). */
export async function newDatabase(kind: 'sqlite' | 'postgres'): Promise<TestDb> {
  if (kind === 'sqlite') {
    const db = join(tempDir(), 'test.db');
    return { kind, db, query: async (sql, ...params) => querySqlite(db, sql, ...params) };
  }
  if (!PG_URL) throw new Error('BAMBOO_DOCTOR_TEST_PG is unset: CI must run the PostgreSQL tests (.ci/run starts a server through scripts/with-pg.sh)');
  admin ??= new pg.Pool({ connectionString: PG_URL, max: 2 });
  const name = `bd_test_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  created.push(name);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const db = url.toString();
  return {
    kind,
    db,
    query: async (sql, ...params) => {
      const client = new pg.Client({ connectionString: db, types });
      await client.connect();
      try {
        let n = 0;
        return (await client.query(sql.replace(/\?/g, () => `$${++n}`), params)).rows;
      } finally {
        await client.end();
      }
    },
  };
}

/** Drops the PostgreSQL databases made so far: `afterAll(dropTestDatabases)` in each file that makes them. */
export async function dropTestDatabases(): Promise<void> {
  if (!admin) return;
  for (const name of created.splice(0)) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
  admin = null;
}
