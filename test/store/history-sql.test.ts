// History's SQL on either database answers as history/query.ts does on SQLite: the same rows for every dimension,
// pair of dimensions, filter and limit, over the same builds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { historyRows as sqliteHistoryRows } from '../../src/history/query.js';
import { resolveFilter, type HistoryFilter } from '../../src/history/filters.js';
import { historyRows, staleCount, totalsOf, type Dimension } from '../../src/store/history-sql.js';
import { sqliteReader, type SqlReader } from '../../src/store/sql.js';
import { Store } from '../../src/store/store.js';
import { PgStore } from '../../src/store/pg-store.js';
import { fixtureDb, fixtureOps } from '../history/fixture.js';
import { DATABASE_KINDS, dropTestDatabases, newDatabase } from '../helpers/databases.js';

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

let reference: string;
beforeAll(() => void (reference = fixtureDb()));

describe.each(DATABASE_KINDS)('history SQL on %s', (kind) => {
  let sql: SqlReader;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const t = await newDatabase(kind);
    const store = kind === 'sqlite' ? new Store(t.db) : await PgStore.open(t.db);
    await store.write(fixtureOps());
    sql = kind === 'sqlite' ? sqliteReader((store as Store).db) : (store as PgStore).reader();
    close = async () => void (await store.close());
  });
  afterAll(() => close());

  it.each(QUERIES.map((q) => [`--by ${q.by.join(',')} ${JSON.stringify(q.filter ?? {})}${q.top ? ` --top ${q.top}` : ''}`, q] as const))('%s', async (_, q) => {
    const filter = resolveFilter(q.filter ?? {}, NOW);
    const db = new Database(reference, { readonly: true });
    const expected = sqliteHistoryRows(db, { by: q.by, filter, top: q.top });
    db.close();
    expect(expected.length).toBeGreaterThan(0);
    expect(await historyRows(sql, { by: q.by, filter, top: q.top })).toEqual(expected);
  });

  it('totals and stale rows', async () => {
    expect(await totalsOf(sql, resolveFilter({ since: '2025-10-14' }, NOW))).toEqual({ diagnoses: 5, builds: 5, first: '2025-10-14T09:10:00', last: '2025-10-28T23:59:40' });
    expect(await staleCount(sql, 'r-docker', 'v1')).toBe(0);
    expect(await staleCount(sql, 'r-docker', 'v2')).toBe(4);
  });
});
