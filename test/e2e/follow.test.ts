import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, tempDir } from '../helpers/cli.js';

interface Arrival {
  at: number;
  d: Record<string, any>;
}

/** The real CLI following files, its NDJSON stdout read line by line as it arrives. */
function startFollow(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'analyze', '--follow', '--format', 'ndjson', ...args], {
    cwd: ROOT,
    env: { ...process.env, BAMBOO_DOCTOR_DB: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const arrivals: Arrival[] = [];
  let out = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString('utf8');
    for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
      arrivals.push({ at: Date.now(), d: JSON.parse(out.slice(0, nl)) });
      out = out.slice(nl + 1);
    }
  });
  child.stderr.on('data', (b: Buffer) => void (stderr += b.toString('utf8')));
  const exited = new Promise<{ code: number | null; at: number }>((done) => child.on('close', (code) => done({ code, at: Date.now() })));
  const told = async (text: string): Promise<void> => {
    const end = Date.now() + 15_000;
    while (!stderr.includes(text)) {
      if (Date.now() > end) throw new Error(`never said '${text}'; stderr:\n${stderr}`);
      await sleep(5);
    }
  };
  const arrival = async (what: string, test: (d: Record<string, any>) => boolean): Promise<Arrival> => {
    const end = Date.now() + 10_000;
    for (;;) {
      const found = arrivals.find((a) => test(a.d));
      if (found) return found;
      if (Date.now() > end) throw new Error(`no ${what} on stdout; stderr:\n${stderr}`);
      await sleep(5);
    }
  };
  return { child, arrivals, told, arrival, exited, stderr: () => stderr };
}

/** Appends in pieces, each cut inside a line; returns when the last piece was written. */
async function writeInPieces(file: string, text: string, cuts: number[]): Promise<number> {
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    appendFileSync(file, text.slice(from, cut));
    from = cut;
    await sleep(120);
  }
  return Date.now();
}

const sample = (name: string) => readFileSync(join(ROOT, 'samples', name), 'utf8');
const lineEnd = (text: string, needle: string) => text.indexOf('\n', text.indexOf(needle)) + 1;

describe('analyze --follow (real CLI)', () => {
  it('diagnoses a growing file within a second, across a rotation and a truncation, and stores the rows on SIGTERM', async () => {
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
    const written = await writeInPieces(file, web.slice(4000, failing + 20), [web.indexOf('pull access denied') + 7 - 4000]);
    const first = await f.arrival('pull diagnosis', (d) => d.rule === 'docker-pull-access-denied' && d.build === 'ACME-WEB-JOB1-57');
    expect(first.at - written).toBeLessThan(1000);
    expect(first.d).toMatchObject({ source: file, line: 135, scenario: 'docker-runner-remote-agent', runner: { image: 'registry.acme.example/ci/build-node:20' } });
    appendFileSync(file, web.slice(failing + 20));

    // Generation 2: rotated by rename; the new file is an agent's wrapper log (no build key).
    await sleep(400);
    renameSync(file, `${file}.1`);
    const wrapper = readFileSync(join(ROOT, 'test', 'fixtures', 'agent-logs', 'wrapper.log'), 'utf8');
    writeFileSync(file, wrapper.slice(0, 1500));
    const fatalWritten = await writeInPieces(file, wrapper.slice(1500), []);
    const agent = await f.arrival('agent diagnosis', (d) => d.rule === 'test-agent-heartbeat');
    expect(agent.at - fatalWritten).toBeLessThan(1000);
    expect(agent.d).toMatchObject({ source: `${file} (2)`, line: 10, build: null, agent: { name: '3c81b2c1a728', container: true } });

    // Generation 3: truncated, then another build that is still running when the follower is stopped.
    await sleep(300);
    truncateSync(file, 0);
    await sleep(600);
    const svc = sample('docker-runner-docker-agent.log');
    const svcWritten = await writeInPieces(file, svc.slice(0, lineEnd(svc, 'Failing task since') + 30), [2000]);
    const third = await f.arrival('diagnosis after truncation', (d) => d.build === 'BILL-SVC-JOB1-118' && d.rule === 'docker-pull-access-denied');
    expect(third.at - svcWritten).toBeLessThan(1000);
    expect(third.d).toMatchObject({ source: `${file} (3)`, line: 101, scenario: 'docker-runner-docker-agent' });

    const stopped = Date.now();
    f.child.kill('SIGTERM');
    const { code, at } = await f.exited;
    expect(code).toBe(0);
    expect(at - stopped).toBeLessThan(1000);
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
    expect((await dash.exited).code).toBe(2);
    expect(dash.stderr()).toContain('--follow follows files');
    const waiting = startFollow([join(dir, 'not-yet.log'), '--no-db']);
    await waiting.told('waiting for the file to appear');
    const stopped = Date.now();
    waiting.child.kill('SIGINT');
    const { code, at } = await waiting.exited;
    expect(code).toBe(0);
    expect(at - stopped).toBeLessThan(1000);
  });
});
