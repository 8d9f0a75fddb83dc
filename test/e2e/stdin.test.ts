// The real CLI reading a live pipe: each diagnosis must reach stdout while stdin is still open.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { BIN, ndjson, ROOT, runCli } from '../helpers/cli.js';

const SAMPLE = join(ROOT, 'samples', 'docker-runner-remote-agent.log');
const LOG = readFileSync(SAMPLE);

interface Live {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first NDJSON line on stdout, and whether stdin was still open when it came. */
  firstLine: Promise<{ line: string; stdinOpen: boolean }>;
  exit: Promise<number>;
}

function spawnLive(): Live {
  const child = spawn(process.execPath, [BIN, 'analyze', '-', '--format', 'ndjson', '--no-db'], {
    cwd: ROOT,
    env: { ...process.env, BAMBOO_DOCTOR_DB: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b));
  const firstLine = new Promise<{ line: string; stdinOpen: boolean }>((done) => {
    child.stdout.on('data', (b: Buffer) => {
      out += b;
      const nl = out.indexOf('\n');
      if (nl >= 0) done({ line: out.slice(0, nl), stdinOpen: !child.stdin.writableEnded });
    });
  });
  const exit = new Promise<number>((done) => child.on('close', (code) => done(code ?? -1)));
  return { child, stdout: () => out, stderr: () => err, firstLine, exit };
}

/** Writes bytes in chunks of `size` with a pause after each: chunk boundaries fall inside lines. */
async function writeChunks(child: ChildProcessWithoutNullStreams, bytes: Buffer, size: number, pauseMs: number): Promise<void> {
  for (let at = 0; at < bytes.length; at += size) {
    child.stdin.write(bytes.subarray(at, at + size));
    await sleep(pauseMs);
  }
}

/** Fails the test instead of hanging when the diagnosis never comes while stdin is open. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, sleep(ms).then(() => Promise.reject(new Error(`no ${what} within ${ms} ms`)))]);
}

describe('analyze - (a live pipe)', () => {
  it('prints the diagnosis as soon as the job is known to have failed, before stdin is closed', async () => {
    const live = spawnLive();
    // Up to the end of "Failing task since …": the denied line and the failure are in; the job's end is not.
    const failing = LOG.indexOf('\n', LOG.indexOf('Failing task since')) + 1;
    await writeChunks(live.child, LOG.subarray(0, failing), 4093, 15);
    expect(LOG.subarray(0, failing).toString().endsWith('\n')).toBe(true);
    const first = await within(live.firstLine, 20_000, 'diagnosis on stdout');
    expect(first.stdinOpen).toBe(true);
    expect(live.child.exitCode).toBeNull();
    const d = JSON.parse(first.line);
    expect([d.rule, d.scenario, d.build, d.line, d.source]).toEqual(['docker-pull-access-denied', 'docker-runner-remote-agent', 'ACME-WEB-JOB1-57', 135, '-']);

    await writeChunks(live.child, LOG.subarray(failing), 1000, 1);
    live.child.stdin.end();
    expect(await live.exit).toBe(1);
    // Released once, not again at the job's end.
    expect(ndjson(live.stdout()).filter((x) => x.rule === 'docker-pull-access-denied')).toHaveLength(1);
    expect(live.stderr()).toMatch(/^bamboo-doctor: 1 input, 1 build, \d+ diagnos[ie]s \(\d+ errors?\)\n$/);
  });

  it('prints a finding of a fragment with no build header at once', async () => {
    const live = spawnLive();
    const denied = LOG.subarray(LOG.indexOf('error\t03-Nov-2025 09:42:12\tError response'), LOG.indexOf('\n', LOG.indexOf('pull access denied')) + 1);
    // Split inside the line, with a pause between the halves.
    await writeChunks(live.child, denied, 50, 30);
    const first = await within(live.firstLine, 20_000, 'diagnosis on stdout');
    expect(first.stdinOpen).toBe(true);
    expect(JSON.parse(first.line)).toMatchObject({ rule: 'docker-pull-access-denied', build: null, line: 1, time: '2025-11-03T09:42:12' });
    live.child.stdin.end();
    expect(await live.exit).toBe(1);
  });

  it('gives through stdin the same diagnoses as from the file', async () => {
    const [file, pipe] = await Promise.all([
      runCli(['analyze', SAMPLE, '--format', 'ndjson', '--no-db']),
      runCli(['analyze', '-', '--format', 'ndjson', '--no-db'], { input: LOG }),
    ]);
    // The fix text is left out: a live diagnosis is rendered when the job failed, not when it ended.
    const essentials = (text: string) =>
      ndjson(text).map((d) => [d.rule, d.scenario, d.severity, d.build, d.line, d.time, d.evidence, d.agent, d.runner, d.task]);
    expect(essentials(pipe.stdout)).toEqual(essentials(file.stdout));
    expect(essentials(pipe.stdout).map((d) => d[0])).toContain('docker-pull-access-denied');
    expect(ndjson(pipe.stdout)[0].source).toBe('-');
  });
});
