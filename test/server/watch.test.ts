// watch: results diagnosed as they finish; a server that goes away is waited out, and nothing is lost meanwhile.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { ndjson, tempDir } from '../helpers/cli.js';
import { query } from '../helpers/db.js';
import { FakeBamboo, tokenFileIn } from '../helpers/fake-bamboo.js';
import { renumbered, sampleResult } from '../helpers/fake-bamboo-data.js';
import { startMain } from '../helpers/main.js';

const TOKEN = 'watch-token-5d1e0c5b9a';

describe('watch', () => {
  const dir = tempDir('bamboo-doctor-watch-');
  const db = join(dir, 'watch.db');
  const tokenFile = tokenFileIn(dir, TOKEN);
  const fake = new FakeBamboo({ token: TOKEN });
  afterAll(() => fake.stop());

  const builds = () => query(db, 'SELECT build_key AS key, finished FROM builds ORDER BY build_key');
  const printed = (out: string, key: string) => ndjson(out).some((d) => d.build === key);
  const until = async (what: string, test: () => boolean, ms = 30_000) => {
    const end = Date.now() + ms;
    while (!test()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await sleep(25);
    }
  };

  it('diagnoses results as they finish, rides out the server going away, and stops on the signal', async () => {
    await fake.start();
    const first = sampleResult('docker-runner-remote-agent');
    fake.add(first, renumbered(first, 58, 'InProgress'));
    const w = startMain(['watch', '--server', fake.url, '--plan', 'ACME-WEB', '--interval', '150ms', '--token-file', tokenFile, '--db', db, '--format', 'ndjson']);
    await until('ACME-WEB-JOB1-57 on stdout', () => printed(w.stdout(), 'ACME-WEB-JOB1-57'));
    expect(printed(w.stdout(), 'ACME-WEB-JOB1-58')).toBe(false); // still in progress

    // The server goes away; meanwhile 58 finishes and 59 runs and finishes.
    await fake.stop();
    fake.results = fake.results.filter((r) => r.number !== 58);
    fake.add(renumbered(first, 58), renumbered(first, 59));
    await w.told(/cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\).*trying again in/);
    await fake.start();
    await until('58 and 59 on stdout', () => printed(w.stdout(), 'ACME-WEB-JOB1-58') && printed(w.stdout(), 'ACME-WEB-JOB1-59'));
    await w.told('the server answers again');

    w.stop();
    expect(await w.done).toBe(0);
    expect(w.stderr()).toMatch(/stopping; finishing the job results under way\nbamboo-doctor: watched \d+ passes \(\d+ with the server down\), 3 job results read, \d+ diagnoses → /);
    expect(builds()).toEqual([
      { key: 'ACME-WEB-JOB1-57', finished: 1 },
      { key: 'ACME-WEB-JOB1-58', finished: 1 },
      { key: 'ACME-WEB-JOB1-59', finished: 1 },
    ]);
    // Each result printed once, however many passes saw it.
    expect(ndjson(w.stdout()).filter((d) => d.rule === 'docker-pull-access-denied').map((d) => d.build).sort()).toEqual(['ACME-WEB-JOB1-57', 'ACME-WEB-JOB1-58', 'ACME-WEB-JOB1-59']);
    expect(w.stdout() + w.stderr()).not.toContain(TOKEN);
  });
});
