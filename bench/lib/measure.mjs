// Shared bench helpers: deterministic random numbers, medians, and running a command for its wall time and peak RSS.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DATA = join(ROOT, 'bench', 'data');
export const CLI = join(ROOT, 'bin', 'bamboo-doctor.js');
export const RUNS = Number(process.env.BENCH_RUNS ?? 3);
export const MiB = 2 ** 20;

/** GNU time: its %M is the child's peak RSS (getrusage of the reaped child), the same for node, rg and grep. */
const TIME = '/usr/bin/time';
export const HAS_TIME = existsSync(TIME);

/** Deterministic pseudo-random numbers in [0, 1), so every run measures the same bytes. */
export function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Runs a command once: wall time (s), peak RSS (MB, null without GNU time), exit code, stdout (empty when
 * `discard`) and stderr. stdout is always a pipe: GNU grep stops at its first match when stdout is /dev/null,
 * even with -c.
 */
export async function runOnce(cmd, args, { input, discard = false } = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'bd-bench-time-'));
  const rssFile = join(tmp, 'rss');
  const [file, argv] = HAS_TIME ? [TIME, ['-f', '%M', '-o', rssFile, cmd, ...args]] : [cmd, args];
  const started = performance.now();
  const child = spawn(file, argv, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (input !== undefined) child.stdin.end(input);
  const out = [];
  let stderr = '';
  child.stdout.on('data', (b) => discard || out.push(b));
  child.stderr.on('data', (b) => (stderr += b));
  const [code] = await once(child, 'close');
  const seconds = (performance.now() - started) / 1000;
  const kb = HAS_TIME && existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : NaN;
  rmSync(tmp, { recursive: true, force: true });
  return { code, seconds, rss: Number.isFinite(kb) ? kb / 1024 : null, stdout: Buffer.concat(out).toString(), stderr };
}

/**
 * Runs a command `runs` times (after `before`, e.g. removing a database); the median time, the largest peak
 * RSS and the last run's output. A run that exits with an unexpected code makes the row an error.
 */
export async function measure(cmd, args, { runs = RUNS, before, okCodes = [0] } = {}) {
  const times = [];
  let rss = null;
  let last;
  for (let i = 0; i < runs; i++) {
    before?.();
    last = await runOnce(cmd, args);
    if (!okCodes.includes(last.code)) {
      throw new Error(`${cmd} ${args.join(' ')} exited ${last.code}: ${last.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }
    times.push(last.seconds);
    if (last.rss !== null) rss = Math.max(rss ?? 0, last.rss);
  }
  return { seconds: median(times), rss, stdout: last.stdout, stderr: last.stderr };
}

/** Runs the CLI through `measure`. */
export const measureCli = (args, options) => measure(process.execPath, [CLI, ...args], options);

/** The median wall time (s) of an in-process function run `runs` times; returns its last result too. */
export function timeInProcess(fn, runs = RUNS) {
  const times = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    result = fn();
    times.push((performance.now() - t) / 1000);
  }
  return { seconds: median(times), result };
}

/** Whether a program is on the PATH (`rg`, `grep`). */
export async function hasProgram(name) {
  try {
    const child = spawn(name, ['--version'], { stdio: 'ignore' });
    const [code] = await Promise.race([once(child, 'close'), once(child, 'error').then(() => [-1])]);
    return code === 0;
  } catch {
    return false;
  }
}
