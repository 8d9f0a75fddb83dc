// fetch remembers per plan what is done: the next run reads only what is new, and a result in progress waits for it.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { query } from '../helpers/db.js';
import { FakeBamboo, tokenFileIn } from '../helpers/fake-bamboo.js';
import { renumbered, sampleResult } from '../helpers/fake-bamboo-data.js';
import { runMain } from '../helpers/main.js';

const TOKEN = 'incremental-token-77c3a1';

describe('incremental fetch', () => {
  const dir = tempDir('bamboo-doctor-incremental-');
  const db = join(dir, 'history.db');
  const tokenFile = tokenFileIn(dir, TOKEN);
  const fake = new FakeBamboo({ token: TOKEN });
  const web = sampleResult('docker-runner-remote-agent'); // ACME-WEB-57
  const fetch = (...more: string[]) => runMain(['fetch', '--server', fake.url, '--token-file', tokenFile, '--db', db, ...more]);
  const state = () => query(db, "SELECT plan, newest FROM fetch_state WHERE purpose = '' ORDER BY plan");
  const downloads = () => fake.seen(/^GET \/download\//).map((r) => r.url.replace(/^.*build_logs\//, ''));

  beforeAll(async () => {
    await fake.start();
    fake.add(web, { ...renumbered(web, 56), state: 'Successful', jobs: [] }, sampleResult('agent-environment'));
  });
  afterAll(() => fake.stop());

  it('reads every failed job result the first time, and remembers per plan the newest done', async () => {
    const r = await fetch();
    expect(r.stderr).toContain('bamboo-doctor: first fetch of ACME-TOOLS, ACME-WEB: results since');
    expect(r.stderr).toContain('2 plans, 3 results, 2 job results read, 4 diagnoses (2 errors)');
    expect(r.code).toBe(1);
    expect(state()).toEqual([
      { plan: 'ACME-TOOLS', newest: 31 },
      { plan: 'ACME-WEB', newest: 57 },
    ]);
  });

  it('then reads only the new result, and leaves one in progress for later', async () => {
    fake.add(renumbered(web, 58), renumbered(web, 59, 'InProgress'));
    fake.requests = [];
    const r = await fetch('--format', 'ndjson');
    expect(r.stderr).toContain('2 plans, 2 results, 1 job result read, 2 diagnoses (1 error), 1 in progress (next run)');
    expect(r.stderr).not.toContain('first fetch');
    expect(downloads()).toEqual(['plan-786438-JOB1-58.log']);
    expect(r.stdout).toContain('"build":"ACME-WEB-JOB1-58"');
    expect(state()).toEqual([
      { plan: 'ACME-TOOLS', newest: 31 },
      { plan: 'ACME-WEB', newest: 58 },
    ]);
  });

  it('reads the result once it has finished', async () => {
    fake.results.find((x) => x.number === 59)!.lifeCycle = 'Finished';
    fake.requests = [];
    const r = await fetch();
    expect(r.stderr).toContain('1 job result read');
    expect(downloads()).toEqual(['plan-786438-JOB1-59.log']);
    expect(state()).toContainEqual({ plan: 'ACME-WEB', newest: 59 });
  });

  it('with --force reads everything again (within --since), as analyze --force does', async () => {
    fake.requests = [];
    const r = await fetch('--force', '--since', '7d', '--plan', 'ACME-WEB');
    expect(r.stderr).toContain('1 plan, 4 results, 3 job results read');
    expect(downloads().sort()).toEqual(['plan-786438-JOB1-57.log', 'plan-786438-JOB1-58.log', 'plan-786438-JOB1-59.log']);
  });

  it('skips a job result stored complete even when listed again (a result held back by one in progress)', async () => {
    fake.add(renumbered(web, 60, 'InProgress'), renumbered(web, 61));
    await fetch('--plan', 'ACME-WEB'); // 61 read; 60 in progress holds the mark at 59
    fake.results.find((x) => x.number === 60)!.lifeCycle = 'Finished';
    fake.requests = [];
    const r = await fetch('--plan', 'ACME-WEB');
    expect(r.stderr).toContain('1 plan, 2 results, 1 job result read (1 stored already)');
    expect(downloads()).toEqual(['plan-786438-JOB1-60.log']);
  });
});
