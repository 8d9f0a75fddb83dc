// The read side's SQL spellings give the same answers on SQLite and PostgreSQL (ISO weeks, null-safe equality,
// distinct JSON lists, byte-wise text order), so one query text serves both.
import { afterAll, describe, expect, it } from 'vitest';
import { emptyContext } from '../../src/model.js';
import { Store } from '../../src/store/store.js';
import { PgStore } from '../../src/store/pg-store.js';
import { numbered, pgReader, spell, sqliteReader, type SqlReader } from '../../src/store/sql.js';
import { isoWeek } from '../../src/history/time.js';
import { DATABASE_KINDS, dropTestDatabases, newDatabase } from '../helpers/databases.js';

afterAll(dropTestDatabases);

it('numbers placeholders for PostgreSQL', () => {
  expect(numbered('SELECT a FROM t WHERE b = ? AND c IN (?, ?) LIMIT ?')).toBe('SELECT a FROM t WHERE b = $1 AND c IN ($2, $3) LIMIT $4');
});

describe.each(DATABASE_KINDS)('SQL spellings on %s', (kind) => {
  async function reader(): Promise<{ sql: SqlReader; close: () => Promise<void> }> {
    const t = await newDatabase(kind);
    if (kind === 'sqlite') {
      const store = new Store(t.db);
      return { sql: sqliteReader(store.db), close: async () => store.close() };
    }
    const store = await PgStore.open(t.db);
    return { sql: store.sql(), close: () => store.close() };
  }

  it('ISO weeks as history/time.ts counts them, across year ends', async () => {
    const { sql, close } = await reader();
    for (const at of ['2024-12-30T10:00:00', '2025-01-05T23:59:59', '2026-01-01T00:00:00', '2020-12-31T12:00:00', '2025-11-03T09:41:07']) {
      const [row] = await sql.all<{ w: string }>(`SELECT ${spell.isoWeek(sql.dialect, '?')} AS w`, [at]);
      expect(row.w).toBe(isoWeek(at));
    }
    await close();
  });

  it('null-safe equality, distinct JSON lists without nulls, and byte-wise order of text', async () => {
    const { sql, close } = await reader();
    const values = "SELECT 'b' AS v UNION ALL SELECT 'B' UNION ALL SELECT NULL UNION ALL SELECT 'a' UNION ALL SELECT 'b' UNION ALL SELECT '_x'";
    const [{ list }] = await sql.all<{ list: string }>(`SELECT ${spell.distinctJson(sql.dialect, 'v')} AS list FROM (${values}) t`);
    expect((JSON.parse(list) as (string | null)[]).filter((v) => v !== null).sort()).toEqual(['B', '_x', 'a', 'b']);
    const same = await sql.all<{ n: number }>(`SELECT count(*) AS n FROM (${values}) t WHERE ${spell.isSame(sql.dialect, 'v')}`, [null]);
    expect(same).toEqual([{ n: 1 }]);
    await close();
  });

  it('sorts stored text byte-wise, as SQLite does, whatever the server locale', async () => {
    const t = await newDatabase(kind);
    const store = kind === 'sqlite' ? new Store(t.db) : await PgStore.open(t.db);
    const keys = ['b', 'B-2', 'a-1', '_x', 'A-1', 'a', 'é'];
    await store.write(keys.map((build) => ({ kind: 'job', sourceId: null, sourcePath: 'x', ordinal: 0, diagnoses: [], ctx: { ...emptyContext(), build } })));
    expect((await t.query('SELECT build_key FROM builds ORDER BY build_key')).map((r) => r.build_key)).toEqual([...keys].sort());
    await store.close();
  });
});
