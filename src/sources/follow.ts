// Follows a file as it grows, the way `tail -F` does, as a series of byte streams: one per generation of
// the file (a rename rotation or a truncation starts the next), so line numbers restart with the file.

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import TailFile from '@logdna/tail-file';
import { InputError } from '../errors.js';

export interface FollowOptions {
  /** Stops following: what was read is handed on, then the generations end. */
  signal: AbortSignal;
  /** How often the file is checked for growth, rotation and truncation (ms). */
  pollMs?: number;
  onEvent?: (event: FollowEvent) => void;
  /** The folder a relative path is taken from (its name stays as given); the process's own when absent. */
  cwd?: string;
}

export type FollowEvent =
  | { kind: 'waiting' | 'following'; path: string }
  | { kind: 'rotated' | 'truncated'; path: string; generation: number }
  /** `unreadable`: the file cannot be read now (a folder, no permission); told once, and a failure of the run. */
  | { kind: 'problem'; path: string; message: string; unreadable?: boolean };

/** One generation of a followed file: the bytes from its start until it is rotated, truncated, or followed no more. */
export interface Generation {
  /** The path as given for the first generation, then `path (2)`, `path (3)`… */
  name: string;
  number: number;
  chunks: AsyncIterable<Buffer>;
}

/** A second is the promise for a diagnosis; a quarter of it for noticing new bytes leaves the rest for reading them. */
export const DEFAULT_POLL_MS = 250;

/** Counts the bytes it hands on, so that a rotation or truncation can be placed exactly in the byte stream. */
class CountingTail extends TailFile {
  pushed = 0;
  /** The reason last told that the file cannot be read; cleared when bytes come again. */
  told: string | null = null;

  override push(chunk: Buffer | null, encoding?: BufferEncoding): boolean {
    if (chunk) {
      this.pushed += chunk.length;
      this.told = null;
    }
    return super.push(chunk, encoding);
  }
}

/**
 * Why the tail could not read the file, from its 'tail_error' (which says only "An error was encountered while
 * tailing the file", each poll): the system's code, in words.
 */
function unreadable(e: { message: string; code?: string; meta?: { actual?: { code?: string; message?: string }; code?: string } }): string {
  const code = e.meta?.actual?.code ?? e.meta?.code ?? e.code;
  if (code === 'EISDIR') return 'cannot read it: EISDIR, it is a folder now';
  if (code === 'EACCES' || code === 'EPERM') return `cannot read it: ${code}, permission denied`;
  return `cannot read it: ${code ?? e.meta?.actual?.message ?? e.message}`;
}

/**
 * Yields the generations of a file from its first byte; a file that does not exist yet is waited for.
 * Each generation's chunks must be read to their end before the next generation is asked for.
 */
export async function* followFile(path: string, options: FollowOptions): AsyncGenerator<Generation> {
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const tail = await openTail(path, pollMs, options);
  if (!tail) return;
  const feed = new GenerationFeed(tail);
  let generation = 1;
  const cut = (kind: 'rotated' | 'truncated') => () => {
    feed.cut();
    options.onEvent?.({ kind, path, generation: generation + 1 });
  };
  tail.on('renamed', cut('rotated')).on('truncated', cut('truncated'));
  tail.on('retry', (e: { attempts: number }) => e.attempts === 1 && options.onEvent?.({ kind: 'waiting', path }));
  // Told once, not every poll; told again only after the file was read in between.
  tail.on('tail_error', (e: Parameters<typeof unreadable>[0]) => {
    const message = unreadable(e);
    if (tail.told === message) return;
    tail.told = message;
    options.onEvent?.({ kind: 'problem', path, message, unreadable: true });
  });
  const stop = () => feed.stop();
  options.signal.addEventListener('abort', stop, { once: true });
  try {
    options.onEvent?.({ kind: 'following', path });
    for (; !feed.ended; generation++) {
      yield { name: generation === 1 ? path : `${path} (${generation})`, number: generation, chunks: feed.next() };
    }
  } finally {
    options.signal.removeEventListener('abort', stop);
    feed.stop();
  }
}

