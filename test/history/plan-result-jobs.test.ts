// `show PROJ-PLAN-N` (a plan result key, as a plan's result page shows it) names the jobs of that result.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { planResultJobs, similarBuildKeys } from '../../src/history/stored.js';
import { fixtureDb } from './fixture.js';

describe('planResultJobs', () => {
  const db = new Database(fixtureDb(), { readonly: true });

  it('lists the stored jobs of a plan result, typed in any case', () => {
    expect(planResultJobs(db, 'A-P-1')).toEqual(['A-P-J1-1']);
    expect(planResultJobs(db, 'b-q-5')).toEqual(['B-Q-J1-5']);
  });

  it('is empty for a job key, an unknown number, or no key at all, where the prefix hint still serves', () => {
    expect(planResultJobs(db, 'A-P-J1-1')).toEqual([]);
    expect(planResultJobs(db, 'A-P-99')).toEqual([]);
    expect(planResultJobs(db, 'nonsense')).toEqual([]);
    expect(similarBuildKeys(db, 'A-P-J1-99').sort()).toEqual(['A-P-J1-1', 'A-P-J1-2', 'A-P-J1-7']);
  });
});
