// Connects to a PostgreSQL database (`--db postgres://…`), brings its schema up to date under an advisory lock, and
// turns the server's errors into StoreErrors that name the database without its password.

import pg from 'pg';
import { StoreError } from '../errors.js';
import { redactUrl, withoutPassword } from './db-url.js';
import { PG_MIGRATIONS } from './pg-migrations/index.js';

/** The advisory lock that serialises migrations across processes and machines: 'BDOC', as SQLite's application_id. */
const MIGRATION_LOCK = 0x42444f43;
/** The table that says a database is ours and how far its schema is (SQLite keeps this in user_version). */
const VERSION_TABLE = 'bamboo_doctor_schema';
const OUR_TABLES = ['sources', 'builds', 'diagnoses', 'fetch_state'];
const LATEST = PG_MIGRATIONS.at(-1)!.version;

/** Counts (int8) and ids come back as numbers, as better-sqlite3 gives them (exact below 2^53). */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export interface PgDatabase {
  pool: pg.Pool;
  /** The URL as it may be shown (no password). */
  name: string;
  /** Turns an error of this database into a StoreError naming it (other errors pass). */
  explain(err: unknown): unknown;
}

/** Connects and applies the migrations the database lacks; one process at a time does so (advisory lock). */
export async function openPostgres(url: string): Promise<PgDatabase> {
  const name = redactUrl(url);
  const pool = new pg.Pool({ connectionString: url, max: 4, types, connectionTimeoutMillis: 15_000, application_name: 'bamboo-doctor' });
  // An idle client's error (the server restarted) must not end the process: the next query reports it.
  pool.on('error', () => {});
  const explain = (err: unknown) => explainPg(url, err);
  try {
    await migrate(pool, name);
  } catch (err) {
    await pool.end().catch(() => {});
    throw explain(err);
  }
  return { pool, name, explain };
}

async function migrate(pool: pg.Pool, name: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Held to the transaction's end: a second process starting at once waits here, then finds the schema done.
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const current = await schemaVersion(client, name);
    if (current > LATEST) throw new StoreError(name, `written by a newer bamboo-doctor (schema ${current}, this one knows ${LATEST}): upgrade to write to it`);
    for (const m of PG_MIGRATIONS) {
      if (m.version <= current) continue;
      await client.query(m.sql);
      await client.query(`INSERT INTO ${VERSION_TABLE} (version, name, applied_at) VALUES ($1, $2, $3)`, [m.version, m.name, new Date().toISOString()]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** The schema version; 0 for a database without our tables. One that holds tables of ours by name but not our mark is not ours. */
async function schemaVersion(client: pg.PoolClient, name: string): Promise<number> {
  const found = await client.query<{ name: string }>(
    'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ANY($1)',
    [[VERSION_TABLE, ...OUR_TABLES]],
  );
  const tables = found.rows.map((r) => r.name);
  if (!tables.includes(VERSION_TABLE)) {
    if (tables.length) {
      throw new StoreError(name, `not a bamboo-doctor database: it holds tables named ${tables.join(', ')} that bamboo-doctor did not make; they are left as they are (name another database or schema)`);
    }
    await client.query(`CREATE TABLE ${VERSION_TABLE} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    return 0;
  }
  const row = await client.query<{ v: number }>(`SELECT coalesce(max(version), 0) AS v FROM ${VERSION_TABLE}`);
  return row.rows[0].v;
}

/** The server's or the network's answer in words, naming the database without its password. */
export function explainPg(url: string, err: unknown): unknown {
  if (err instanceof StoreError) return err;
  const e = err as Error & { code?: string };
  if (!(e instanceof Error)) return err;
  const code = e.code ?? '';
  const message = withoutPassword(e.message, url);
  const reason =
    code === 'ECONNREFUSED' ? 'connection refused: is the server running, and are the host and port right?'
    : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? `the host cannot be found (${message})`
    : code === '28P01' || code === '28000' ? `the server refused the login (${message})`
    : code === '3D000' ? `${message}: create it first (createdb), or name another`
    : code === '42501' ? `permission denied (${message}): the user needs to create tables in this database once, then to read and write them`
    : code === '53300' ? 'the server has no connection left (too many clients); try again later'
    : /timeout|terminated|ECONNRESET/i.test(message) || code === 'ETIMEDOUT' ? `the connection failed (${message})`
    : code ? `${message} (${code})`
    : null;
  return reason === null ? err : new StoreError(redactUrl(url), reason);
}
