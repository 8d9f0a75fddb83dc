// The write queue between reading and the store: batches in order, the reading held back when it is full, a
// failed write not passed over. Real databases behind it (SQLite, and PostgreSQL when the tests have one).
import { afterAll, describe, expect, it } from 'vitest';
import { emptyContext, type Diagnosis } from '../../src/model.js';
import { Store } from '../../src/store/store.js';
import { PgStore } from '../../src/store/pg-store.js';
import { WriteQueue, type OpWriter } from '../../src/store/write-queue.js';
import type { WriteOp } from '../../src/store/writes.js';
import { DATABASE_KINDS, dropTestDatabases, newDatabase } from '../helpers/databases.js';

afterAll(dropTestDatabases);

function jobOp(n: number, rules: string[]): WriteOp {
  const ctx = emptyContext();
  Object.assign(ctx, { build: `Q-P-J-${n}`, plan: 'Q-P', job: 'J', number: n, state: 'failed', finished: true });
  const d = (rule: string): Diagnosis => ({
    rule, title: rule, severity: 'error', category: 'c', scenario: 's', build: ctx.build, plan: 'Q-P', job: 'J', number: n, agent: ctx.agent,
    runner: { kind: 'unknown', image: null, volumes: [] }, task: null, source: 'q.log', line: n, time: '2025-11-03T09:00:00', evidence: ['x'], captures: {},
    count: 1, fix: 'f', ruleVersion: 'v1',
  });
  return { kind: 'job', sourceId: null, sourcePath: 'q.log', ctx, ordinal: 0, diagnoses: rules.map(d) };
}

describe.each(DATABASE_KINDS)('WriteQueue into %s', (kind) => {
  async function setUp(limit: number) {
    const t = await newDatabase(kind);
    const store = kind === 'sqlite' ? new Store(t.db) : await PgStore.open(t.db);
    const batches: number[] = [];
    const writer: OpWriter = { write: (ops) => (batches.push(ops.length), store.write(ops)) };
    return { t, store, batches, queue: new WriteQueue(writer, limit) };
  }

  it('holds jobs until it is full (a job weighs 1 + its diagnoses), then writes them as one batch; flush writes the rest', async () => {
    const { t, store, batches, queue } = await setUp(10);
    for (let n = 1; n <= 7; n++) {
      queue.push(jobOp(n, ['r1', 'r2']));
      const wait = queue.between(false);
      if (n === 4) expect(wait).toBeInstanceOf(Promise);
      else expect(wait).toBeUndefined();
      if (wait) await wait;
    }
    expect(batches).toEqual([4]); // 4 jobs × 3 = 12 ≥ 10: the fourth push filled it
    await queue.flush();
    expect(batches).toEqual([4, 3]);
    expect(await t.query('SELECT count(*) AS n FROM diagnoses')).toEqual([{ n: 14 }]);
    await store.close();
  });

  it('live: whatever is queued is written at the next chunk boundary, in the order it came', async () => {
    const { t, store, batches, queue } = await setUp(1000);
    queue.push(jobOp(1, ['r1']));
    queue.push({ kind: 'drop', key: 'Q-P-J-1' });
    queue.push(jobOp(2, ['r1']));
    await queue.between(true);
    await queue.flush();
    expect(batches).toEqual([3]);
    expect(await t.query('SELECT build_key FROM builds')).toEqual([{ build_key: 'Q-P-J-2' }]);
    await store.close();
  });

  it('a failed write is thrown, and nothing queued after it is written over the gap', async () => {
    const { store, batches, queue } = await setUp(1);
    await store.close(); // the database goes away under the queue
    queue.push(jobOp(1, ['r1']));
    await expect(queue.between(false)!.then(() => queue.flush())).rejects.toThrow();
    queue.push(jobOp(2, ['r1']));
    await expect(queue.flush()).rejects.toThrow();
    expect(batches).toEqual([1]);
  });
});
