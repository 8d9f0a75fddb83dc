// The store's history SQL answers on PostgreSQL exactly as on SQLite: the same rows for every dimension, pair of
// dimensions, filter and limit, and the same builds and diagnoses read back (test/history has the expected values).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFilter, type HistoryFilter } from '../../src/history/filters.js';
import { historyRows, staleCount, totalsOf, type Dimension } from '../../src/store/history-sql.js';
import { sqliteReader, type SqlReader } from '../../src/store/sql.js';
import { diagnosesOfBuild, findBuild, latestPerRule, planResultJobs, similarBuildKeys } from '../../src/store/stored-sql.js';
import { fixtureStore } from '../history/fixture.js';
import { DATABASE_KINDS, dropTestDatabases } from '../helpers/databases.js';

afterAll(dropTestDatabases);

const NOW = new Date('2025-10-30T12:00:00');
const QUERIES: { by: Dimension[]; filter?: HistoryFilter; top?: number }[] = [
  { by: ['rule'] },
  { by: ['agent'] },
  { by: ['job'] },
  { by: ['scenario'], top: 2 },
  { by: ['rule', 'agent-type'] },
  { by: ['agent', 'runner'], filter: { plan: ['a-p'] } },
  { by: ['week'] },
  { by: ['week', 'rule'], filter: { since: '2025-10-10' } },
  { by: ['day'], filter: { since: '2025-10-14', until: '2025-10-21' }, top: 3 },
  { by: ['rule'], filter: { severity: 'error', agentType: ['remote', 'elastic'] } },
  { by: ['plan'], filter: { rule: ['r-docker', 'r-disk'], agent: ['lin-1'] } },
  { by: ['rule'], filter: { since: '7d' } },
];

/** SQLite's answers, the reference for PostgreSQL's. */
let reference: SqlReader;
let closeReference: () => Promise<void>;
beforeAll(async () => void ({ sql: reference, close: closeReference } = await fixtureStore('sqlite')));
afterAll(() => closeReference());

describe.each(DATABASE_KINDS)('history SQL on %s', (kind) => {
  let sql: SqlReader;
  let close: () => Promise<void>;
  beforeAll(async () => void ({ sql, close } = await fixtureStore(kind)));
  afterAll(() => close());

  it.each(QUERIES.map((q) => [`--by ${q.by.join(',')} ${JSON.stringify(q.filter ?? {})}${q.top ? ` --top ${q.top}` : ''}`, q] as const))('%s', async (_, q) => {
    const filter = resolveFilter(q.filter ?? {}, NOW);
    const expected = await historyRows(reference, { by: q.by, filter, top: q.top });
    expect(expected.length).toBeGreaterThan(0);
    expect(await historyRows(sql, { by: q.by, filter, top: q.top })).toEqual(expected);
  });

  it('totals and stale rows', async () => {
    expect(await totalsOf(sql, resolveFilter({ since: '2025-10-14' }, NOW))).toEqual({ diagnoses: 5, builds: 5, first: '2025-10-14T09:10:00', last: '2025-10-28T23:59:40' });
    expect(await staleCount(sql, 'r-docker', 'v1')).toBe(0);
    expect(await staleCount(sql, 'r-docker', 'v2')).toBe(4);
  });
});

describe.each(DATABASE_KINDS)('stored builds read back on %s', (kind) => {
  let sql: SqlReader;
  let close: () => Promise<void>;
  beforeAll(async () => void ({ sql, close } = await fixtureStore(kind)));
  afterAll(() => close());

  it('show: a build by its key in any case, its diagnoses as SQLite reads them back', async () => {
    const key = 'A-P-J1-2';
    const found = (await findBuild(reference, key))!;
    const expected = { build: found, diagnoses: await diagnosesOfBuild(reference, found.id) };
    const similar = await similarBuildKeys(reference, 'a-p-j1-99');
    const build = await findBuild(sql, key.toLowerCase());
    expect({ ...build, id: 0, analyzedAt: '' }).toEqual({ ...expected.build, id: 0, analyzedAt: '' });
    expect(await diagnosesOfBuild(sql, build!.id)).toEqual(expected.diagnoses);
    expect(await similarBuildKeys(sql, 'a-p-j1-99')).toEqual(similar);
    expect(similar.length).toBe(3);
    expect(await planResultJobs(sql, 'b-q-4')).toEqual(['B-Q-J1-4']);
    expect(await planResultJobs(sql, 'B-Q-99')).toEqual([]);
    expect((await latestPerRule(sql, ['r-disk', 'nope'])).get('r-disk')?.time).toBe('2025-10-28T23:59:40');
  });
});
