// Runs the CLI's main() in this process with its own streams and stop signal (for commands that run until stopped).

import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { main } from '../../src/cli/main.js';

export interface Running {
  done: Promise<number>;
  stop(): void;
  stdout(): string;
  stderr(): string;
  /** Waits until stderr holds the text (or fails after `ms`). */
  told(text: string | RegExp, ms?: number): Promise<void>;
}

export function startMain(args: string[]): Running {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (b: Buffer) => void (out += b.toString('utf8')));
  stderr.on('data', (b: Buffer) => void (err += b.toString('utf8')));
  const stop = new AbortController();
  const done = main(args, { stdout, stderr, stdin: new PassThrough(), signal: stop.signal });
  const told = async (text: string | RegExp, ms = 20_000) => {
    const end = Date.now() + ms;
    while (!(typeof text === 'string' ? err.includes(text) : text.test(err))) {
      if (Date.now() > end) throw new Error(`never said ${text}; stderr:\n${err}`);
      await sleep(20);
    }
  };
  return { done, stop: () => stop.abort(), stdout: () => out, stderr: () => err, told };
}

/** A command that ends by itself, run in this process: its exit code and what it printed. */
export async function runMain(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = startMain(args);
  const code = await r.done;
  return { code, stdout: r.stdout(), stderr: r.stderr() };
}
