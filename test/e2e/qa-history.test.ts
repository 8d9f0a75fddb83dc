// history, show and report on a database filled from samples/ and the variant logs: the counts agree with each
// other whatever the grouping and filters, two databases stay apart, keys are found as users type them.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';

const SAMPLES = join(ROOT, 'samples');
const VARIANTS = join(ROOT, 'test', 'fixtures', 'variants');
type Row = { group: any; count: number; builds: number; first: string; last: string };

describe('history on samples and variants', () => {
  const dir = tempDir('bamboo-doctor-qa-history-');
  const db = join(dir, 'history.db');
  let total: number;
  const rows = async (...args: string[]): Promise<Row[]> => {
    const r = await runCli(['history', '--db', db, '--format', 'json', ...args]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };
  const sum = (list: Row[]) => list.reduce((n, r) => n + r.count, 0);

  beforeAll(async () => {
    const r = await runCli(['analyze', SAMPLES, VARIANTS, '--db', db]);
    expect(r.code, r.stderr).toBe(1);
    const d = new Database(db, { readonly: true });
    total = d.prepare('SELECT count(*) FROM diagnoses').pluck().get() as number;
    d.close();
    expect(total).toBeGreaterThan(20);
  });

  it('adds up to every stored diagnosis whatever the grouping, one or two dimensions', async () => {
    for (const by of ['rule', 'plan', 'job', 'agent', 'agent-type', 'runner', 'scenario', 'day', 'week', 'rule,agent', 'agent-type,rule', 'week,rule', 'plan,job']) {
      expect(sum(await rows('--by', by)), by).toBe(total);
    }
  });

  it('splits the whole history in two at any instant: --since T plus --until before T', async () => {
    const before = await rows('--until', '2025-11-03T09:41:59');
    const after = await rows('--since', '2025-11-03T09:42');
    expect(sum(before) + sum(after)).toBe(total);
    expect(sum(before)).toBeGreaterThan(0);
    expect(sum(after)).toBeGreaterThan(0);
  });

  it('filters by agent type and by plan as typed in lower case', async () => {
    const elastic = await rows('--agent-type', 'elastic', '--by', 'agent');
    expect(elastic.length).toBeGreaterThan(0);
    for (const r of elastic) expect(r.group).toMatch(/^Elastic Agent on i-/);
    const upper = await rows('--plan', 'ACME-WEB', '--by', 'job');
    expect(upper.length).toBeGreaterThan(0);
    expect(await rows('--plan', 'acme-web', '--by', 'job')).toEqual(upper);
  });

  it('says when the stored reading of a build stops short of its end (a cut download)', async () => {
    const cut = await runCli(['show', 'QTRAC-REL4-JOB1-8', '--db', db]);
    expect(cut.stdout.split('\n')[1]).toMatch(/^ {2}read from \S+truncated-mid-line\.log \(it stops short of the build's end: a later failure is not in it\), analysed /);
  });

  it('refuses a range that ends before it starts instead of answering nothing', async () => {
    const r = await runCli(['history', '--db', db, '--since', '2026-01-01', '--until', '2025-12-31']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('bamboo-doctor: --since 2026-01-01 is after --until 2025-12-31: no time is in both\n');
  });

  it('shows a build typed in lower case, one read from a REST export, and names the jobs of a plan result key', async () => {
    const lower = await runCli(['show', 'acme-web-job1-57', '--db', db]);
    expect(lower.code).toBe(0);
    expect(lower.stdout).toMatch(/^ACME-WEB-JOB1-57 {2}failed/);
    expect(lower.stdout).not.toContain('stops short');
    const rest = await runCli(['show', 'SVC-BUILD-JOB1-301', '--db', db, '--format', 'json']);
    expect(JSON.parse(rest.stdout)[0]).toMatchObject({ build: 'SVC-BUILD-JOB1-301', source: join(VARIANTS, 'rest-html-log-service-agent.json') });
    const plan = await runCli(['show', 'ACME-WEB-57', '--db', db]);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toBe(`bamboo-doctor: ${db}: no build ACME-WEB-57 (a plan result; its jobs stored: ACME-WEB-IT-57, ACME-WEB-JOB1-57)\n`);
  });
});

describe('the same failure in two databases', () => {
  it('is counted in each, and analysing it into one does not skip it in the other', async () => {
    const dir = tempDir('bamboo-doctor-qa-two-');
    const log = join(dir, 'build.log');
    copyFileSync(join(SAMPLES, 'docker-runner-service-agent.log'), log);
    const [a, b] = [join(dir, 'a.db'), join(dir, 'b.db')];
    expect((await runCli(['analyze', log, '--db', a])).code).toBe(1);
    const second = await runCli(['analyze', log], { env: { BAMBOO_DOCTOR_DB: b } });
    expect(second.code).toBe(1);
    expect(second.stderr).not.toContain('skipped');
    expect((await runCli(['analyze', log, '--db', b])).stderr).toContain('skipped, already analysed');
    for (const file of [a, b]) {
      const r = JSON.parse((await runCli(['history', '--db', file, '--format', 'json'])).stdout);
      expect(r.find((row: Row) => row.group === 'docker-runner-invalid-volume')).toMatchObject({ count: 1, builds: 1 });
    }
  });
});

describe('report --html', () => {
  it('writes a page for a database that holds no diagnosis', async () => {
    const dir = tempDir('bamboo-doctor-qa-report-');
    writeFileSync(join(dir, 'empty.log'), '');
    const db = join(dir, 'empty.db');
    expect((await runCli(['analyze', join(dir, 'empty.log'), '--db', db])).code).toBe(0);
    const r = await runCli(['report', '--html', join(dir, 'r.html'), '--db', db]);
    expect(r.code).toBe(0);
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toContain('0 diagnoses in 0 builds');
    expect(html).not.toMatch(/<script|NaN|undefined/);
  });

  it('escapes markup from the log wherever it lands: agent name, captures in the fix, evidence', async () => {
    const dir = tempDir('bamboo-doctor-qa-report-');
    const hostile = readFileSync(join(SAMPLES, 'docker-runner-remote-agent.log'), 'utf8')
      .replaceAll('build-linux-01', '<img src=x onerror=alert(1)>')
      .replaceAll('registry.acme.example/team/app', 'registry.acme.example/<script>alert(2)</script>');
    writeFileSync(join(dir, 'hostile.log'), hostile);
    const db = join(dir, 'h.db');
    await runCli(['analyze', join(dir, 'hostile.log'), '--db', db]);
    expect((await runCli(['report', '--html', join(dir, 'r.html'), '--db', db])).code).toBe(0);
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
  });
});
