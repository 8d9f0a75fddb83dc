// `analyze --follow` as a real process (the point: it runs until SIGINT/SIGTERM). Each step waits for its event
// with a generous deadline; how fast a diagnosis arrives is measured by the benchmark, not asserted here.
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, tempDir } from '../helpers/cli.js';

/** Generous: a busy machine may take seconds for what takes milliseconds alone. */
const DEADLINE = 20_000;

/** The real CLI following files, its NDJSON stdout read line by line as it arrives. */
function startFollow(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'analyze', '--follow', '--format', 'ndjson', ...args], {
    cwd: ROOT,
    env: { ...process.env, BAMBOO_DOCTOR_DB: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const arrivals: Record<string, any>[] = [];
  let out = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString('utf8');
    for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
      arrivals.push(JSON.parse(out.slice(0, nl)));
      out = out.slice(nl + 1);
    }
  });
  child.stderr.on('data', (b: Buffer) => void (stderr += b.toString('utf8')));
  const closed = new Promise<number | null>((done) => child.on('close', done));
  const exited = () => deadline(closed, 'the follower to exit', () => stderr);
  const told = async (text: string): Promise<void> => {
    const end = Date.now() + DEADLINE;
    while (!stderr.includes(text)) {
      if (Date.now() > end) throw new Error(`never said '${text}'; stderr:\n${stderr}`);
      await sleep(5);
    }
  };
  const arrival = async (what: string, test: (d: Record<string, any>) => boolean): Promise<Record<string, any>> => {
    const end = Date.now() + DEADLINE;
    for (;;) {
      const found = arrivals.find(test);
      if (found) return found;
      if (Date.now() > end) throw new Error(`no ${what} on stdout; stderr:\n${stderr}`);
      await sleep(5);
    }
  };
  return { child, arrivals, told, arrival, exited, stderr: () => stderr };
}

/** The promise's value, or a failure naming what never happened (with stderr) once the deadline has passed. */
async function deadline<T>(promise: Promise<T>, what: string, stderr: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`timed out waiting for ${what}; stderr:\n${stderr()}`)), DEADLINE);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Appends in pieces, each cut inside a line. The pause between pieces gives the follower (polling every 250 ms)
 * a chance to read a piece on its own; nothing asserts that it did, so a busy machine only tests less.
 */
async function writeInPieces(file: string, text: string, cuts: number[]): Promise<void> {
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    appendFileSync(file, text.slice(from, cut));
    from = cut;
    await sleep(120);
  }
}

const sample = (name: string) => readFileSync(join(ROOT, 'samples', name), 'utf8');
const lineEnd = (text: string, needle: string) => text.indexOf('\n', text.indexOf(needle)) + 1;

