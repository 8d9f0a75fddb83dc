// Paging: results page by page (also while they change), log entries page by page when the download is refused.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ndjson, tempDir } from '../helpers/cli.js';
import { query } from '../helpers/db.js';
import { FakeBamboo } from '../helpers/fake-bamboo.js';
import { renumbered, sampleResult, type FakeResult } from '../helpers/fake-bamboo-data.js';
import { runMain } from '../helpers/main.js';

const web = sampleResult('docker-runner-remote-agent'); // ACME-WEB-57
const green = (n: number): FakeResult => ({ ...renumbered(web, n), state: 'Successful', jobs: [] });
const failed = (n: number): FakeResult => renumbered(web, n);

/** ACME-WEB: 57 and 60–89, all green but 57, 70 and 79. */
function history(): FakeResult[] {
  const results = [web];
  for (let n = 60; n <= 89; n++) results.push(n === 70 || n === 79 ? failed(n) : green(n));
  return results;
}

describe('paging', () => {
  let fake: FakeBamboo;
  const dir = tempDir('bamboo-doctor-paging-');
  afterEach(() => fake.stop());
  const run = (db: string, ...more: string[]) => runMain(['fetch', '--server', fake.url, '--plan', 'ACME-WEB', '--db', join(dir, db), '--format', 'ndjson', ...more]);
  const read = (out: string) => [...new Set(ndjson(out).map((d) => d.build))].sort();
  const downloads = () => fake.seen(/^GET \/download\//).length;

  it('lists a plan page by page (10 a page here), each result once', async () => {
    fake = await new FakeBamboo({ resultsPage: 10 }).add(...history()).start();
    const r = await run('pages.db');
    expect(read(r.stdout)).toEqual(['ACME-WEB-JOB1-57', 'ACME-WEB-JOB1-70', 'ACME-WEB-JOB1-79']);
    expect(fake.seen(/^GET \/rest\/api\/latest\/result\/ACME-WEB\?/).length).toBe(4);
    expect(downloads()).toBe(3);
  });

  it('misses nothing when a result is deleted while the list is read (the pages shift up)', async () => {
    fake = await new FakeBamboo({ resultsPage: 10 }).add(...history()).start();
    // 79 was the first of the second page; with 88 gone it is the last of the first one.
    fake.fault({ match: /result\/ACME-WEB\?.*start-index=[1-9]/, before: () => (fake.results = fake.results.filter((x) => x.number !== 88)) });
    const r = await run('deleted.db');
    expect(read(r.stdout)).toEqual(['ACME-WEB-JOB1-57', 'ACME-WEB-JOB1-70', 'ACME-WEB-JOB1-79']);
    expect(downloads()).toBe(3);
  });

  it('reads nothing twice when a result finishes while the list is read (the pages shift down), and gets it next run', async () => {
    fake = await new FakeBamboo({ resultsPage: 10 }).add(...history()).start();
    fake.fault({ match: /result\/ACME-WEB\?.*start-index=[1-9]/, before: () => fake.add(failed(90)) });
    const first = await run('inserted.db');
    expect(read(first.stdout)).toEqual(['ACME-WEB-JOB1-57', 'ACME-WEB-JOB1-70', 'ACME-WEB-JOB1-79']);
    expect(downloads()).toBe(3);
    const second = await run('inserted.db');
    expect(read(second.stdout)).toEqual(['ACME-WEB-JOB1-90']);
  });

  for (const refuse of ['forbidden', 'login-page'] as const) {
    it(`reads the log entries page by page when the download is refused (${refuse}), with the same diagnoses`, async () => {
      fake = await new FakeBamboo({ refuseDownload: refuse, entriesCap: 40 }).add(web).start();
      const r = await run(`entries-${refuse}.db`);
      expect(r.stderr).not.toContain('only a page');
      const pages = fake.seen(/^GET \/rest\/api\/latest\/result\/ACME-WEB-JOB1-57\?/).map((x) => decodeURIComponent(x.url).replace(/^.*expand=/, ''));
      expect(pages.map((p) => p.replace(/&.*$/, ''))).toEqual(['logEntries[0:500]', 'logEntries[40:540]', 'logEntries[80:580]', 'logEntries[120:620]', 'logEntries[160:660]']);
      const entries = ndjson(r.stdout);
      expect(entries.every((d) => d.source === `${fake.url}/rest/api/latest/result/ACME-WEB-JOB1-57?expand=logEntries`)).toBe(true);

      const logs = join(dir, `logs-${refuse}`);
      mkdirSync(logs);
      writeFileSync(join(logs, 'ACME-WEB-JOB1-57.log'), web.jobs[0].log);
      const files = await runMain(['analyze', logs, '--no-db', '--format', 'ndjson']);
      const strip = (list: Record<string, any>[]) => list.map(({ source, ...d }) => d);
      expect(strip(entries)).toEqual(strip(ndjson(files.stdout)));
    });
  }

  it('reads the plans of a project page by page (Bamboo\'s expand ranges)', async () => {
    fake = await new FakeBamboo().add(web, sampleResult('agent-environment')).start();
    fake.projects.set('ACME', [...Array.from({ length: 29 }, (_, i) => `ACME-P${String(i + 1).padStart(2, '0')}`), 'ACME-WEB']);
    const r = await runMain(['fetch', '--server', fake.url, '--project', 'ACME', '--no-db', '--format', 'ndjson']);
    expect(r.stderr).toContain('30 plans, 1 result, 1 job result read');
    expect(r.stderr).toContain('first fetch of ACME-P01, ACME-P02, ACME-P03 and 27 more plans: results since');
    expect(read(r.stdout)).toEqual(['ACME-WEB-JOB1-57']);
    expect(fake.seen(/^GET \/rest\/api\/latest\/project\/ACME\?/).map((x) => decodeURIComponent(x.url).replace(/^.*expand=/, ''))).toEqual(['plans.plan', 'plans[25:125].plan']);
  });

  it('downloads from --server when the logFiles URLs name another host (Bamboo\'s base URL setting)', async () => {
    fake = await new FakeBamboo({ advertisedBase: 'http://bamboo.example.com/bamboo' }).add(web).start();
    const r = await run('rebased.db');
    expect(r.code).toBe(1);
    expect(ndjson(r.stdout)[0].source).toBe(`${fake.url}/download/ACME-WEB-JOB1/build_logs/plan-786438-JOB1-57.log`);
    expect(query(join(dir, 'rebased.db'), 'SELECT kind, status FROM sources')).toEqual([{ kind: 'bamboo', status: 'done' }]);
  });
});
