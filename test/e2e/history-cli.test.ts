// `bamboo-doctor history` as a user runs it: every format, two dimensions, --unexplained, relative times, errors.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { localIso } from '../../src/history/time.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { contextOf, diagnosisOf, fixtureDb } from '../history/fixture.js';

let db: string;
beforeAll(() => void (db = fixtureDb()));

const history = (...args: string[]) => runCli(['history', '--db', db, ...args]);

describe('history formats', () => {
  it('--format json: one array of { group, count, builds, first, last }', async () => {
    const r = await history('--format', 'json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout);
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(Object.keys(row)).toEqual(['group', 'count', 'builds', 'first', 'last']);
    expect(rows[0]).toEqual({ group: 'r-docker', count: 4, builds: 4, first: '2025-10-06T10:05:00', last: '2025-10-21T08:02:00' });
  });

  it('--by rule,agent-type --format json: the group is an object', async () => {
    const rows = JSON.parse((await history('--by', 'rule,agent-type', '--format', 'json')).stdout);
    expect(rows[0].group).toEqual({ rule: 'r-docker', 'agent-type': 'remote' });
  });

  it('--format csv: a header and quoted fields where needed', async () => {
    const r = await history('--by', 'agent', '--format', 'csv', '--agent-type', 'elastic', '--agent-type', 'local');
    expect(r.stdout.split('\r\n')).toEqual([
      'agent,count,builds,first,last',
      'Elastic Agent on i-1,2,2,2025-10-14T09:10:00,2025-10-28T23:59:40',
      'loc,1,1,2025-10-20T08:01:00,2025-10-20T08:01:00',
      '',
    ]);
    const two = await history('--by', 'plan,week', '--format', 'csv', '--plan', 'A-P');
    expect(two.stdout.split('\r\n')[0]).toBe('plan,week,count,builds,first,last');
    expect(two.stdout).toContain('A-P,2025-W41,3,2,2025-10-06T10:05:00,2025-10-07T11:02:00');
  });

  it('text: an aligned table with a weekly sparkline ending at the newest diagnosis', async () => {
    const r = await history('--by', 'rule');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RULE\s+COUNT\s+BUILDS\s+FIRST\s+LAST\s+WEEKS TO 2025-W44$/);
    const col = (name: string) => lines[0].indexOf(name);
    for (const line of lines.slice(1, 4)) {
      expect(line.slice(col('FIRST'), col('FIRST') + 16)).toMatch(/^2025-10-\d\d \d\d:\d\d$/);
      expect(line[col('BUILDS') + 'BUILDS'.length - 1]).toMatch(/\d/); // numbers right-aligned under their heading
    }
    // r-docker: W41 2, W42 1, W43 1, W44 0 over the 8 weeks to W44.
    expect(lines[1]).toMatch(/^r-docker\s+4\s+4\s.*····█▄▄·$/);
    expect(lines.at(-1)).toBe('3 groups, 8 diagnoses');
  });

  it('text --by week: time order, no sparkline', async () => {
    const lines = (await history('--by', 'week', '--top', '2')).stdout.split('\n');
    expect(lines[0]).toMatch(/^WEEK\s+COUNT\s+BUILDS\s+FIRST\s+LAST$/);
    expect(lines.slice(1, 3).map((l) => l.split(/\s+/)[0])).toEqual(['2025-W43', '2025-W44']);
  });
});

describe('history --unexplained', () => {
  it('text: the builds by signature (these hold no cause lines: one group) and the classification rate', async () => {
    const r = await history('--unexplained');
    expect(r.stdout).toMatch(/^2 builds {2}\(no cause line\) {2}first 2025-10-22 10:00 {2}last 2025-10-28 23:59\n/);
    expect(r.stdout).toContain('  plans     A-P, B-Q\n  agents    Elastic Agent on i-1, lin-1\n  builds    B-Q-J2-8, A-P-J1-7\n');
    expect(r.stdout).toContain('5 of 7 failed builds explained by a specific rule (71.4%); 2 unexplained');
  });

  it('json and csv', async () => {
    const j = JSON.parse((await history('--unexplained', '--format', 'json', '--plan', 'A-P')).stdout);
    expect(j).toMatchObject({ failed: 4, explained: 3, rate: 0.75, builds: [{ build: 'A-P-J1-7', diagnoses: 0 }] });
    expect(j.groups).toEqual([
      { signature: null, template: null, count: 1, explained: 0, buildKeys: ['A-P-J1-7'], plans: ['A-P'], agents: ['lin-1'], first: '2025-10-22T10:00:00', last: '2025-10-22T10:00:00', sample: null },
    ]);
    const c = await history('--unexplained', '--format', 'csv');
    expect(c.stdout.split('\r\n')[0]).toBe('signature,template,count,explained,plans,agents,first,last,builds,sample_source,sample_line,sample_text');
    expect(c.stdout.split('\r\n')).toEqual([expect.any(String), ',,2,0,A-P B-Q,Elastic Agent on i-1 lin-1,2025-10-22T10:00:00,2025-10-28T23:59:30,B-Q-J2-8 A-P-J1-7,,,', '']);
  });

  it('--by does not apply', async () => {
    const r = await history('--unexplained', '--by', 'agent');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--by and --rule do not apply');
  });
});

describe('history relative times and mistakes', () => {
  it('--since 24h / 7d and --until 24h count back from now', async () => {
    const path = join(tempDir(), 'recent.db');
    const store = new Store(path);
    const ago = (h: number) => localIso(new Date(Date.now() - h * 3_600_000));
    for (const [i, hours] of [2, 72, 240].entries()) {
      const ctx = contextOf({ key: `R-P-J1-${i + 1}`, agent: ['lin-1', 'remote'], runner: 'agent', state: 'failed', started: ago(hours) });
      store.saveJob(null, 'x.log', ctx, 0, [diagnosisOf(ctx, 'r-recent', 'error', 's', ago(hours))]);
    }
    store.close();
    const count = async (...args: string[]) => JSON.parse((await runCli(['history', '--db', path, '--format', 'json', ...args])).stdout)[0]?.count ?? 0;
    expect(await count('--since', '24h')).toBe(1);
    expect(await count('--since', '7d')).toBe(2);
    expect(await count('--until', '24h')).toBe(2);
    expect(await count('--since', '2w', '--until', '1d')).toBe(2);
  });

  it('a missing database, a bad --by, --since or --top: exit 2 with one line saying what was expected', async () => {
    const missing = await runCli(['history', '--db', join(tempDir(), 'none.db')]);
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toMatch(/none\.db: no such database \(analyze some logs into it first/);
    const bad = await history('--by', 'colour');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^bamboo-doctor: --by colour: expected one of rule, plan, job, agent, agent-type, runner, scenario, signature, day, week\n$/);
    expect((await history('--since', 'yesterday')).stderr).toMatch(/--since yesterday: expected an ISO date/);
    expect((await history('--top', '0')).stderr).toMatch(/--top 0: expected a whole number above 0/);
  });
});
