// The ingest side of the storage port, the same on SQLite and PostgreSQL: queued writes applied in order, one
// transaction a batch; finished jobs replace, live diagnoses add, a complete log's build is kept, fragments dropped.
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnosis, JobContext } from '../../src/model.js';
import { diagnosis, jobContext } from '../helpers/jobs.js';
import { Store } from '../../src/store/store.js';
import { PgStore } from '../../src/store/pg-store.js';
import type { WriteOp } from '../../src/store/writes.js';
import { DATABASE_KINDS, dropTestDatabases, newDatabase, type TestDb } from '../helpers/databases.js';

afterAll(dropTestDatabases);

const ctxOf = (build: string | null, extra: Partial<JobContext> = {}) => jobContext(build, { finished: true, started: '2025-11-03T09:41:00', ...extra });
const diag = (rule: string, extra: Partial<Diagnosis> = {}) => diagnosis(rule, { ruleVersion: 'v1', ...extra });

const job = (key: string | null, diagnoses: Diagnosis[], ctx: Partial<JobContext> = {}, ordinal = 0): WriteOp =>
  ({ kind: 'job', sourceId: null, sourcePath: 'x.log', ctx: ctxOf(key, ctx), ordinal, diagnoses });

describe.each(DATABASE_KINDS)('writes into %s', (kind) => {
  /** A new database and its store, written to through the port's write(). */
  async function open(): Promise<{ t: TestDb; write: (ops: WriteOp[]) => Promise<number>; close: () => Promise<void> }> {
    const t = await newDatabase(kind);
    const store = kind === 'sqlite' ? new Store(t.db) : await PgStore.open(t.db);
    return { t, write: async (ops) => (await store.write(ops)).kept, close: async () => void (await store.close()) };
  }
  const diagnoses = (t: TestDb) => t.query('SELECT build_key, rule, count, fix FROM diagnoses ORDER BY build_key, rule');

  it('a finished job replaces all its build had; of one build twice in a batch the later stays', async () => {
    const { t, write, close } = await open();
    await write([job('A-B-JOB1-1', [diag('r1'), diag('r2')]), job('A-B-JOB1-2', [diag('r1')])]);
    expect(await write([job('A-B-JOB1-1', [diag('r1', { count: 5 })]), job('A-B-JOB1-2', [diag('r3')]), job('A-B-JOB1-2', [diag('r4', { fix: 'later' })])])).toBe(0);
    expect(await diagnoses(t)).toEqual([
      { build_key: 'A-B-JOB1-1', rule: 'r1', count: 5, fix: 'do it' },
      { build_key: 'A-B-JOB1-2', rule: 'r4', count: 2, fix: 'later' },
    ]);
    expect(await t.query('SELECT count(*) AS n FROM builds')).toEqual([{ n: 2 }]);
    await close();
  });

  it('keeps a build stored from a complete log when a reading stops short, and counts it', async () => {
    const { t, write, close } = await open();
    await write([job('A-B-JOB1-1', [diag('r1')])]);
    expect(await write([job('A-B-JOB1-1', [diag('r2')], { finished: false, state: 'unknown' }), job('A-B-JOB1-9', [diag('r2')], { finished: false })])).toBe(1);
    expect(await diagnoses(t)).toEqual([
      { build_key: 'A-B-JOB1-1', rule: 'r1', count: 2, fix: 'do it' },
      { build_key: 'A-B-JOB1-9', rule: 'r2', count: 2, fix: 'do it' },
    ]);
    expect(await t.query("SELECT state, finished FROM builds WHERE build_key = 'A-B-JOB1-1'")).toEqual([{ state: 'failed', finished: 1 }]);
    await close();
  });

  it('live: diagnoses add to their build as they arise; a fragment stored before its key is dropped for the keyed build', async () => {
    const { t, write, close } = await open();
    const live = (key: string | null, d: Diagnosis): WriteOp => ({ kind: 'live', sourceId: null, sourcePath: '-@t', ctx: ctxOf(key, { finished: false }), ordinal: 1, diagnosis: d });
    await write([live(null, diag('r1')), live(null, diag('r2'))]);
    expect(await t.query('SELECT build_key FROM builds')).toEqual([{ build_key: '-@t#1' }]);
    await write([{ kind: 'drop', key: '-@t#1' }, job('A-B-JOB1-7', [diag('r1'), diag('r2')], { started: null })]);
    expect((await diagnoses(t)).map((r) => `${r.build_key} ${r.rule}`)).toEqual(['A-B-JOB1-7 r1', 'A-B-JOB1-7 r2']);
    expect(await t.query('SELECT build_key, started FROM builds')).toEqual([{ build_key: 'A-B-JOB1-7', started: null }]);
    await close();
  });

  it('reanalyze: changed rows rewritten in place (same id), removed rules deleted, the others untouched', async () => {
    const { t, write, close } = await open();
    await write([job('A-B-JOB1-1', [diag('r1'), diag('r2'), diag('r3')])]);
    const before = await t.query("SELECT id, rule FROM diagnoses WHERE rule = 'r1'");
    await write([{ kind: 'replace', sourceId: null, sourcePath: 'x.log', ctx: ctxOf('A-B-JOB1-1', { started: null }), ordinal: 0, changed: [diag('r1', { ruleVersion: 'v2' })], removed: ['r3'] }]);
    expect(await t.query('SELECT rule, rule_version FROM diagnoses ORDER BY rule')).toEqual([
      { rule: 'r1', rule_version: 'v2' },
      { rule: 'r2', rule_version: 'v1' },
    ]);
    expect(await t.query("SELECT id, rule FROM diagnoses WHERE rule = 'r1'")).toEqual(before);
    // A build's start once known is not forgotten by a reading that does not show it.
    expect(await t.query('SELECT started FROM builds')).toEqual([{ started: '2025-11-03T09:41:00' }]);
    await close();
  });

  it('stores a NUL byte of a log line: exact in the JSON columns; in a text column as U+FFFD in PostgreSQL (its text cannot hold NUL)', async () => {
    const { t, write, close } = await open();
    await write([job('A-B-JOB1-1', [diag('r1', { evidence: ['bin\u0000ary'], fix: 'use bin\u0000ary' })])]);
    const [row] = await t.query('SELECT evidence, fix FROM diagnoses');
    expect(JSON.parse(row.evidence as string)).toEqual(['bin\u0000ary']);
    expect(row.fix).toBe(kind === 'sqlite' ? 'use bin\u0000ary' : 'use bin\uFFFDary');
    await close();
  });
});
