// `bamboo-doctor ingest`: NDJSON from analyze on another machine stored as analyze itself stores it, idempotently;
// bad lines named and skipped; nothing stored before lost.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ndjson, runCli, tempDir } from '../helpers/cli.js';
import { query } from '../helpers/db.js';
import { DATABASE_KINDS, dropTestDatabases, newDatabase, type TestDb } from '../helpers/databases.js';

let dir: string;
let lines: string[];
let file: string;

beforeAll(async () => {
  dir = tempDir();
  const r = await runCli(['analyze', 'samples', '--no-db', '--format', 'ndjson']);
  lines = r.stdout.trim().split('\n');
  file = join(dir, 'samples.ndjson');
  writeFileSync(file, `${lines.join('\n')}\n`);
});

afterAll(dropTestDatabases);

const counts = async (t: TestDb) => ({
  builds: (await t.query('SELECT count(*) AS n FROM builds'))[0].n,
  diagnoses: (await t.query('SELECT count(*) AS n FROM diagnoses'))[0].n,
});

/** What a diagnosis row holds, whatever wrote it (ids and write times aside). */
const DIAGNOSIS_ROWS = `SELECT d.rule, d.rule_version, d.title, d.severity, d.category, d.scenario, d.candidates, d.task_name, d.task_type,
  d.source, d.line, d.time, d.at, d.count, d.evidence, d.captures, d.fix, d.note, d.build_key, d.plan, d.job, d.agent_name, d.agent_type,
  d.runner_kind, d.cause, d.signature, d.generic, b.signature AS build_signature, b.agent_os, b.agent_home, b.runner_image, b.runner_volumes
  FROM diagnoses d JOIN builds b ON b.id = d.build_id ORDER BY d.build_key, d.rule`;

