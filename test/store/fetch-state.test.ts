// What fetch remembers between runs, the same on SQLite and PostgreSQL: per server, plan and purpose.
import { afterAll, describe, expect, it } from 'vitest';
import { emptyContext } from '../../src/model.js';
import { FetchState } from '../../src/store/fetch-state.js';
import { PgStore } from '../../src/store/pg-store.js';
import { Store } from '../../src/store/store.js';
import { DATABASE_KINDS, dropTestDatabases, newDatabase } from '../helpers/databases.js';

afterAll(dropTestDatabases);

describe.each(DATABASE_KINDS)('FetchState on %s', (kind) => {
  it('remembers the mark per server, plan and purpose, and knows the builds stored from complete logs', async () => {
    const t = await newDatabase(kind);
    const store = kind === 'sqlite' ? new Store(t.db) : await PgStore.open(t.db);
    const read = new FetchState(store.sql(), 'https://ci.example/bamboo', '');
    const comment = new FetchState(store.sql(), 'https://ci.example/bamboo', 'comment');
    const other = new FetchState(store.sql(), 'https://other.example', '');
    expect(await read.newest('ACME-WEB')).toBeNull();
    await read.remember('ACME-WEB', 57);
    await read.remember('ACME-WEB', 61);
    await comment.remember('ACME-WEB', 12);
    expect([await read.newest('ACME-WEB'), await comment.newest('ACME-WEB'), await other.newest('ACME-WEB')]).toEqual([61, 12, null]);
    const ctx = (build: string, finished: boolean) => ({ ...emptyContext(), build, finished });
    await store.write([
      { kind: 'job', sourceId: null, sourcePath: 'x', ordinal: 0, diagnoses: [], ctx: ctx('ACME-WEB-JOB1-61', true) },
      { kind: 'job', sourceId: null, sourcePath: 'x', ordinal: 0, diagnoses: [], ctx: ctx('ACME-WEB-JOB1-62', false) },
    ]);
    expect([await read.storedComplete('ACME-WEB-JOB1-61'), await read.storedComplete('ACME-WEB-JOB1-62'), await read.storedComplete('X-Y-Z-1')]).toEqual([true, false, false]);
    await store.close();
  });
});
