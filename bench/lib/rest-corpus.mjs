// The bench's REST corpus (generated): a `results.result[]` export of the samples' jobs, each padded to ~1 MB
// with test output, and a file that is one 50 MB line. Cached in bench/data/ until the samples change.

import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { jobResult, lineToEntry, logBuildKey, logToEntries, resultsList } from '../log-to-rest.mjs';
import { DATA, MiB, ROOT } from './measure.mjs';

const GENERATOR = 'rest-v1';
/** Test-output lines put into every job after its header, so a job result is ~1 MB like a real CI job. */
const NOISE = [
  'build\t03-Nov-2025 09:41:{S}\t[INFO] Tests run: {N}, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.{N} s - in com.acme.web.CartServiceTest',
  'build\t03-Nov-2025 09:41:{S}\t[INFO] Downloading from central: https://repo.maven.apache.org/maven2/org/apache/commons/commons-text/1.{N}/commons-text-1.{N}.pom',
  'error\t03-Nov-2025 09:41:{S}\tnpm WARN deprecated inflight@1.0.{N}: This module is not supported, and leaks memory. Do not use it. Check out lru-cache if you want a good and tested way to coalesce async requests by a key value, which is much more comprehensive and powerful.',
  'build\t03-Nov-2025 09:41:{S}\t ✓ src/components/ProductCard{N}.test.tsx (16 tests) {N}ms',
];
const NOISE_LINES = 4000;

/** The samples as job templates: entries, key, state (the green sample is a successful job). */
function templates() {
  const dir = join(ROOT, 'samples');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      return { entries: logToEntries(text), key: logBuildKey(text), state: f.startsWith('successful') ? 'Successful' : 'Failed' };
    });
}

/** Calls `make(path)` unless `path` was made by this generator from the same inputs; returns the path. */
async function cached(path, inputs, make) {
  const stamp = `${path}.ready`;
  const hash = createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
  if (existsSync(path) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return path;
  mkdirSync(DATA, { recursive: true });
  process.stderr.write(`generating ${path} …\n`);
  await make(path);
  writeFileSync(stamp, hash);
  return path;
}

/** A REST export of about `mb` megabytes; written piece by piece (never the whole document in memory). */
export async function restExport(mb) {
  const jobs = templates();
  return cached(join(DATA, `rest-export-${mb}mb.json`), [GENERATOR, mb, jobs], async (path) => {
    const out = createWriteStream(path);
    const write = async (s) => out.write(s) || (await once(out, 'drain'));
    const [head, tail] = JSON.stringify(resultsList(['@'])).split('"@"');
    await write(head);
    let bytes = head.length;
    for (let n = 0; bytes < mb * MiB; n++) {
      const t = jobs[n % jobs.length];
      const key = t.key.replace(/-\d+$/, `-${1000 + n}`);
      const [before, after] = JSON.stringify(jobResult(key, t.state, ['@'])).split('"@"');
      const noise = Array.from({ length: NOISE_LINES }, (_, i) => JSON.stringify(noiseEntry(n, i)));
      const entries = t.entries.map((e) => JSON.stringify(e));
      const piece = `${n ? ',' : ''}${before}${[...entries.slice(0, 6), ...noise, ...entries.slice(6)].join(',')}${after}`;
      bytes += Buffer.byteLength(piece);
      await write(piece);
    }
    out.end(tail);
    await once(out, 'finish');
  });
}

function noiseEntry(job, i) {
  const line = NOISE[i % NOISE.length].replaceAll('{N}', String((job * 7 + i) % 997)).replace('{S}', String(10 + (i % 50)));
  return lineToEntry(line);
}

/**
 * One line of `mb` megabytes (a classpath echoed by a build script), a rule keyword in its first MiB so the
 * cut line is decoded and tried against the rules, as the worst case for memory.
 */
export async function longLine(mb) {
  return cached(join(DATA, `long-line-${mb}mb.log`), [GENERATOR, 'long-line', mb], async (path) => {
    const fd = openSync(path, 'w');
    writeSync(fd, 'build\t03-Nov-2025 09:41:07\tCLASSPATH=/opt/acme/lib/acme-core.jar: Permission denied:');
    const piece = Buffer.from(Array.from({ length: 4096 }, (_, i) => `/opt/acme/lib/dependency-${i}.jar:`).join(''));
    for (let written = 0; written < mb * MiB; written += piece.length) writeSync(fd, piece);
    writeSync(fd, '\n');
    closeSync(fd);
  });
}
