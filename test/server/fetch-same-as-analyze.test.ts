// A fetch from the fake Bamboo stores the same builds and diagnoses as `analyze` over the same logs saved as files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ndjson, runCli, tempDir } from '../helpers/cli.js';
import { query } from '../helpers/db.js';
import { FakeBamboo } from '../helpers/fake-bamboo.js';
import { sampleResult } from '../helpers/fake-bamboo-data.js';

const FAILED = ['docker-runner-remote-agent', 'docker-runner-docker-agent', 'docker-runner-elastic-agent', 'docker-runner-service-agent', 'agent-environment'];
const TOKEN = 'NDc4NDkyNDg3ODE3OstHYSeYC1UgXqRacSqvUbook';

/** Rows without what names where they were read from (a URL or a path) and when. */
function rows(db: string) {
  const builds = query(db, 'SELECT * FROM builds ORDER BY build_key');
  const diagnoses = query(db, 'SELECT d.* FROM diagnoses d JOIN builds b ON b.id = d.build_id ORDER BY b.build_key, d.rule');
  return {
    builds: builds.map(({ id, source_id, source_path, analyzed_at, ...rest }) => rest),
    diagnoses: diagnoses.map(({ id, build_id, source, ...rest }) => rest),
  };
}

describe('fetch against a Bamboo server', () => {
  const fake = new FakeBamboo({ token: TOKEN });
  const dir = tempDir('bamboo-doctor-fetch-');
  const env = { BAMBOO_TOKEN: TOKEN };

  beforeAll(async () => {
    await fake.start();
    fake.add(...FAILED.map((f) => sampleResult(f)), sampleResult('successful-build-noisy-stderr', 'Successful'));
  });
  afterAll(() => fake.stop());

  it('stores the same builds and diagnoses as analyze over the same logs saved as files', async () => {
    const fetched = join(dir, 'fetched.db');
    const f = await runCli(['fetch', '--server', fake.url, '--db', fetched, '--format', 'ndjson'], { env });
    expect(f.stderr).toContain('5 job results read');
    expect(f.code).toBe(1);

    const files = join(dir, 'logs');
    const saved = fake.results.filter((r) => r.state === 'Failed');
    mkdirSync(files);
    for (const r of saved) writeFileSync(join(files, `${r.jobs[0].jobKey}-${r.number}.log`), r.jobs[0].log);
    const analysed = join(dir, 'analysed.db');
    const a = await runCli(['analyze', files, '--db', analysed, '--format', 'ndjson']);
    expect(a.code).toBe(1);

    const got = rows(fetched);
    expect(got.builds).toHaveLength(5);
    expect(got.diagnoses.length).toBeGreaterThan(5);
    expect(got).toEqual(rows(analysed));
    // The printed diagnoses too, but for their source: a URL of the server instead of a file.
    const strip = (text: string) => ndjson(text).map(({ source, ...d }) => d).sort((x, y) => `${x.build}${x.rule}`.localeCompare(`${y.build}${y.rule}`));
    expect(strip(f.stdout)).toEqual(strip(a.stdout));
    expect(ndjson(f.stdout).every((d) => d.source.startsWith(`${fake.url}/download/`))).toBe(true);
  });

  it('with --state all, the green job results too, as analyze stores them', async () => {
    const fetched = join(dir, 'all.db');
    const f = await runCli(['fetch', '--server', fake.url, '--db', fetched, '--state', 'all'], { env });
    expect(f.stderr).toContain('6 job results read');
    const files = join(dir, 'all-logs');
    mkdirSync(files);
    for (const r of fake.results) writeFileSync(join(files, `${r.jobs[0].jobKey}-${r.number}.log`), r.jobs[0].log);
    const analysed = join(dir, 'all-analysed.db');
    await runCli(['analyze', files, '--db', analysed]);
    const got = rows(fetched);
    expect(got.builds.find((b) => b.build_key === 'ACME-INV-JOB1-204')).toMatchObject({ state: 'successful', finished: 1 });
    expect(got).toEqual(rows(analysed));
  });
});
