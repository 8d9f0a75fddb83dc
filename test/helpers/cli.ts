// Runs the CLI for a test: in-process through the Io seam (runCli, fast), or as the built bin in a child
// process with real pipes (runCliProcess) where the process itself is the point (signals, EPIPE, TTY).

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { runProcess } from './process.js';

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

/** A command run in this process: its exit code once it ends, what it printed so far, and its stop signal. */
export interface Running {
  done: Promise<number>;
  /** Aborts the command's signal, as SIGINT/SIGTERM do through bin/ (`--follow`, `watch`). */
  stop(): void;
  stdout(): string;
  stderr(): string;
  /** Waits until stderr holds the text, failing after `ms`. */
  told(text: string | RegExp, ms?: number): Promise<void>;
  /** Once the command is done: ends its streams and waits until everything written has been read from them. */
  drained(): Promise<void>;
}

/**
 * Starts `main()` in this process, as bin/ would run it with pipes (stdout is no TTY): stdin holds `input` and is
 * ended, `env` and `cwd` stand in for the process's own.
 */
export function startCli(args: string[], options: CliOptions = {}): Running {
  const stdout = collect();
  const stderr = collect();
  const stdin = new PassThrough();
  stdin.end(options.input ?? '');
  const stop = new AbortController();
  const io = { stdout: stdout.stream, stderr: stderr.stream, stdin, signal: stop.signal, env: environment(options.env), cwd: options.cwd ?? ROOT };
  // Loaded on first use: test files that only want tempDir() do not load the CLI.
  const done = import('../../src/cli/main.js').then(({ main }) => main(args, io));
  const told = async (text: string | RegExp, ms = 20_000) => {
    const end = Date.now() + ms;
    while (!(typeof text === 'string' ? stderr.text().includes(text) : text.test(stderr.text()))) {
      if (Date.now() > end) throw new Error(`never said ${text}; stderr:\n${stderr.text()}`);
      await sleep(20);
    }
  };
  const drained = () => Promise.all([stdout.drained(), stderr.drained()]).then(() => undefined);
  return { done, stop: () => stop.abort(), stdout: stdout.text, stderr: stderr.text, told, drained };
}

/** Runs a command that ends by itself in this process, and returns its exit code and all it printed. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const run = startCli(args, options);
  const code = await run.done;
  await run.drained();
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

function collect(): { stream: PassThrough; text: () => string; drained: () => Promise<void> } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (b: Buffer) => chunks.push(b));
  const ended = new Promise<void>((done) => stream.on('end', done));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8'), drained: () => (stream.end(), ended) };
}

/**
 * Runs the built bin (`npm run build` first) as a child process with real pipes; process.ts's runProcess does the
 * same with signals, another user or limits.
 */
export async function runCliProcess(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const r = await runProcess(args, { ...options, input: options.input ?? '' });
  return { code: r.code ?? -1, stdout: r.stdout, stderr: r.stderr };
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
