// Opens the SQLite file only when it is ours (new, empty, or marked with our application_id), and says why not.

import Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { MIGRATIONS } from './migrations/index.js';

/** `PRAGMA application_id` of a bamboo-doctor database: 'BDOC' (the SQLite header field meant for this). */
export const APPLICATION_ID = 0x42444f43;

/** How long a write waits for another process's lock before it gives up (ms). */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * A file from before application_id is ours when it holds these tables (migration 001), and no table but those
 * our migrations create (fetch_state: 005).
 */
const CORE_TABLES = ['builds', 'diagnoses', 'sources'];
const OUR_TABLES = new Set([...CORE_TABLES, 'fetch_state']);

const LATEST = MIGRATIONS.at(-1)!.version;

type Ownership = 'empty' | 'ours' | 'unmarked-ours' | 'foreign';

/**
 * Opens a database to write: a new or empty file gets the schema; a file marked as ours gets the migrations it
 * lacks. Anything else (another application's SQLite file, a file of a newer version) is refused before anything is
 * written to it: no table, no user_version, no switch to WAL.
 */
export function openForWriting(path: string): Database.Database {
  const db = openRaw(path, false);
  try {
    const owner = ownership(db);
    if (owner === 'foreign') throw refusal(path, db);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > LATEST) throw new StoreError(path, `written by a newer bamboo-doctor (schema ${version}, this one knows ${LATEST}): upgrade to write to it`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, version);
    return db;
  } catch (err) {
    db.close();
    throw explain(path, err);
  }
}

/**
 * Opens a database to read (history, show, report): the file is never written, so a foreign file is refused
 * untouched. A file of ours that lacks migrations is brought up to date first, through a short write (it is ours).
 */
export function openForReading(path: string): Database.Database {
  let db = openRaw(path, true);
  try {
    const owner = ownership(db);
    if (owner === 'foreign' || owner === 'empty') throw refusal(path, db);
    if ((db.pragma('user_version', { simple: true }) as number) < LATEST) {
      db.close();
      openForWriting(path).close();
      db = openRaw(path, true);
    }
    return db;
  } catch (err) {
    if (db.open) db.close();
    throw explain(path, err);
  }
}

function openRaw(path: string, readonly: boolean): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly, fileMustExist: readonly });
  } catch (err) {
    throw explain(path, err);
  }
  // A connection setting, not a write: set before anything else reads, so a held lock is waited for.
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return db;
}

function ownership(db: Database.Database): Ownership {
  if (db.name === ':memory:') return 'empty';
  if ((db.pragma('application_id', { simple: true }) as number) === APPLICATION_ID) return 'ours';
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[]);
  const objects = db.prepare('SELECT count(*) FROM sqlite_master').pluck().get() as number;
  if (objects === 0 && (db.pragma('user_version', { simple: true }) as number) === 0) return 'empty';
  const columns = new Set(db.prepare("SELECT name FROM pragma_table_info('diagnoses')").pluck().all() as string[]);
  const ours = CORE_TABLES.every((t) => tables.includes(t)) && tables.every((t) => OUR_TABLES.has(t));
  return ours && columns.has('rule_version') && columns.has('fix') ? 'unmarked-ours' : 'foreign';
}

function refusal(path: string, db: Database.Database): StoreError {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name LIMIT 4").pluck().all() as string[];
  const what = tables.length ? `another application's SQLite database (tables ${tables.join(', ')})` : 'an empty database';
  return new StoreError(path, `not a bamboo-doctor database: ${what}; it is left as it is (name another file with --db or BAMBOO_DOCTOR_DB)`);
}

/** Applies the migrations the file lacks, each in a transaction that also marks the file as ours. */
function migrate(db: Database.Database, current: number): void {
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  if ((db.pragma('application_id', { simple: true }) as number) !== APPLICATION_ID) db.pragma(`application_id = ${APPLICATION_ID}`);
}

/** SQLite's answers (better-sqlite3's SqliteError codes) in words, naming the database; other errors pass. */
export function explain(path: string, err: unknown): unknown {
  if (err instanceof StoreError) return err;
  const e = err as Error & { code?: string };
  const code = e?.code ?? '';
  if (e?.name !== 'SqliteError' && !/directory does not exist|unable to open database/.test(e?.message ?? '')) return err;
  return new StoreError(path, reason(code, e.message));
}

function reason(code: string, message: string): string {
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED') {
    return `another process holds the database lock for ${BUSY_TIMEOUT_MS / 1000} s; try again when it is done`;
  }
  if (code === 'SQLITE_READONLY_DIRECTORY' || code === 'SQLITE_READONLY_CANTINIT') {
    return 'its folder cannot be written (SQLite keeps the -wal and -shm files beside it, even to read it)';
  }
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_')) return 'the file cannot be written (read-only file or folder)';
  if (code === 'SQLITE_FULL') return 'the disk is full';
  if (code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_')) return `the file is damaged (${message}); keep a copy and restore a backup, or start a new database with --db`;
  if (code === 'SQLITE_NOTADB') return 'this file is not a bamboo-doctor database (not SQLite); it is left as it is';
  if (code.startsWith('SQLITE_IOERR')) return `reading or writing it failed (${code}: ${message}): is the disk full, or the file over a size limit?`;
  if (code === 'SQLITE_CANTOPEN' || !code) return `cannot open it as a database (${message})`;
  return `${message} (${code})`;
}
