// Many writers on one PostgreSQL database: processes started at once on a new database (migrations race), the same
// and overlapping builds from several machines stored once; the password never shown. Needs `npm run build`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliProcess, tempDir } from '../helpers/cli.js';
import { DATABASE_KINDS, dropTestDatabases, newDatabase, PG_URL } from '../helpers/databases.js';
import { query } from '../helpers/db.js';

afterAll(dropTestDatabases);

/** A synthetic diagnosis record (as analyze --format ndjson prints one) for build `n` and a rule. */
function record(n: number, rule: string): string {
  return JSON.stringify({
    rule, title: `Synthetic ${rule}`, severity: 'error', category: 'test', scenario: 'agent-host',
    build: `SYN-PLAN-JOB1-${n}`, plan: 'SYN-PLAN', job: 'JOB1', number: n,
    agent: { name: `agent-${n % 7}`, type: 'remote', container: false, service: false, home: '/home/bamboo', os: 'linux' },
    runner: { kind: 'agent', image: null, volumes: [] }, task: { name: 'Build', type: 'script' },
    source: `logs/SYN-PLAN-JOB1-${n}.log`, line: 10 + (n % 50), time: `2025-10-${String(1 + (n % 28)).padStart(2, '0')}T10:00:00`,
    evidence: [`synthetic failure ${n}`], captures: {}, count: 1, fix: 'Synthetic fix.', ruleVersion: 'v1',
  });
}

const builds = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const ndjsonOf = (ns: number[]) => ns.flatMap((n) => [record(n, 'rule-a'), record(n, 'rule-b')]).join('\n');

describe.skipIf(!DATABASE_KINDS.includes('postgres'))('PostgreSQL with many writers', () => {
  let dir: string;
  beforeAll(() => void (dir = tempDir()));

  it('4 processes at once on a new database, the same and overlapping inputs: every row once, none lost', async () => {
    const t = await newDatabase('postgres');
    const inputs = [builds(0, 600), builds(0, 600), builds(300, 900), builds(600, 1200)].map((ns, i) => {
      const file = join(dir, `machine-${i}.ndjson`);
      writeFileSync(file, ndjsonOf(ns));
      return file;
    });
    const runs = await Promise.all(inputs.map((file) => runCliProcess(['ingest', file, '--db', t.db])));
    for (const r of runs) expect(r.stderr).toMatch(/^ingest: 1200 diagnoses stored from 1 input\n$/);
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    expect(await t.query('SELECT count(*) AS n, count(DISTINCT build_key) AS keys FROM builds')).toEqual([{ n: 1200, keys: 1200 }]);
    expect(await t.query('SELECT count(*) AS n, count(DISTINCT (build_id, rule)) AS pairs FROM diagnoses')).toEqual([{ n: 2400, pairs: 2400 }]);
    expect(await t.query("SELECT count(*) AS n FROM sources WHERE status = 'done'")).toEqual([{ n: 4 }]);
    expect(await t.query('SELECT version FROM bamboo_doctor_schema ORDER BY version')).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((version) => ({ version })));
  }, 120_000);

  it('analyze by 4 processes at once (the same logs twice, overlapping sets, stdin): the rows one SQLite run makes, once', async () => {
    const t = await newDatabase('postgres');
    const reference = join(dir, 'reference.db');
    await runCli(['analyze', 'samples', '--db', reference]);
    const log = 'samples/docker-runner-remote-agent.log';
    const runs = await Promise.all([
      runCliProcess(['analyze', 'samples', '--db', t.db]),
      runCliProcess(['analyze', 'samples', '--db', t.db, '--force']),
      runCliProcess(['analyze', 'samples/green', log, '--db', t.db]),
      runCliProcess(['analyze', '-', '--db', t.db], { input: readFileSync(log) }),
    ]);
    for (const r of runs) expect(r.stderr).not.toMatch(/internal error|database .*:|\n\s+at /);
    const rows = 'SELECT build_key, rule, rule_version, severity, scenario, line, at, count, fix FROM diagnoses ORDER BY build_key, rule';
    expect(await t.query(rows)).toEqual(query(reference, rows));
    expect(await t.query('SELECT count(*) AS n, count(DISTINCT build_key) AS keys FROM builds')).toEqual([{ n: 18, keys: 18 }]);
  }, 120_000);

  it('migrates once when 8 connections open a new database at the same moment (advisory lock)', async () => {
    const t = await newDatabase('postgres');
    const { PgStore } = await import('../../src/store/pg-store.js');
    const stores = await Promise.all(Array.from({ length: 8 }, () => PgStore.open(t.db)));
    await Promise.all(stores.map((s) => s.close()));
    expect(await t.query('SELECT version FROM bamboo_doctor_schema ORDER BY version')).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((version) => ({ version })));
  });

  it('never shows the password: not in a refused login, nor a missing database, nor an unreachable server', async () => {
    const url = new URL(PG_URL!);
    const wrongPassword = Object.assign(new URL(url), { password: 'not-the-Secret-42' }).toString();
    const missing = Object.assign(new URL(url), { pathname: '/no_such_db' }).toString();
    const unreachable = 'postgres://someone:Hunter2-secret@127.0.0.1:1/db';
    for (const [db, secret, why] of [
      [wrongPassword, 'not-the-Secret-42', /refused the login/],
      [missing, url.password, /no_such_db.*create it first/],
      [unreachable, 'Hunter2-secret', /connection refused/],
    ] as const) {
      const r = await runCli(['ingest', '-', '--db', db], { input: record(1, 'rule-a') });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(why);
      expect(r.stderr).toContain(':***@');
      expect(r.stderr).not.toContain(secret);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('history, show, report and analyze name the database without its password', async () => {
    const t = await newDatabase('postgres');
    const password = new URL(t.db).password;
    expect(password.length).toBeGreaterThan(8);
    const analyzed = await runCli(['analyze', 'samples', '--db', t.db]);
    const html = join(dir, 'report.html');
    const runs = [
      analyzed,
      await runCli(['history', '--db', t.db, '--by', 'rule,agent']),
      await runCli(['history', '--db', t.db, '--unexplained', '--format', 'json']),
      await runCli(['show', 'NO-SUCH-BUILD-1', '--db', t.db]),
      await runCli(['report', '--db', t.db, '--html', html]),
    ];
    expect(analyzed.stderr).toContain(':***@');
    expect(runs[3].stderr).toMatch(/:\*\*\*@.*no build NO-SUCH-BUILD-1/);
    for (const r of runs) expect(r.stdout + r.stderr).not.toContain(password);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain(':***@');
    expect(page).not.toContain(password);
  });

  it('refuses a database whose tables it did not make, and leaves them as they are', async () => {
    const t = await newDatabase('postgres');
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: t.db });
    await client.connect();
    await client.query('CREATE TABLE builds (id int, name text)');
    await client.end();
    const r = await runCli(['ingest', '-', '--db', t.db], { input: record(1, 'rule-a') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a bamboo-doctor database: it holds tables named builds/);
    expect(await t.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")).toEqual([{ table_name: 'builds' }]);
  });
});