/** Waits for the file to exist and starts tailing it from its first byte; null when stopped before that. */
async function openTail(path: string, pollMs: number, options: FollowOptions): Promise<CountingTail | null> {
  let told = false;
  while (!options.signal.aborted) {
    try {
      const file = resolve(options.cwd ?? '.', path);
      if (statSync(file).isDirectory()) throw new InputError(path, null, 'is a folder; --follow follows files');
      const tail = new CountingTail(file, {
        startPos: 0,
        pollFileIntervalMs: pollMs,
        pollFailureRetryMs: pollMs,
        // tail -F waits for a vanished file for as long as it runs.
        maxPollFailures: Infinity,
        highWaterMark: 1 << 20,
        readStreamOpts: { highWaterMark: 1 << 20 },
      });
      await tail.start();
      return tail;
    } catch (err) {
      if (err instanceof InputError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new InputError(path, null, `cannot follow: ${code ?? (err as Error).message}`);
    }
    if (!told) options.onEvent?.({ kind: 'waiting', path });
    told = true;
    await sleep(pollMs, undefined, { signal: options.signal }).catch(() => undefined);
  }
  return null;
}

/** Splits the tail's one byte stream into generations at the byte offsets where the file was replaced. */
class GenerationFeed {
  ended = false;
  private readonly source: AsyncIterator<Buffer>;
  /** Bytes handed out so far. */
  private offset = 0;
  /** Offsets (in bytes the tail pushed) where a new generation starts. */
  private readonly cuts: number[] = [];
  /** Bytes already read that belong to the next generation. */
  private carry: Buffer | null = null;
  private pending: Promise<IteratorResult<Buffer>> | null = null;
  private wake: (() => void) | null = null;
  private stopping = false;

  constructor(private readonly tail: CountingTail) {
    this.source = tail[Symbol.asyncIterator]();
  }

  /** The file was replaced: what the tail pushes from now on is the next generation. */
  cut(): void {
    this.cuts.push(this.tail.pushed);
    this.wake?.();
  }

  /**
   * Stops tailing: the tail reads once more and ends. Its last poll never comes while the file is missing,
   * so after half a second it is torn down instead.
   */
  stop(): void {
    if (this.stopping || this.ended) return;
    this.stopping = true;
    const timer = setTimeout(() => this.tail.destroy(), 500);
    this.tail.quit().finally(() => clearTimeout(timer));
  }

  async *next(): AsyncGenerator<Buffer> {
    for (;;) {
      const cut = this.cuts[0];
      if (cut !== undefined && cut <= this.offset) {
        this.cuts.shift();
        return;
      }
      const chunk = this.carry ?? (await this.read());
      this.carry = null;
      if (chunk === undefined) continue;
      if (chunk === null) {
        this.ended = true;
        return;
      }
      const room = cut === undefined ? chunk.length : cut - this.offset;
      const part = room < chunk.length ? chunk.subarray(0, room) : chunk;
      if (room < chunk.length) this.carry = chunk.subarray(room);
      this.offset += part.length;
      yield part;
    }
  }

  /** The next chunk; undefined when a cut came first; null at the end of the tail. */
  private async read(): Promise<Buffer | null | undefined> {
    this.pending ??= this.source.next();
    const woken = new Promise<undefined>((resolve) => (this.wake = () => resolve(undefined)));
    try {
      const r = await Promise.race([this.pending, woken]);
      if (r === undefined) return undefined;
      this.pending = null;
      return r.done ? null : r.value;
    } catch (err) {
      this.ended = true;
      // A tail torn down by stop() ends; any other failure is the file's.
      if (this.stopping) return null;
      throw err;
    } finally {
      this.wake = null;
    }
  }
}
