// Benchmark: one file holding many small jobs (a .log of jobs glued by cat, and a REST results list), through
// the real CLI, with and without SQLite: time, builds/s and peak RSS at two sizes, to show memory stays flat.
//
//   node bench/many-jobs.mjs            (after npm run build; BENCH_JOBS=10000,50000 to change the sizes)

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobResult, logToEntries, resultsList } from './log-to-rest.mjs';
import { CLI, runOnce } from './lib/measure.mjs';

const SIZES = (process.env.BENCH_JOBS ?? '10000,50000').split(',').map(Number);
/** Peak RSS may grow this much from the smaller to the larger size and still count as flat. */
const FLAT_MB = 40;
const STAMP = '03-Nov-2025 09:41:07';
const DENIED = "Error response from daemon: pull access denied for registry.example/app, repository does not exist or may require 'docker login': denied: requested access to the resource is denied";

/** One small job (8 lines); every third fails on a denied pull. */
function jobLines(i) {
  const key = `LOAD-PLAN-JOB${i % 7}-${i}`;
  const line = (type, text) => `${type}\t${STAMP}\t${text}`;
  const failed = i % 3 === 0;
  return {
    key,
    failed,
    lines: [
      line('simple', `Build Load - Plan - Job #${i} (${key}) started building on agent build-linux-${i % 20}, bamboo version: 9.6.1`),
      line('simple', `Build working directory is /home/bamboo/bamboo-agent-home/xml-data/build-dir/${key.replace(/-\d+$/, '')}`),
      line('simple', `Executing build Load - Plan - Job #${i} (${key})`),
      line('simple', "Starting task 'Pull' of type 'com.atlassian.bamboo.plugins.scripttask:task.builder.script'"),
      failed ? line('error', DENIED) : line('build', 'ok'),
      ...(failed ? [line('simple', 'Failing task since return code of [/bin/sh pull.sh] was 1 while expected 0')] : []),
      line('simple', `Finished task 'Pull' with result: ${failed ? 'Failed' : 'Success'}`),
      line('simple', `Finished building ${key}.`),
    ],
  };
}

function writeInputs(dir, n) {
  const jobs = Array.from({ length: n }, (_, i) => jobLines(i + 1));
  const log = join(dir, `jobs-${n}.log`);
  writeFileSync(log, `${jobs.flatMap((j) => j.lines).join('\n')}\n`);
  const rest = join(dir, `jobs-${n}.json`);
  writeFileSync(rest, JSON.stringify(resultsList(jobs.map((j) => jobResult(j.key, j.failed ? 'Failed' : 'Successful', logToEntries(j.lines.join('\n')))))));
  return { log, rest };
}

/** Runs the CLI once: time, peak RSS and the builds its summary line counts. */
async function run(file, args) {
  const r = await runOnce(process.execPath, [CLI, 'analyze', file, ...args, '--fail-on', 'none'], { discard: true });
  const builds = Number(/, (\d+) builds?,/.exec(r.stderr)?.[1] ?? NaN);
  return { ...r, builds };
}

const dir = mkdtempSync(join(tmpdir(), 'bd-bench-jobs-'));
const peaks = new Map();
try {
  for (const n of SIZES) {
    const inputs = writeInputs(dir, n);
    for (const [kind, file] of Object.entries(inputs)) {
      for (const mode of ['--no-db --format json', '--db --format ndjson']) {
        const args = mode.split(' ');
        if (args[0] === '--db') args.splice(1, 0, join(dir, `bench-${n}-${kind}.db`));
        const r = await run(file, args);
        const name = `${kind} ${mode.replace(' --format', ',')}`;
        process.stdout.write(`${String(n).padStart(6)} jobs  ${name.padEnd(20)} exit ${r.code}  ${r.seconds.toFixed(2)} s  ${Math.round(r.builds / r.seconds)} builds/s  peak RSS ${r.rss?.toFixed(0)} MB\n`);
        if (r.code !== 0 || r.builds !== n) process.exitCode = 1;
        peaks.set(name, [...(peaks.get(name) ?? []), r.rss]);
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
for (const [name, rss] of peaks) {
  const growth = rss.at(-1) - rss[0];
  const flat = growth < FLAT_MB;
  process.stdout.write(`${name.padEnd(20)} peak RSS ${rss.map((r) => r.toFixed(0)).join(' → ')} MB: ${flat ? 'flat' : 'GROWS'} (+${growth.toFixed(0)} MB, goal < ${FLAT_MB})\n`);
  if (!flat) process.exitCode = 1;
}
