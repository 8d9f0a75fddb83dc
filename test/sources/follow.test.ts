// followFile against real files: each step waits for its event with a generous deadline (never a fixed sleep
// or a wall-clock bound, which fail on a busy machine); latency is the benchmark's to measure.
import { appendFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { followFile, type FollowEvent } from '../../src/sources/follow.js';
import { tempDir } from '../helpers/cli.js';

const POLL = 50;

/** Follows a file in the background; returns each generation's name and text once stopped. */
function follow(path: string, signal: AbortSignal) {
  const events: FollowEvent[] = [];
  const texts: { name: string; number: number; text: string }[] = [];
  const done = (async () => {
    for await (const g of followFile(path, { signal, pollMs: POLL, onEvent: (e) => void events.push(e) })) {
      const entry = { name: g.name, number: g.number, text: '' };
      texts.push(entry);
      for await (const chunk of g.chunks) entry.text += chunk.toString('utf8');
    }
  })();
  return { events, texts, done };
}

/** Generous: a busy machine may take seconds for what takes a few polls alone. */
const DEADLINE = 20_000;

/** Waits until the condition holds, failing the test once the deadline has passed. */
async function until(what: string, condition: () => boolean, ms = DEADLINE): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('followFile', () => {
  it('reads a file from its start and then what is appended, a line split across writes included', async () => {
    const file = join(tempDir(), 'build.log');
    writeFileSync(file, 'simple\tone\nbuild\ttw');
    const stop = new AbortController();
    const f = follow(file, stop.signal);
    await until('the first bytes', () => f.texts[0]?.text === 'simple\tone\nbuild\ttw');
    appendFileSync(file, 'o\nerror\tthree\n');
    await until('the appended bytes', () => f.texts[0].text.endsWith('three\n'));
    stop.abort();
    await f.done;
    expect(f.texts).toEqual([{ name: file, number: 1, text: 'simple\tone\nbuild\ttwo\nerror\tthree\n' }]);
  });

  it('waits for a file that appears later', async () => {
    const file = join(tempDir(), 'later.log');
    const stop = new AbortController();
    const f = follow(file, stop.signal);
    await until('the wait to be told', () => f.events.length > 0);
    expect(f.events.map((e) => e.kind)).toEqual(['waiting']);
    writeFileSync(file, 'hello\n');
    await until('the new file', () => f.texts[0]?.text === 'hello\n');
    stop.abort();
    await f.done;
    expect(f.events.map((e) => e.kind)).toEqual(['waiting', 'following']);
  });

  it('starts a new generation after a rename rotation, keeping what was written to the old file last', async () => {
    const file = join(tempDir(), 'agent.log');
    writeFileSync(file, 'a1\n');
    const stop = new AbortController();
    const f = follow(file, stop.signal);
    await until('the first line', () => f.texts[0]?.text === 'a1\n');
    renameSync(file, `${file}.1`);
    // The writer still holds the old file for a moment, as a logger does while it rolls over.
    appendFileSync(`${file}.1`, 'a2\n');
    await until('the last write to the old file', () => f.texts[0].text === 'a1\na2\n');
    writeFileSync(file, 'b1\n');
    await until('the new file', () => f.texts[1]?.text === 'b1\n');
    appendFileSync(file, 'b2\n');
    await until('the append to the new file', () => f.texts[1].text === 'b1\nb2\n');
    stop.abort();
    await f.done;
    expect(f.texts).toEqual([
      { name: file, number: 1, text: 'a1\na2\n' },
      { name: `${file} (2)`, number: 2, text: 'b1\nb2\n' },
    ]);
    expect(f.events).toContainEqual({ kind: 'rotated', path: file, generation: 2 });
  });

  it('starts a new generation after a truncation', async () => {
    const file = join(tempDir(), 'build.log');
    writeFileSync(file, 'first line\nsecond line\n');
    const stop = new AbortController();
    const f = follow(file, stop.signal);
    await until('the old content', () => f.texts[0]?.text.length === 23);
    truncateSync(file, 0);
    await until('the truncation', () => f.events.some((e) => e.kind === 'truncated'));
    appendFileSync(file, 'again\n');
    await until('the new content', () => f.texts[1]?.text === 'again\n');
    stop.abort();
    await f.done;
    expect(f.texts.map((t) => t.name)).toEqual([file, `${file} (2)`]);
  });

  it('stops when told, also while waiting for a file that is gone', async () => {
    const file = join(tempDir(), 'gone.log');
    writeFileSync(file, 'x\n');
    const stop = new AbortController();
    const f = follow(file, stop.signal);
    await until('the content', () => f.texts[0]?.text === 'x\n');
    renameSync(file, `${file}.old`);
    await until('the tail to miss the file', () => f.events.some((e) => e.kind === 'waiting'));
    stop.abort();
    let stopped = false;
    void f.done.then(() => (stopped = true));
    await until('the follower to stop', () => stopped);
    expect(f.texts).toEqual([{ name: file, number: 1, text: 'x\n' }]);
  });

  it('refuses a folder, naming it', async () => {
    const dir = tempDir();
    const f = follow(dir, new AbortController().signal);
    await expect(f.done).rejects.toThrow(`${dir}: is a folder; --follow follows files`);
  });
});
