// `show PROJ-PLAN-N` (a plan result key, as a plan's result page shows it) names the jobs of that result.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planResultJobs, similarBuildKeys } from '../../src/store/stored-sql.js';
import type { SqlReader } from '../../src/store/sql.js';
import { fixtureStore } from './fixture.js';
import { DATABASE_KINDS, dropTestDatabases } from '../helpers/databases.js';

afterAll(dropTestDatabases);

describe.each(DATABASE_KINDS)('planResultJobs on %s', (kind) => {
  let db: SqlReader;
  let close: () => Promise<void>;
  beforeAll(async () => void ({ sql: db, close } = await fixtureStore(kind)));
  afterAll(() => close());

  it('lists the stored jobs of a plan result, typed in any case', async () => {
    expect(await planResultJobs(db, 'A-P-1')).toEqual(['A-P-J1-1']);
    expect(await planResultJobs(db, 'b-q-5')).toEqual(['B-Q-J1-5']);
  });

  it('is empty for a job key, an unknown number, or no key at all, where the prefix hint still serves', async () => {
    expect(await planResultJobs(db, 'A-P-J1-1')).toEqual([]);
    expect(await planResultJobs(db, 'A-P-99')).toEqual([]);
    expect(await planResultJobs(db, 'nonsense')).toEqual([]);
    expect((await similarBuildKeys(db, 'A-P-J1-99')).sort()).toEqual(['A-P-J1-1', 'A-P-J1-2', 'A-P-J1-7']);
  });
});
