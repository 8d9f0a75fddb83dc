// The database is ours alone, and its failures are database errors: foreign files refused untouched, queries
// read-only, read-only/full/damaged/locked files named with the reason, the batch stopped, what was stored kept.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { APPLICATION_ID } from '../../src/store/database.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';
import { runProcess, until } from '../helpers/process.js';

const SAMPLE = join(ROOT, 'samples', 'agent-environment.log');
const dir = tempDir();
const logs = join(dir, 'logs');

/** Forty builds of the sample, each under its own key, so the database grows build by build. */
beforeAll(() => {
  mkdirSync(logs);
  const text = readFileSync(SAMPLE, 'utf8');
  for (let i = 1; i <= 40; i++) writeFileSync(join(logs, `b${String(i).padStart(2, '0')}.log`), text.replaceAll('JOB1-31', `JOB1-${i}`).replaceAll('#31', `#${i}`));
});

const count = (db: string, sql: string) => {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare(sql).pluck().get() as number;
  } finally {
    d.close();
  }
};

function oneLineError(stderr: string, pattern: RegExp): void {
  expect(stderr).not.toMatch(/internal error|\n\s+at /);
  expect(stderr).toMatch(pattern);
}

describe('another application\'s SQLite file', () => {
  it('is refused by every command, byte for byte untouched: no table, no user_version, no WAL', async () => {
    const db = join(dir, 'crm.db');
    const d = new Database(db);
    d.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('Acme')");
    d.pragma('user_version = 7');
    d.close();
    const before = readFileSync(db);
    for (const args of [
      ['analyze', SAMPLE, '--db', db],
      ['history', '--db', db],
      ['show', 'ACME-TOOLS-JOB1-31', '--db', db],
      ['report', '--db', db, '--html', join(dir, 'crm.html')],
      ['reanalyze', '--db', db],
    ]) {
      const r = await runCli(args);
      expect(r.code, args[0]).toBe(2);
      oneLineError(r.stderr, /database .*crm\.db: not a bamboo-doctor database: another application's SQLite database \(tables customers\); it is left as it is/);
      expect(readFileSync(db).equals(before), args[0]).toBe(true);
      expect(existsSync(`${db}-wal`), args[0]).toBe(false);
    }
  });

  it('a new file is marked as ours; one of ours from before the mark is recognised and marked', async () => {
    const fresh = join(dir, 'fresh.db');
    expect((await runCli(['analyze', SAMPLE, '--db', fresh])).code).toBe(1);
    expect(count(fresh, 'PRAGMA application_id')).toBe(APPLICATION_ID);
    const old = join(dir, 'v4.db');
    const d = new Database(old);
    for (const m of MIGRATIONS.filter((m) => m.version <= 4)) d.exec(`${m.sql}; PRAGMA user_version = ${m.version}`);
    d.close();
    expect((await runCli(['analyze', SAMPLE, '--db', old])).code).toBe(1);
    expect(count(old, 'PRAGMA application_id')).toBe(APPLICATION_ID);
    expect(count(old, 'SELECT count(*) FROM builds')).toBe(1);
  });

  it('history, show and report do not write to the database file', async () => {
    const db = join(dir, 'queried.db');
    await runCli(['analyze', SAMPLE, '--db', db]);
    const before = readFileSync(db);
    expect((await runCli(['history', '--db', db])).code).toBe(0);
    expect((await runCli(['show', 'ACME-TOOLS-JOB1-31', '--db', db])).code).toBe(0);
    expect((await runCli(['report', '--db', db, '--html', join(dir, 'q.html')])).code).toBe(0);
    expect(readFileSync(db).equals(before)).toBe(true);
  });
});

describe('a storage failure', () => {
  it('(the file grows past its limit: disk full) stops the batch, exits 2, keeps what was committed and counts only that', async () => {
    const db = join(dir, 'full.db');
    // SIGXFSZ ignored: a write past the limit fails with EFBIG, as a full disk fails with ENOSPC. 800 blocks of 512
    // bytes (sh's unit): the WAL holds every migration and a few builds (at 400, the schema of 008 left room for none).
    const r = await runProcess(['analyze', logs, '--db', db, '--format', 'ndjson'], { shell: "trap '' XFSZ; ulimit -f 800" });
    expect(r.code).toBe(2);
    oneLineError(r.stderr, /^error: database .*full\.db: reading or writing it failed \(SQLITE_IOERR_WRITE: disk I\/O error\): is the disk full, or the file over a size limit\?; stopped there \(what was stored before stays\)$/m);
    const summary = /bamboo-doctor: (\d+) inputs, (\d+) builds?, (\d+) diagnos/.exec(r.stderr)!;
    const stored = count(db, 'SELECT count(*) FROM builds');
    expect(Number(summary[1])).toBeLessThan(40);
    expect(stored).toBeGreaterThan(0);
    expect(Number(summary[2])).toBe(stored);
    expect(Number(summary[3])).toBe(count(db, 'SELECT count(*) FROM diagnoses'));
    expect(r.stderr).not.toMatch(/\.log:1:/);

  });

  it('(a run killed while reading) leaves the source shown as interrupted, and the next run reads it again', async () => {
    const db = join(dir, 'killed.db');
    const rules = join(dir, 'slow-rules');
    mkdirSync(rules);
    // A user's rule that makes reading this log take seconds (linear, but on 1 MB lines): the kill comes mid-read.
    writeFileSync(
      join(rules, 'slow.yaml'),
      `id: slow\ntitle: Slow\nseverity: error\ncategory: test\nkeywords: ["boom "]\npatterns: ['boom (?<tail>(a+)+)$']\n` +
        `scenarios:\n  - id: any\n    title: Any\n    fix: Look.\ntests:\n  match:\n    - line: "boom aa"\n  no-match: ["boom bb"]\n`,
    );
    const log = join(dir, 'slow.log');
    writeFileSync(log, readFileSync(SAMPLE, 'utf8') + `error\t04-Nov-2025 16:13:54\tboom ${'a'.repeat(1_000_000)}b\n`.repeat(8));
    const args = ['analyze', log, '--db', db, '--rules', rules, '--allow-slow-rules'];
    const reading = () => {
      try {
        return count(db, "SELECT count(*) FROM sources WHERE status = 'reading'") === 1;
      } catch {
        return false; // not created yet
      }
    };
    const killed = await runProcess(args, {
      started: (child) => void until('the source being read', reading).then(() => child.kill('SIGKILL')),
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(count(db, "SELECT count(*) FROM sources WHERE status = 'reading'")).toBe(1);
    const again = await runCli(args);
    expect(again.stderr).toContain(`${log}: an earlier run was stopped while reading it (interrupted): reading it again`);
    expect(count(db, "SELECT group_concat(status) FROM sources ORDER BY id")).toBe('interrupted,done');
    expect(count(db, 'SELECT count(*) FROM builds')).toBe(1);
  });

  it('(a lock held past the busy timeout) says another process holds it, without a stack', async () => {
    const db = join(dir, 'locked.db');
    await runCli(['analyze', SAMPLE, '--db', db]);
    const holder = new Database(db);
    holder.pragma('busy_timeout = 100');
    holder.exec('BEGIN IMMEDIATE');
    try {
      const r = await runProcess(['analyze', join(logs, 'b01.log'), '--db', db]);
      expect(r.code).toBe(2);
      oneLineError(r.stderr, /error: database .*locked\.db: another process holds the database lock for 5 s; try again when it is done/);
      expect(r.stderr).toMatch(/0 builds/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  it('(damaged pages) gives report, show, history and reanalyze a clear message', async () => {
    const db = join(dir, 'damaged.db');
    await runCli(['analyze', logs, '--db', db]);
    const bytes = readFileSync(db);
    // Page 1 (the header and schema) stays; the pages holding the rows are overwritten.
    bytes.fill(0xa5, 4096 * 2, bytes.length - 4096);
    writeFileSync(db, bytes);
    for (const args of [
      ['report', '--db', db, '--html', join(dir, 'd.html')],
      ['show', 'ACME-TOOLS-JOB1-3', '--db', db],
      ['history', '--db', db],
      ['reanalyze', '--db', db],
    ]) {
      const r = await runCli(args);
      expect(r.code, args[0]).toBe(2);
      oneLineError(r.stderr, /database .*damaged\.db: the file is damaged \(.*\); keep a copy and restore a backup, or start a new database with --db/);
    }
  });

  it('(a read-only file) is named as such and nothing is read as an input error', async () => {
    const ro = tempDir();
    chmodSync(ro, 0o777);
    const db = join(ro, 'ro.db');
    await runCli(['analyze', SAMPLE, '--db', db]);
    copyFileSync(join(logs, 'b02.log'), join(ro, 'b02.log'));
    chmodSync(db, 0o444);
    // root writes to any file: run as nobody then.
    const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = await runProcess(['analyze', join(ro, 'b02.log'), '--db', db], user);
    expect(r.code).toBe(2);
    oneLineError(r.stderr, /database .*ro\.db: the file cannot be written \(read-only file or folder\)/);
    expect(r.stderr).not.toMatch(/b02\.log:1:/);
  });
});
