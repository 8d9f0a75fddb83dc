// Live input ends cleanly: a pipe stopped by SIGINT/SIGTERM stores its open job and exits 0, as --follow does;
// a followed file that becomes a folder or unreadable is named once, with the reason, and the run exits 2.
import { appendFileSync, chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ndjson, ROOT, tempDir } from '../helpers/cli.js';
import { runProcess, until } from '../helpers/process.js';

/** A failing job cut before its end ("Finished building" never comes): what `tail -F` of a running build gives. */
const RUNNING = readFileSync(join(ROOT, 'samples', 'agent-environment.log'), 'utf8').split('\n').slice(0, 110).join('\n') + '\n';

describe('analyze - (a pipe that does not end)', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('ends the open job on %s, prints and stores it, and exits 0', async (signal) => {
    const db = join(tempDir(), 'pipe.db');
    const r = await runProcess(['analyze', '-', '--db', db, '--format', 'ndjson'], {
      started: (child, output) =>
        void (async () => {
          child.stdin!.write(RUNNING);
          // Written live as the job is known to have failed: the pipe has been read this far.
          await until('the live diagnosis', () => output().stdout.includes('"docker-pull-access-denied"'));
          child.kill(signal);
        })(),
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('bamboo-doctor: stopping; ending the open jobs');
    expect(r.stderr).toMatch(/1 input, 1 build, 2 diagnoses/);
    expect(ndjson(r.stdout).map((d) => d.rule).sort()).toEqual(['docker-pull-access-denied', 'task-nonzero-exit']);
    const stored = new Database(db, { readonly: true });
    expect(stored.prepare('SELECT build_key, finished FROM builds').all()).toEqual([{ build_key: 'ACME-TOOLS-JOB1-31', finished: 0 }]);
    expect(stored.prepare('SELECT count(*) FROM diagnoses').pluck().get()).toBe(2);
    expect(stored.prepare("SELECT status FROM sources WHERE kind = 'stdin'").pluck().all()).toEqual(['done']);
    stored.close();
  });
});

describe('--follow of a file that cannot be read any more', () => {
  /** Follows `file`, does `change` once it is followed, waits a few polls, stops; returns what the run said. */
  async function follow(file: string, change: () => void, user: { uid?: number; gid?: number } = {}) {
    let polls = '';
    const r = await runProcess(['analyze', '--follow', file, '--no-db', '--format', 'ndjson'], {
      ...user,
      started: (child, output) =>
        void (async () => {
          await until('following', () => output().stderr.includes('following'));
          change();
          await until('the problem', () => output().stderr.includes('cannot read it'));
          // Ten polls (250 ms each) later it must still have been said only once.
          await new Promise((r) => setTimeout(r, 2500));
          polls = output().stderr;
          child.kill('SIGINT');
        })(),
    });
    return { ...r, polls };
  }

  it('that became a folder: EISDIR, said once, exit 2 at the end', async () => {
    const dir = tempDir();
    const file = join(dir, 'agent.log');
    writeFileSync(file, RUNNING);
    const r = await follow(file, () => {
      rmSync(file);
      mkdirSync(file);
    });
    expect(r.polls.match(/cannot read it/g)).toHaveLength(1);
    expect(r.stderr).toContain(`bamboo-doctor: ${file}: cannot read it: EISDIR, it is a folder now`);
    expect(r.stderr).not.toContain('An error was encountered');
    expect(r.code).toBe(2);
  });

  it('that lost its read permission: EACCES, said once, exit 2 at the end', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o777);
    const file = join(dir, 'agent.log');
    writeFileSync(file, RUNNING);
    chmodSync(file, 0o644);
    // root reads any file: run as nobody then.
    const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = await follow(
      file,
      () => {
        chmodSync(file, 0o000);
        appendFileSync(file, 'simple\t04-Nov-2025 16:14:00\tmore\n');
      },
      user,
    );
    expect(r.polls.match(/cannot read it/g)).toHaveLength(1);
    expect(r.stderr).toContain(`bamboo-doctor: ${file}: cannot read it: EACCES, permission denied`);
    expect(r.code).toBe(2);
  });
});
