// `analyze --jobs 2` prints and stores exactly what `--jobs 1` does: for an export folder of job logs (with a gzip
// log, a REST export and inputs that fail among them) and for one large log split into parts at its build headers.
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without types (the converter the bench uses too)
import { jobResult, logBuildKey, logToEntries } from '../../bench/log-to-rest.mjs';
import { fragment, job, unexplained } from '../helpers/job-logs.js';
import { PART_BYTES } from '../../src/pool/split.js';
import { query } from '../helpers/db.js';
import { runCli, tempDir } from '../helpers/cli.js';

/** The tables as stored, but for the times of the run itself. */
function dump(db: string) {
  const strip = (rows: Record<string, unknown>[]) => rows.map(({ ingested_at, analyzed_at, ...rest }) => rest);
  return {
    sources: strip(query(db, 'SELECT * FROM sources ORDER BY id')),
    builds: strip(query(db, 'SELECT * FROM builds ORDER BY id')),
    diagnoses: query(db, 'SELECT * FROM diagnoses ORDER BY id'),
  };
}

async function both(paths: string[]) {
  const dir = tempDir('bamboo-doctor-jobs-db-');
  const run = async (jobs: number) => {
    const db = join(dir, `jobs-${jobs}.db`);
    const r = await runCli(['analyze', ...paths, '--jobs', String(jobs), '--db', db, '--format', 'ndjson', '--fail-on', 'none']);
    return { ...r, stderr: r.stderr.replace(db, 'DB'), tables: dump(db) };
  };
  // With a database the workers read too: the green baseline (the database's and this run's successful builds) is
  // applied to finished jobs in the main thread, in input order. The output must be the same either way.
  const noDb = (jobs: number) => runCli(['analyze', ...paths, '--jobs', String(jobs), '--no-db', '--format', 'ndjson', '--fail-on', 'none']);
  return { one: await run(1), two: await run(2), noDbOne: await noDb(1), noDbTwo: await noDb(2) };
}

/** --jobs 2 printed and said what --jobs 1 did, with a database and without; more than `lines` diagnoses. */
function sameOutput(runs: Awaited<ReturnType<typeof both>>, lines: number) {
  for (const [a, b] of [[runs.one, runs.two], [runs.noDbOne, runs.noDbTwo]]) {
    expect(a.stdout.split('\n').length).toBeGreaterThan(lines);
    expect(b.stdout).toBe(a.stdout);
    expect(b.stderr).toBe(a.stderr);
  }
  return runs;
}

/** GENERATED: an error-like line in the job's first task (also in its successful builds: no cause of a failure). */
function withNoise(text: string): string {
  return text.replace(/^(simple\t[^\t]*\tStarting task [^\n]*\n)/m, `$1error\t05-Nov-2025 07:55:12\terror: cache volume /var/cache/acme is not mounted, continuing\n`);
}

describe('analyze --jobs', () => {
  const dir = tempDir('bamboo-doctor-jobs-');

  describe('an export folder of job logs', () => {
    const folder = join(dir, 'export');
    let runs: Awaited<ReturnType<typeof both>>;
    beforeAll(async () => {
      // ~6 MB in 300 job logs: above what one thread reads alone (4 MiB), and several batches.
      for (let n = 0; n < 300; n++) {
        const sub = join(folder, `PLAN${n % 7}`);
        mkdirSync(sub, { recursive: true });
        const text = n % 23 === 5 ? fragment(n) + job(n) : job(n);
        writeFileSync(join(sub, `job-${String(n).padStart(3, '0')}.log`), n % 41 === 3 ? gzipSync(text) : text);
      }
      const rest = jobResult(logBuildKey(job(999)), 'Failed', logToEntries(job(999)));
      writeFileSync(join(folder, 'PLAN2', 'result.json'), JSON.stringify(rest));
      writeFileSync(join(folder, 'PLAN3', 'cut.json'), JSON.stringify(rest).slice(0, 4000));
      writeFileSync(join(folder, 'PLAN4', 'image.log'), Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7) % 256)));
      writeFileSync(join(folder, 'PLAN5', 'empty.log'), '');
      // Given twice: the second time each log is already stored, so its reading ahead is dropped.
      runs = await both([folder, folder]);
    }, 120_000);

    it('prints the same diagnoses in the same order, and says the same', () => {
      const { one, two } = sameOutput(runs, 300);
      expect(one.code).toBe(2);
      expect(two.code).toBe(one.code);
      expect(one.stderr).toMatch(/cut\.json:\d+: .*cut/);
      expect(one.stderr).toMatch(/image\.log: this is binary data/);
      expect(one.stderr).toMatch(/skipped, already analysed/);
    });

    it('stores the same rows, in the same order', () => {
      const { one, two } = runs;
      expect(one.tables.builds.length).toBeGreaterThan(200);
      expect(one.tables.builds.filter((b) => b.keyed === 0).length).toBeGreaterThan(5);
      expect(two.tables).toEqual(one.tables);
    });
  });

  describe('one large log of many jobs, read in parts', () => {
    const file = join(dir, 'all.log');
    let runs: Awaited<ReturnType<typeof both>>;
    beforeAll(async () => {
      // Over three parts. Key-less jobs fall in every part (their `<source>#n` counts on across parts); past the
      // second planned split a context-only fragment comes before a header, so that part's end is no clean split.
      const fd = openSync(file, 'w');
      let bytes = 0;
      let carried = false;
      for (let n = 0; bytes < 2.5 * PART_BYTES; n++) {
        let text = n % 89 === 7 ? unexplained(n) : job(n);
        // The noisy green sample's job, green or failed: an error-like line its successful builds print too.
        if (n % 89 === 7 || n % 6 === 5) text = withNoise(text);
        if (n % 97 === 13) text = fragment(n) + text;
        if (!carried && bytes > 2 * PART_BYTES) {
          text = fragment(n, false) + text;
          carried = true;
        }
        bytes += writeSync(fd, text);
      }
      closeSync(fd);
      runs = await both([file]);
    }, 120_000);

    it('prints the same diagnoses in the same order, with the same line numbers', () => {
      const { one, noDbOne } = sameOutput(runs, 1000);
      // Failures no rule explains, in every part: diagnosed at line 0 (the job as a whole), not moved by a part's start.
      expect(noDbOne.stdout.match(/"rule":"unexplained-failure"/g)?.length).toBeGreaterThan(5);
      expect(one.code).toBe(0);
      // Into a database, lines the job's earlier successful builds printed too rank last and say so (the baseline
      // step), whichever thread read the part; without one there is no baseline.
      expect(one.stdout).toMatch(/"seenInGreen":true/);
      expect(noDbOne.stdout).not.toMatch(/"seenInGreen":true/);
    });

    it('stores the same rows, key-less jobs under the same `<source>#n`', () => {
      const { one, two } = runs;
      const unkeyed = one.tables.builds.filter((b) => b.keyed === 0).map((b) => b.build_key);
      expect(unkeyed.length).toBeGreaterThan(5);
      expect(unkeyed[unkeyed.length - 1]).toBe(`${file}#${unkeyed.length}`);
      expect(two.tables).toEqual(one.tables);
    });
  });
});