describe('analyze --follow (real CLI)', () => {
  it('diagnoses a growing file as it grows, across a rotation and a truncation, and stores the rows on SIGTERM', async () => {
    const dir = tempDir();
    const file = join(dir, 'build.log');
    const db = join(dir, 'follow.db');
    const f = startFollow([file, '--db', db, '--rules', join(ROOT, 'test', 'fixtures', 'rules')]);

    // Generation 1: a Docker Runner build, appended in pieces cut inside lines. The diagnosis is complete
    // when the task fails ("Failing task since …").
    const web = sample('docker-runner-remote-agent.log');
    const failing = lineEnd(web, 'Failing task since');
    await f.told('waiting for the file to appear'); // the file appears after the follower started
    writeFileSync(file, web.slice(0, 4000));
    await writeInPieces(file, web.slice(4000, failing + 20), [web.indexOf('pull access denied') + 7 - 4000]);
    // Printed while the build is still being written: the rest of the log comes after it.
    const first = await f.arrival('pull diagnosis', (d) => d.rule === 'docker-pull-access-denied' && d.build === 'ACME-WEB-JOB1-57');
    expect(first).toMatchObject({ source: file, line: 135, scenario: 'docker-runner-remote-agent', runner: { image: 'registry.acme.example/ci/build-node:20' } });
    appendFileSync(file, web.slice(failing + 20));

    // Generation 2: rotated by rename (what the follower had not read yet is read from the old file first); the
    // new file is an agent's wrapper log (no build key).
    renameSync(file, `${file}.1`);
    const wrapper = readFileSync(join(ROOT, 'test', 'fixtures', 'agent-logs', 'wrapper.log'), 'utf8');
    writeFileSync(file, wrapper.slice(0, 1500));
    await f.told('was rotated');
    await writeInPieces(file, wrapper.slice(1500), []);
    const agent = await f.arrival('agent diagnosis', (d) => d.rule === 'test-agent-heartbeat');
    expect(agent).toMatchObject({ source: `${file} (2)`, line: 10, build: null, agent: { name: '3c81b2c1a728', container: true } });

    // Generation 3: truncated (once the follower has seen it, or a longer new text would hide the truncation), then
    // another build that is still running when the follower is stopped. The wrapper log was one write, read whole
    // before its diagnosis came.
    truncateSync(file, 0);
    await f.told('was truncated');
    const svc = sample('docker-runner-docker-agent.log');
    await writeInPieces(file, svc.slice(0, lineEnd(svc, 'Failing task since') + 30), [2000]);
    const third = await f.arrival('diagnosis after truncation', (d) => d.build === 'BILL-SVC-JOB1-118' && d.rule === 'docker-pull-access-denied');
    expect(third).toMatchObject({ source: `${file} (3)`, line: 101, scenario: 'docker-runner-docker-agent' });

    f.child.kill('SIGTERM');
    expect(await f.exited()).toBe(0);
    expect(f.stderr()).toMatch(/followed 1 file \(3 sources\), 3 builds/);

    const rows = new Database(db, { readonly: true });
    try {
      const sources = rows.prepare("SELECT path, kind, status, lines FROM sources WHERE kind = 'follow' ORDER BY id").all() as Record<string, unknown>[];
      expect(sources.map((s) => s.status)).toEqual(['done', 'done', 'done']);
      expect(sources[0].lines).toBe(web.split('\n').length - (web.endsWith('\n') ? 1 : 0));
      const builds = rows.prepare('SELECT build_key, keyed, state FROM builds ORDER BY id').all();
      expect(builds).toEqual([
        { build_key: 'ACME-WEB-JOB1-57', keyed: 1, state: 'failed' },
        { build_key: `${file} (2)#1`, keyed: 0, state: 'unknown' },
        // Stopped before its end: ended by the stop, and stored.
        { build_key: 'BILL-SVC-JOB1-118', keyed: 1, state: 'failed' },
      ]);
      const diagnoses = rows.prepare("SELECT build_key, rule, source, line FROM diagnoses WHERE rule IN ('docker-pull-access-denied', 'test-agent-heartbeat') ORDER BY id").all();
      expect(diagnoses).toEqual([
        { build_key: 'ACME-WEB-JOB1-57', rule: 'docker-pull-access-denied', source: file, line: 135 },
        { build_key: `${file} (2)#1`, rule: 'test-agent-heartbeat', source: `${file} (2)`, line: 10 },
        { build_key: 'BILL-SVC-JOB1-118', rule: 'docker-pull-access-denied', source: `${file} (3)`, line: 101 },
      ]);
    } finally {
      rows.close();
    }
  });

  it('refuses - and exits 2, and a second SIGTERM is not needed to stop while waiting for a file', async () => {
    const dir = tempDir();
    const dash = startFollow(['-', '--no-db']);
    expect(await dash.exited()).toBe(2);
    expect(dash.stderr()).toContain('--follow follows files');
    const waiting = startFollow([join(dir, 'not-yet.log'), '--no-db']);
    await waiting.told('waiting for the file to appear');
    waiting.child.kill('SIGINT');
    expect(await waiting.exited()).toBe(0);
  });
});
