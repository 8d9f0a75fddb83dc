// History queries on a real database with known contents, SQLite and PostgreSQL alike: every --by dimension,
// every filter, --top, trends and unexplained builds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBy } from '../../src/history/dimensions.js';
import { resolveFilter, type HistoryFilter } from '../../src/history/filters.js';
import { historyRows, trendOf } from '../../src/history/query.js';
import { unexplainedBuilds } from '../../src/store/failure-sql.js';
import type { SqlReader } from '../../src/store/sql.js';
import { fixtureStore } from './fixture.js';
import { DATABASE_KINDS, dropTestDatabases } from '../helpers/databases.js';

afterAll(dropTestDatabases);

const NOW = new Date('2025-10-29T12:00:00');

describe.each(DATABASE_KINDS)('history on %s', (kind) => {
  let sql: SqlReader;
  let close: () => Promise<void>;
  beforeAll(async () => void ({ sql, close } = await fixtureStore(kind)));
  afterAll(() => close());
  const rows = (by: string, filter: HistoryFilter = {}, top?: number) => historyRows(sql, { by: parseBy(by), filter: resolveFilter(filter, NOW), top });
  const groups = async (by: string, filter: HistoryFilter = {}, top?: number) => (await rows(by, filter, top)).map((r) => [r.group, r.count, r.builds]);

  describe('history --by', () => {
    it('rule: diagnoses (not the sum of how often each fired), distinct builds, first and last', async () => {
      expect(await rows('rule')).toEqual([
        { group: 'r-docker', count: 4, builds: 4, first: '2025-10-06T10:05:00', last: '2025-10-21T08:02:00' },
        { group: 'r-disk', count: 2, builds: 2, first: '2025-10-20T08:01:00', last: '2025-10-28T23:59:40' },
        { group: 'r-maven', count: 2, builds: 2, first: '2025-10-07T11:02:00', last: '2025-10-15T12:30:00' },
      ]);
    });

    it('plan', async () => expect(await groups('plan')).toEqual([['B-Q', 4, 4], ['A-P', 4, 3]]));

    it('job: the job key within its plan', async () => {
      expect(await groups('job')).toEqual([['B-Q-J1', 3, 3], ['A-P-J1', 3, 2], ['B-Q-J2', 1, 1], ['A-P-J2', 1, 1]]);
    });

    it('agent', async () => {
      expect(await groups('agent')).toEqual([['lin-2', 3, 2], ['Elastic Agent on i-1', 2, 2], ['lin-1', 2, 2], ['loc', 1, 1]]);
    });

    it('agent-type', async () => expect(await groups('agent-type')).toEqual([['remote', 5, 4], ['elastic', 2, 2], ['local', 1, 1]]));

    // Equal counts: the group seen last comes first.
    it('runner', async () => expect(await groups('runner')).toEqual([['agent', 4, 4], ['docker', 4, 3]]));

    it('scenario', async () => {
      expect(await groups('scenario')).toEqual([['sc-any', 3, 3], ['sc-remote', 3, 3], ['sc-local', 1, 1], ['sc-elastic', 1, 1]]);
    });

    it('day: in time order', async () => {
      expect((await groups('day')).map((g) => g[0])).toEqual(['2025-10-06', '2025-10-07', '2025-10-14', '2025-10-15', '2025-10-20', '2025-10-21', '2025-10-28']);
      expect((await groups('day'))[1]).toEqual(['2025-10-07', 2, 1]);
    });

    it('week: ISO weeks in time order', async () => {
      expect(await groups('week')).toEqual([['2025-W41', 3, 2], ['2025-W42', 2, 2], ['2025-W43', 2, 2], ['2025-W44', 1, 1]]);
    });

    it('two dimensions: the group is an object keyed by dimension', async () => {
      const r = await rows('rule,agent-type');
      expect(r[0]).toEqual({ group: { rule: 'r-docker', 'agent-type': 'remote' }, count: 3, builds: 3, first: '2025-10-06T10:05:00', last: '2025-10-21T08:02:00' });
      expect(r.map((x) => x.group)).toContainEqual({ rule: 'r-disk', 'agent-type': 'elastic' });
      expect(r.reduce((n, x) => n + x.count, 0)).toBe(8);
      expect(await groups('agent,week')).toContainEqual([{ agent: 'lin-1', week: '2025-W41' }, 1, 1]);
    });

    it('rejects unknown, repeated or too many dimensions', async () => {
      expect(() => parseBy('colour')).toThrow(/--by colour: expected one of rule, plan/);
      expect(() => parseBy('rule,rule')).toThrow(/two different/);
      expect(() => parseBy('rule,plan,agent')).toThrow(/one or two/);
    });
  });

  describe('history filters', () => {
    it('--rule, --plan, --agent, --agent-type (each takes several values)', async () => {
      expect(await groups('agent', { rule: ['r-maven'] })).toEqual([['lin-1', 1, 1], ['lin-2', 1, 1]]);
      expect(await groups('rule', { plan: ['A-P'] })).toEqual([['r-docker', 3, 3], ['r-maven', 1, 1]]);
      expect(await groups('rule', { agent: ['loc', 'lin-2'] })).toEqual([['r-docker', 2, 2], ['r-disk', 1, 1], ['r-maven', 1, 1]]);
      expect(await groups('rule', { agentType: ['elastic'] })).toEqual([['r-disk', 1, 1], ['r-docker', 1, 1]]);
      expect(await groups('rule', { plan: ['A-P'], agentType: ['remote'], rule: ['r-docker'] })).toEqual([['r-docker', 2, 2]]);
    });

    it('--severity keeps diagnoses at or above it; --unexplained is not changed by it', async () => {
      expect(await groups('rule', { severity: 'error' })).toEqual([['r-docker', 3, 3], ['r-disk', 1, 1], ['r-maven', 1, 1]]);
      expect(await groups('rule', { severity: 'warning' })).toEqual([['r-docker', 3, 3], ['r-disk', 2, 2], ['r-maven', 2, 2]]);
      expect(await groups('rule', { severity: 'info' })).toEqual(await groups('rule'));
      expect(await unexplainedBuilds(sql, resolveFilter({ severity: 'error' }))).toMatchObject({ failed: 7, explained: 5 });
    });

    it('--since and --until with ISO dates: a date alone as --until takes in that whole day', async () => {
      expect((await groups('day', { since: '2025-10-20' })).map((g) => g[0])).toEqual(['2025-10-20', '2025-10-21', '2025-10-28']);
      expect((await groups('day', { until: '2025-10-07' })).map((g) => g[0])).toEqual(['2025-10-06', '2025-10-07']);
      expect(await groups('rule', { since: '2025-10-07T11:01', until: '2025-10-07T11:01:30' })).toEqual([['r-docker', 1, 1]]);
      expect(await groups('rule', { since: '2025-10-28 23:59:40' })).toEqual([['r-disk', 1, 1]]);
    });

    it('--since and --until with relative ages, counted back from now', async () => {
      // NOW is 2025-10-29T12:00 local.
      expect(await groups('rule', { since: '24h' })).toEqual([['r-disk', 1, 1]]);
      expect((await groups('day', { since: '10d' })).map((g) => g[0])).toEqual(['2025-10-20', '2025-10-21', '2025-10-28']);
      expect((await groups('day', { since: '2w', until: '8d' })).map((g) => g[0])).toEqual(['2025-10-15', '2025-10-20', '2025-10-21']);
    });

    it('rejects a time it cannot read, naming the option and the forms it takes', async () => {
      expect(() => resolveFilter({ since: 'last tuesday' })).toThrow(/--since last tuesday: expected an ISO date .* or a relative age \(24h, 7d, 2w\)/);
      expect(() => resolveFilter({ until: '2025-13-45' })).toThrow(/--until 2025-13-45/);
    });

    it('--top keeps the biggest groups; with a time dimension the newest buckets, in time order', async () => {
      expect((await groups('agent', {}, 2)).map((g) => g[0])).toEqual(['lin-2', 'Elastic Agent on i-1']);
      expect((await groups('week', {}, 2)).map((g) => g[0])).toEqual(['2025-W43', '2025-W44']);
    });
  });

  describe('trends and unexplained builds', () => {
    it('counts per week for each group, zeros included', async () => {
      const t = await trendOf(sql, ['rule'], resolveFilter({}), 'week', { to: '2025-10-28T23:59:40', last: 5 });
      expect(t.labels).toEqual(['2025-W40', '2025-W41', '2025-W42', '2025-W43', '2025-W44']);
      expect(t.series.get('"r-docker"')).toEqual([0, 2, 1, 1, 0]);
      expect(t.series.get('"r-disk"')).toEqual([0, 0, 0, 1, 1]);
      const days = await trendOf(sql, ['agent-type'], resolveFilter({}), 'day', { from: '2025-10-06T00:00:00', to: '2025-10-08T00:00:00' });
      expect(days.labels).toEqual(['2025-10-06', '2025-10-07', '2025-10-08']);
      expect(days.series.get('"remote"')).toEqual([1, 2, 0]);
    });

    it('lists failed builds with no error diagnosis and the classification rate', async () => {
      const u = await unexplainedBuilds(sql, resolveFilter({}));
      expect(u).toMatchObject({ failed: 7, explained: 5 });
      expect(u.rate).toBeCloseTo(5 / 7);
      expect(u.builds.map((b) => [b.build, b.diagnoses])).toEqual([['B-Q-J2-8', 1], ['A-P-J1-7', 0]]);
      expect(u.builds[0]).toMatchObject({ plan: 'B-Q', job: 'J2', agent: 'Elastic Agent on i-1', agentType: 'elastic', runner: 'agent' });
      expect(await unexplainedBuilds(sql, resolveFilter({ agentType: ['remote'] }))).toMatchObject({ failed: 4, explained: 3, builds: [{ build: 'A-P-J1-7' }] });
      expect(await unexplainedBuilds(sql, resolveFilter({ until: '2025-10-21' }))).toMatchObject({ failed: 5, explained: 5, rate: 1, builds: [] });
    });
  });

  describe('history --by rule read rule by rule from its index', () => {
    // `severity: 'info'` filters nothing, but sends the query down the general GROUP BY: both must agree.
    const general = (filter: HistoryFilter, top?: number) => rows('rule', { ...filter, severity: 'info' }, top);
    it.each<[string, HistoryFilter, number?]>([
      ['all time', {}],
      ['since', { since: '2025-10-15' }],
      ['until', { until: '2025-10-20' }],
      ['a range', { since: '2025-10-07T11:02:00', until: '2025-10-21T08:02:00' }],
      ['rules', { rule: ['r-disk', 'r-maven'], since: '2025-10-01' }],
      ['top', { since: '2025-10-01' }, 2],
      ['nothing in range', { since: '2025-10-29T00:00:00' }],
    ])('gives what the GROUP BY gives: %s', async (_, filter, top) => {
      expect(await rows('rule', filter, top)).toEqual(await general(filter, top));
    });
  });
});
