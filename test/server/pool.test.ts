// The concurrency limit: never more than n tasks at once, and a finishing task hands its slot straight on.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { limit } from '../../src/server/pool.js';

describe('limit', () => {
  it('runs at most n tasks at a time, in order, each exactly once', async () => {
    const run = limit(2);
    let active = 0;
    let most = 0;
    const order: number[] = [];
    const task = (i: number) => async () => {
      active++;
      most = Math.max(most, active);
      order.push(i);
      await sleep(i % 3 === 0 ? 15 : 5);
      active--;
      return i;
    };
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => run(task(i))));
    // A task started while a slot was being handed over must not make three.
    const late = await Promise.all([run(task(12)), run(task(13)), run(task(14))]);
    expect(results).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(late).toEqual([12, 13, 14]);
    expect(most).toBe(2);
    expect(order).toEqual(Array.from({ length: 15 }, (_, i) => i));
  });

  it('frees the slot of a task that fails', async () => {
    const run = limit(1);
    await expect(run(async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await run(async () => 'next')).toBe('next');
  });
});