describe.each(DATABASE_KINDS)('ingest into %s', (kind) => {
  let t: TestDb;
  const fresh = async () => (t = await newDatabase(kind));

  it('stores the rows analyze into SQLite stores for the same logs', async () => {
    const direct = join(dir, `direct-${kind}.db`);
    await runCli(['analyze', 'samples', '--db', direct]);
    await fresh();
    const r = await runCli(['ingest', file, '--db', t.db]);
    expect(r.stderr).toBe(`ingest: ${lines.length} diagnoses stored from 1 input\n`);
    expect(r.code).toBe(0);
    expect(await t.query(DIAGNOSIS_ROWS)).toEqual(query(direct, DIAGNOSIS_ROWS));
  });

  it('is idempotent: the same lines twice (a file, then stdin) leave the same rows', async () => {
    await fresh();
    const db = t.db;
    await runCli(['ingest', file, '--db', db]);
    const once = await counts(t);
    const again = await runCli(['ingest', '-', '--db', db], { input: `${lines.join('\r\n')}\r\n` });
    expect(again.code).toBe(0);
    expect(await counts(t)).toEqual(once);
    expect(once.diagnoses).toBe(lines.length);
    expect(await t.query("SELECT kind, lines, status FROM sources ORDER BY id")).toEqual([
      { kind: 'ndjson', lines: lines.length, status: 'done' },
      { kind: 'ndjson', lines: lines.length, status: 'done' },
    ]);
  });

  it('does not read again a file stored before and unchanged since, nor a copy of it elsewhere; --force does', async () => {
    await fresh();
    const copy = join(dir, `copy-${kind}.ndjson`);
    copyFileSync(file, copy);
    expect((await runCli(['ingest', file, '--db', t.db])).code).toBe(0);
    const again = await runCli(['ingest', file, copy, '--db', t.db]);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe(
      `bamboo-doctor: ${file}: skipped, already ingested, unchanged since (use --force to read it again)\n` +
        `bamboo-doctor: ${copy}: skipped, already ingested as ${resolve(file)} (the same size and content); use --force to read it again\n` +
        'ingest: 0 diagnoses stored from 2 inputs, 2 skipped\n',
    );
    const forced = await runCli(['ingest', file, '--db', t.db, '--force']);
    expect(forced.stderr).toBe(`ingest: ${lines.length} diagnoses stored from 1 input\n`);
    expect(await t.query("SELECT count(*) AS n FROM sources WHERE status = 'done'")).toEqual([{ n: 2 }]);
    expect((await counts(t)).diagnoses).toBe(lines.length);
  });

  it('names a bad line with its input and line number, skips it and stores the rest (exit 2)', async () => {
    await fresh();
    const db = t.db;
    const record = JSON.parse(lines[1]);
    const input = [lines[0], '{"rule": "x", "title": ', JSON.stringify({ ...record, agent: { ...record.agent, type: 'robot' } }), '', ...lines.slice(1)];
    const bad = join(dir, `bad-${kind}.ndjson`);
    writeFileSync(bad, input.join('\n'));
    const r = await runCli(['ingest', bad, '--db', db]);
    expect(r.code).toBe(2);
    const messages = r.stderr.split('\n').filter((l) => l.startsWith('bamboo-doctor:'));
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(new RegExp(`^bamboo-doctor: ${bad}:2: not JSON .*expected one diagnosis object a line`));
    expect(messages[1]).toMatch(new RegExp(`^bamboo-doctor: ${bad}:3: agent\\.type: .*\\(line skipped\\)$`));
    expect(r.stderr).toContain(`ingest: ${lines.length} diagnoses stored from 1 input, 2 bad lines skipped`);
    expect((await counts(t)).diagnoses).toBe(lines.length);
  });

  it('adds to a build without replacing what the database knew of it: its state and its other diagnoses stay', async () => {
    await fresh();
    const db = t.db;
    const [first, second] = ndjson(lines.join('\n')).filter((d, _, all) => all.filter((o) => o.build === d.build).length > 1);
    expect(first.build).toBe(second.build);
    await runCli(['ingest', '-', '--db', db], { input: JSON.stringify(first) });
    await runCli(['ingest', '-', '--db', db], { input: JSON.stringify({ ...second, agent: { ...second.agent, name: 'another' } }) });
    expect(await t.query('SELECT d.rule FROM diagnoses d JOIN builds b ON b.id = d.build_id WHERE b.build_key = ? ORDER BY d.rule', first.build)).toEqual(
      [first.rule, second.rule].sort().map((rule) => ({ rule })),
    );
    expect(first.state).toBe('failed');
    expect(await t.query('SELECT agent_name, state, finished FROM builds')).toEqual([{ agent_name: first.agent.name, state: 'failed', finished: 0 }]);
  });

  it("stores each build's state as the records carry it, as analyze stores it; a record of an older version, without it, unknown", async () => {
    const direct = join(dir, `states-${kind}.db`);
    await runCli(['analyze', 'samples', '--db', direct]);
    const states = 'SELECT build_key, state FROM builds ORDER BY build_key';
    expect(new Set(query(direct, states).map((b) => b.state))).toEqual(new Set(['failed', 'successful']));
    await fresh();
    await runCli(['ingest', file, '--db', t.db]);
    // Every build of the samples that has a diagnosis (a successful one's lowered to info too).
    const builds = new Set(ndjson(lines.join('\n')).map((d) => d.build));
    expect(await t.query(states)).toEqual(query(direct, states).filter((b) => builds.has(b.build_key)));
    const { state: _, ...older } = { ...JSON.parse(lines[0]), build: 'OLD-PLAN-JOB1-1', plan: 'OLD-PLAN' };
    expect((await runCli(['ingest', '-', '--db', t.db], { input: JSON.stringify(older) })).code).toBe(0);
    expect(await t.query("SELECT state FROM builds WHERE build_key = 'OLD-PLAN-JOB1-1'")).toEqual([{ state: 'unknown' }]);
  });

  it('stores jobs without a build key under their source, a new job where a rule fires again', async () => {
    await fresh();
    const db = t.db;
    const record = { ...JSON.parse(lines[0]), build: null, plan: null, job: null, number: null, source: 'agent.log' };
    const input = [record, { ...record, rule: 'other-rule' }, record, { ...record, source: '-' }].map((r) => JSON.stringify(r)).join('\n');
    const spool = join(dir, `spool-${kind}.ndjson`);
    writeFileSync(spool, input);
    await runCli(['ingest', spool, '--db', db]);
    await runCli(['ingest', spool, '--db', db]);
    expect(await t.query('SELECT b.build_key, count(*) AS n FROM builds b JOIN diagnoses d ON d.build_id = b.id GROUP BY b.build_key ORDER BY b.build_key')).toEqual([
      { build_key: `-@${spool}#1`, n: 1 },
      { build_key: 'agent.log#1', n: 2 },
      { build_key: 'agent.log#2', n: 1 },
    ]);
  });

  it('names an input that is missing and still reads the others', async () => {
    await fresh();
    const db = t.db;
    const r = await runCli(['ingest', join(dir, 'nope.ndjson'), file, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'nope.ndjson')}: no such file or folder`);
    expect((await counts(t)).diagnoses).toBe(lines.length);
  });
});

describe('ingest into SQLite beside analyze', () => {
  it('answers history and show as analyze into the database does', async () => {
    const direct = join(dir, 'direct.db');
    const shipped = join(dir, 'shipped.db');
    await runCli(['analyze', 'samples', '--db', direct]);
    await runCli(['ingest', file, '--db', shipped]);
    for (const by of ['rule', 'agent', 'scenario,runner', 'plan,day']) {
      const [a, b] = await Promise.all([direct, shipped].map((db) => runCli(['history', '--db', db, '--by', by, '--format', 'json'])));
      expect(JSON.parse(b.stdout)).toEqual(JSON.parse(a.stdout));
    }
    const key = ndjson(lines.join('\n'))[0].build as string;
    const [a, b] = await Promise.all([direct, shipped].map((db) => runCli(['show', key, '--db', db, '--format', 'json'])));
    expect(JSON.parse(b.stdout)).toEqual(JSON.parse(a.stdout));
  });

  it('leaves a build stored from its complete log as it is, and keeps every other stored build', async () => {
    const db = join(dir, 'kept.db');
    await runCli(['analyze', 'samples', '--db', db]);
    const before = query(db, 'SELECT d.rule, d.fix, b.state FROM diagnoses d JOIN builds b ON b.id = d.build_id ORDER BY d.id');
    const builds = query(db, 'SELECT count(*) AS n FROM builds')[0].n;
    const altered = lines.map((l) => JSON.stringify({ ...JSON.parse(l), fix: 'something else' }));
    const r = await runCli(['ingest', '-', '--db', db], { input: altered.join('\n') });
    expect(r.stderr).toContain(`0 diagnoses stored from 1 input, ${lines.length} left out (their builds are stored from complete logs)`);
    expect(query(db, 'SELECT d.rule, d.fix, b.state FROM diagnoses d JOIN builds b ON b.id = d.build_id ORDER BY d.id')).toEqual(before);
    expect(query(db, 'SELECT count(*) AS n FROM builds')[0].n).toBe(builds);
  });
});
