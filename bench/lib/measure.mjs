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
 * Runs a command once: wall and CPU (user + system) seconds, peak RSS (MB), exit code, stdout (empty when
 * `discard`) and stderr; CPU and RSS are null without GNU time. stdout is always a pipe: GNU grep stops at
 * its first match when stdout is /dev/null, even with -c.
 */
export async function runOnce(cmd, args, { input, discard = false } = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'bd-bench-time-'));
  const timeFile = join(tmp, 'time');
  const [file, argv] = HAS_TIME ? [TIME, ['-f', '%M %U %S', '-o', timeFile, cmd, ...args]] : [cmd, args];
  const started = performance.now();
  const child = spawn(file, argv, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (input !== undefined) child.stdin.end(input);
  const out = [];
  let stderr = '';
  child.stdout.on('data', (b) => discard || out.push(b));
  child.stderr.on('data', (b) => (stderr += b));
  const [code] = await once(child, 'close');
  const seconds = (performance.now() - started) / 1000;
  // The last line: GNU time puts "Command exited with non-zero status N" before it.
  const [kb, user, system] = HAS_TIME && existsSync(timeFile) ? readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number) : [];
  rmSync(tmp, { recursive: true, force: true });
  const cpu = Number.isFinite(user + system) ? user + system : null;
  return { code, seconds, cpu, rss: Number.isFinite(kb) ? kb / 1024 : null, stdout: Buffer.concat(out).toString(), stderr };
}

/** One run of a command that must exit with one of `okCodes`. */
export async function runChecked(cmd, args, okCodes = [0]) {
  const r = await runOnce(cmd, args);
  if (!okCodes.includes(r.code)) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return r;
}

/** One run of a function in this process: wall and CPU seconds, and what it returned. */
export function runInProcess(fn) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = fn();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { seconds, cpu: (used.user + used.system) / 1e6, rss: null, result };
}

/**
 * Runs every spec (`{ id, once, before? }`) once a round for `runs` rounds, so that rows share the load of a
 * busy machine as it comes and goes instead of one row getting a quiet minute and the next a busy one.
 * Per spec: median wall and CPU seconds, largest peak RSS, the last run, or the error that stopped it.
 */
export async function interleave(specs, runs = RUNS) {
  const runsOf = new Map(specs.map((s) => [s, []]));
  const errors = new Map();
  for (let round = 0; round < runs; round++) {
    for (const spec of specs) {
      if (errors.has(spec)) continue;
      try {
        spec.before?.();
        runsOf.get(spec).push(await spec.once());
      } catch (err) {
        errors.set(spec, err);
      }
    }
  }
  return specs.map((spec) => {
    const all = runsOf.get(spec);
    if (errors.has(spec)) return { id: spec.id, error: errors.get(spec) };
    const rss = all.map((r) => r.rss).filter((v) => v !== null);
    const cpu = all.map((r) => r.cpu).filter((v) => v !== null);
    return { id: spec.id, seconds: median(all.map((r) => r.seconds)), cpu: cpu.length ? median(cpu) : null, rss: rss.length ? Math.max(...rss) : null, last: all.at(-1) };
  });
}

/** A command run `runs` times (after `before`, e.g. removing a database): see interleave; throws its error. */
export async function measure(cmd, args, { runs = RUNS, before, okCodes = [0] } = {}) {
  const [r] = await interleave([{ id: cmd, before, once: () => runChecked(cmd, args, okCodes) }], runs);
  if (r.error) throw r.error;
  return { ...r, stdout: r.last.stdout, stderr: r.last.stderr };
}

/** Runs the CLI through `measure`. */
export const measureCli = (args, options) => measure(process.execPath, [CLI, ...args], options);

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
