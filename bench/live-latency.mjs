// Live latency: a job's failure appended to a file that `analyze --follow` follows → its diagnosis on stdout.
// Run by bench/run.mjs; the median over several jobs, each a new job in the same followed file.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadRules } from '../dist/rules/load.js';
import { CLI, median, rng } from './lib/measure.mjs';

const T = '03-Nov-2025 09:41:07';
/** Longer than the follower's poll (250 ms) and its reading: the header is read before the failure is written. */
const SETTLE_MS = 800;
/**
 * Plus a random part of a poll period: a fixed pause locks onto the poll's phase (seven samples once read
 * 205–237 ms, another run 10–319 ms), so the writes are spread over it and the median is the typical wait.
 */
const JITTER_MS = 250;
const TIMEOUT_MS = 10_000;

/** The failure written for each job: a rule's own test line, then Bamboo's task failure. */
function failureLine() {
  const rules = loadRules();
  const rule = rules.find((r) => r.id === 'docker-pull-access-denied') ?? rules.find((r) => r.steps.length === 1);
  return rule.tests.match.find((t) => t.line).line.replace(/^(?:(?:build|error|simple|command)\t[^\t]*\t)?/, `error\t${T}\t`);
}

const header = (key) => `simple\t${T}\tBuild Acme - Live - Default Job #${key.split('-').pop()} (${key}) started building on agent build-linux-01, bamboo version: 9.6.1\n`;

/** Waits for a line of `lines` that passes `test`, or fails after TIMEOUT_MS. */
function waitFor(lines, test, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    const on = (line) => {
      if (!test(line)) return;
      clearTimeout(timer);
      lines.off('line', on);
      resolve(line);
    };
    lines.on('line', on);
  });
}

/** Milliseconds from writing each failure to reading its diagnosis, `samples` times; with their median. */
export async function liveLatency(samples = 9) {
  const rand = rng(7);
  const dir = mkdtempSync(join(tmpdir(), 'bd-bench-live-'));
  const file = join(dir, 'build.log');
  writeFileSync(file, header('LIVE-PLAN-JOB1-1'));
  const child = spawn(process.execPath, [CLI, 'analyze', '--follow', file, '--no-db', '--format', 'ndjson'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout = createInterface({ input: child.stdout });
  const stderr = createInterface({ input: child.stderr });
  const failure = failureLine();
  const ms = [];
  try {
    await waitFor(stderr, (l) => l.includes('following'), '"following" on stderr');
    for (let i = 1; i <= samples; i++) {
      const key = `LIVE-PLAN-JOB1-${i}`;
      if (i > 1) appendFileSync(file, header(key));
      await sleep(SETTLE_MS + rand() * JITTER_MS);
      const seen = waitFor(stdout, (l) => JSON.parse(l).build === key, `diagnosis for ${key}`);
      const t = performance.now();
      appendFileSync(file, `${failure}\nsimple\t${T}\tFailing task since return code of [/bin/sh build.sh] was 1 while expected 0\n`);
      await seen;
      ms.push(performance.now() - t);
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'close');
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return { ms, median: median(ms) };
}
