// Runs the CLI for a test: in-process through the Io seam (runCli, fast), or as the built bin in a child
// process with real pipes (runCliProcess) where the process itself is the point (signals, EPIPE, TTY).

import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'bamboo-doctor.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  input?: string | Buffer;
  /** Added to the test process's environment (BAMBOO_DOCTOR_DB is '' unless given). */
  env?: NodeJS.ProcessEnv;
  /** The folder relative paths are taken from; the repository root when absent. */
  cwd?: string;
}

/** The environment a run sees: the test's own, no database from the developer's shell, then the test's additions. */
const environment = (env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ...process.env, BAMBOO_DOCTOR_DB: '', ...env });

/** Runs `main()` in this process, as bin/ would with pipes (stdout is no TTY), and returns what it printed. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const stdout = collect();
  const stderr = collect();
  const stdin = new PassThrough();
  stdin.end(options.input ?? '');
  // Loaded on first use: test files that only want tempDir() do not load the CLI.
  const { main } = await import('../../src/cli/main.js');
  const code = await main(args, { stdout: stdout.stream, stderr: stderr.stream, stdin, env: environment(options.env), cwd: options.cwd ?? ROOT });
  return { code, stdout: await stdout.text(), stderr: await stderr.text() };
}

function collect(): { stream: PassThrough; text: () => Promise<string> } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (b: Buffer) => chunks.push(b));
  const ended = new Promise<void>((done) => stream.on('end', done));
  return {
    stream,
    text: async () => {
      stream.end();
      await ended;
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

/** Runs the built bin (`npm run build` first) as a child process with real pipes. */
export function runCliProcess(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: environment(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', fail);
    child.on('close', (code) =>
      done({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
    child.stdin.end(options.input ?? '');
  });
}

/** Parses NDJSON output into objects. */
export function ndjson(text: string): Record<string, any>[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

/** A fresh temporary folder for a test's files (databases, logs). */
export function tempDir(prefix = 'bamboo-doctor-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
