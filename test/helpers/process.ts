// Runs the built CLI as a real child process where the process is the point: signals, limits, another user, raw files after exit.
import { spawn, type SpawnOptions } from 'node:child_process';
import { BIN, ROOT } from './cli.js';

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ProcessOptions extends Pick<SpawnOptions, 'uid' | 'gid' | 'cwd'> {
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  /** Shell commands run before the CLI in the same process (`ulimit -f 400`), through sh -c. */
  shell?: string;
  /** Called once the child has started, e.g. to signal it; `output` is what it printed so far. */
  started?: (child: ReturnType<typeof spawn>, output: () => { stdout: string; stderr: string }) => void;
}

export function runProcess(args: string[], options: ProcessOptions = {}): Promise<ProcessResult> {
  const [command, argv] = options.shell
    ? ['/bin/sh', ['-c', `${options.shell}; exec "$0" "$@"`, process.execPath, BIN, ...args]]
    : [process.execPath, [BIN, ...args]];
  return new Promise((done, fail) => {
    const child = spawn(command, argv as string[], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, BAMBOO_DOCTOR_DB: '', ...options.env },
      uid: options.uid,
      gid: options.gid,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    if (options.input !== undefined) child.stdin!.end(options.input);
    else if (!options.started) child.stdin!.end();
    const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString('utf8');
    options.started?.(child, () => ({ stdout: text(out), stderr: text(err) }));
  });
}

/** Waits until `check` holds (polling), or fails after `ms` saying what was awaited. */
export async function until(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
