// Benchmark: generates a ~1 GB Bamboo REST export (`results.result[]` of job results with log entries) and runs
// the real CLI on it, printing throughput and peak RSS (the goal: flat memory, peak RSS under 200 MB).
//
//   npm run bench:rest                 (BENCH_REST_MB=1024 to change the size, BENCH_REST_DB=1 to store too)

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jobResult, lineToEntry, logBuildKey, logToEntries, resultsList } from './log-to-rest.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = join(ROOT, 'bench', 'data');
const FILE = join(DATA, 'rest-export.json');
const MB = Number(process.env.BENCH_REST_MB ?? 1024);
const WITH_DB = process.env.BENCH_REST_DB === '1';
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
    .map((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      return { entries: logToEntries(text), key: logBuildKey(text), state: f.startsWith('successful') ? 'Successful' : 'Failed' };
    });
}

/** Writes the export piece by piece (never the whole document in memory), honouring back-pressure. */
async function generate() {
  if (existsSync(FILE) && Math.abs(statSync(FILE).size / 2 ** 20 - MB) < MB * 0.05) return;
  mkdirSync(DATA, { recursive: true });
  const out = createWriteStream(FILE);
  const write = async (s) => out.write(s) || (await once(out, 'drain'));
  const [head, tail] = JSON.stringify(resultsList(['@'])).split('"@"');
  await write(head);
  const jobs = templates();
  let bytes = head.length;
  for (let n = 0; bytes < MB * 2 ** 20; n++) {
    const t = jobs[n % jobs.length];
    const key = t.key.replace(/-\d+$/, `-${1000 + n}`);
    const [before, after] = JSON.stringify(jobResult(key, t.state, ['@'])).split('"@"');
    const noise = Array.from({ length: NOISE_LINES }, (_, i) => JSON.stringify(noiseEntry(n, i)));
    const entries = t.entries.map((e) => JSON.stringify(e));
    const body = [...entries.slice(0, 6), ...noise, ...entries.slice(6)].join(',');
    const piece = `${n ? ',' : ''}${before}${body}${after}`;
    bytes += Buffer.byteLength(piece);
    await write(piece);
  }
  out.end(tail);
  await once(out, 'finish');
}

function noiseEntry(job, i) {
  const line = NOISE[i % NOISE.length].replaceAll('{N}', String((job * 7 + i) % 997)).replace('{S}', String(10 + (i % 50)));
  return lineToEntry(line);
}

/** Runs the CLI on the export; peak RSS comes from the child itself (process.resourceUsage at exit). */
async function run() {
  const report = 'process.on("exit",()=>process.stderr.write("maxrss-kb "+process.resourceUsage().maxRSS+"\\n"))';
  const dbDir = WITH_DB ? mkdtempSync(join(tmpdir(), 'bd-bench-')) : null;
  const args = ['--import', `data:text/javascript,${encodeURIComponent(report)}`, join(ROOT, 'bin', 'bamboo-doctor.js'), 'analyze', FILE, '--format', 'ndjson'];
  args.push(...(dbDir ? ['--db', join(dbDir, 'bench.db')] : ['--no-db']), '--fail-on', 'none');
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let diagnoses = 0;
  let stderr = '';
  child.stdout.on('data', (b) => (diagnoses += b.toString().split('\n').length - 1));
  child.stderr.on('data', (b) => (stderr += b));
  const [code] = await once(child, 'close');
  const seconds = (performance.now() - started) / 1000;
  if (dbDir) rmSync(dbDir, { recursive: true, force: true });
  return { code, seconds, diagnoses, stderr };
}

await generate();
const size = statSync(FILE).size / 2 ** 20;
const { code, seconds, diagnoses, stderr } = await run();
const rss = Number(/maxrss-kb (\d+)/.exec(stderr)?.[1] ?? NaN) / 1024;
process.stdout.write(`${stderr.replace(/maxrss-kb \d+\n/, '')}`);
process.stdout.write(`REST export ${size.toFixed(0)} MB${WITH_DB ? ' (with SQLite)' : ' (--no-db)'}: exit ${code}, ${seconds.toFixed(1)} s, `);
process.stdout.write(`${(size / seconds).toFixed(1)} MB/s, peak RSS ${rss.toFixed(0)} MB (goal < 200 MB), ${diagnoses} diagnoses\n`);
if (code !== 0 || !(rss < 200)) process.exitCode = 1;
