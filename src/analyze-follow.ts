// `--follow` as a library call: files read as they grow (tail -F), diagnoses printed and stored as they arise.

import { resolve } from 'node:path';
import { analyzerFor, collector, emptyResult, readSource, stopOnStoreError, withQueue, type AnalyzeOptions, type AnalyzeResult } from './analyze.js';
import type { Sink } from './diagnose/analyzer.js';
import { InputError, StoreError } from './errors.js';
import { followFile, type FollowEvent } from './sources/follow.js';
import { notFollowable, peek } from './sources/inputs.js';
import { readLogStream } from './sources/log-source.js';

export interface FollowAnalyzeOptions extends Omit<AnalyzeOptions, 'force' | 'stdin' | 'onInput' | 'onBytes'> {
  /** Stops following; jobs still open are ended, printed and stored before the call returns. */
  signal: AbortSignal;
  pollMs?: number;
  onFollow?: (event: FollowEvent) => void;
}

/**
 * `--follow`: reads files as they grow (tail -F), live: diagnoses are printed and stored as they arise. Each
 * generation of a file (before and after a rotation or truncation) is a source of its own. Runs until stopped.
 */
export async function analyzeFollow(given: FollowAnalyzeOptions): Promise<AnalyzeResult> {
  const result = emptyResult();
  const collect = collector(result, given.keepDiagnoses !== false);
  // Live: the queue is written at every chunk boundary, so a diagnosis is stored about as soon as it is printed.
  const options = withQueue(given);
  // Stopped by the caller's signal, or here when the database fails (then nothing more could be stored).
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal.addEventListener('abort', onAbort, { once: true });
  // A file that could not be read while followed (it became a folder, lost its permission) fails the run: exit 2.
  const onEvent = (e: FollowEvent) => {
    if (e.kind === 'problem' && e.unreadable && !result.failed.some((f) => f.message === `${e.path}: ${e.message}`)) {
      result.failed.push(new InputError(e.path, null, e.message));
    }
    options.onFollow?.(e);
  };
  const followOne = async (path: string) => {
    for await (const generation of followFile(path, { signal: stop.signal, pollMs: options.pollMs, onEvent, cwd: options.cwd })) {
      const { head, stream } = await peek(generation.chunks);
      const refused = notFollowable(head);
      if (refused) {
        // Told at once (the other files go on being followed), and the file is followed no more.
        options.onFollow?.({ kind: 'problem', path, message: `no longer followed: ${refused}` });
        throw new InputError(generation.name, null, refused);
      }
      result.inputs++;
      // No fingerprint: a followed file grows, so its content is not the same from one look to the next.
      const info = { path: resolve(options.cwd ?? '.', path), kind: 'follow', size: null, mtimeMs: null, fingerprint: null };
      // readLogStream ends the jobs read before a failure (the file may have gone unreadable): they are stored.
      const read = (sinks: Sink[]) => readLogStream(stream, options.ruleSet.automaton, analyzerFor(options, generation.name, true, sinks), { maxLineBytes: options.maxLineBytes });
      const outcome = await readSource(options, generation.name, info, true, collect, read);
      if (outcome.error) result.failed.push(outcome.error);
    }
  };
  const failed = (path: string) => (err: unknown) => {
    if (err instanceof StoreError) {
      result.storeError ??= err;
      stop.abort();
    } else result.failed.push(err instanceof InputError ? err : new InputError(path, null, String(err)));
  };
  try {
    await stopOnStoreError(result, () => Promise.all(options.paths.map((path) => followOne(path).catch(failed(path)))).then(() => {}), options.queue);
  } finally {
    options.signal.removeEventListener('abort', onAbort);
  }
  return result;
}
