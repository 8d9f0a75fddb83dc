// The main job as a library call: read inputs, diagnose, print and store. The CLI only turns words into options.

import type { Readable } from 'node:stream';
import { resolve } from 'node:path';
import type { Diagnosis, JobContext, Severity } from './model.js';
import { SourceAnalyzer, type Sink } from './diagnose/analyzer.js';
import type { RuleSet } from './rules/rule-set.js';
import { expandInputs, notFollowable, openInput, peek, type Input } from './sources/inputs.js';
import { readLogStream } from './sources/log-source.js';
import { readJsonStream } from './sources/json-source.js';
import type { Store } from './store/store.js';
import { StoreSink } from './store/store-sink.js';
import { followFile, type FollowEvent, type Generation } from './sources/follow.js';
import { InputError, StoreError } from './errors.js';

export interface AnalyzeOptions {
  paths: string[];
  ruleSet: RuleSet;
  /** Null with `--no-db`. */
  store: Store | null;
  /** Printers and other consumers of diagnoses. */
  sinks: Sink[];
  /** Read even sources the database already holds unchanged. */
  force?: boolean;
  stdin?: Readable;
  maxLineBytes?: number;
  /** Told about each input as it is done (progress), skipped or failed. */
  onInput?: (event: InputEvent) => void;
  /** Told how many bytes were read from an input (before gunzip), as they are read (progress). */
  onBytes?: (bytes: number) => void;
  /** Adds what the user supplied (`--agents`, `--specs`) to each job's context; see AnalyzerOptions.enrich. */
  enrich?: (ctx: JobContext) => void;
  /**
   * False: `result.diagnoses` stays empty and only `result.severities` counts them, so memory stays flat over
   * a year of builds or a --follow that runs for weeks (each diagnosis holds ~2 KB of fix and evidence).
   */
  keepDiagnoses?: boolean;
}

export type InputEvent =
  | { kind: 'start'; inputs: Input[] }
  | { kind: 'done'; input: Input; lines: number }
  | { kind: 'skipped'; input: Input; reason: string }
  | { kind: 'failed'; input: Input; error: InputError }
  /** What an input lacked though it was read (a REST export without log entries); before its 'done'. */
  | { kind: 'notice'; input: Input; message: string };

export interface AnalyzeResult {
  /** Set when the database failed: the run stopped there; what was committed before stays. */
  storeError?: StoreError;
  inputs: number;
  skipped: number;
  failed: InputError[];
  builds: number;
  /** Every diagnosis, unless `keepDiagnoses` is false. */
  diagnoses: Diagnosis[];
  /** How many diagnoses of each severity were made. */
  severities: Record<Severity, number>;
}

function emptyResult(): AnalyzeResult {
  return { inputs: 0, skipped: 0, failed: [], builds: 0, diagnoses: [], severities: { error: 0, warning: 0, info: 0 } };
}

/**
 * The sink that fills the result for one source: counts, and the diagnoses themselves when they are kept. A job's
 * diagnoses count once it has ended and been stored (the store's sink comes first): when the database fails, the
 * summary counts only what it holds.
 */
function collector(result: AnalyzeResult, keep: boolean): () => Sink {
  return () => {
    const pending: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
    return {
      diagnosis: (d) => {
        pending[d.severity]++;
        if (keep) result.diagnoses.push(d);
      },
      jobEnd: () => {
        result.builds++;
        for (const s of SEVERITIES) {
          result.severities[s] += pending[s];
          pending[s] = 0;
        }
      },
    };
  };
}

const SEVERITIES: Severity[] = ['error', 'warning', 'info'];

export async function analyze(options: AnalyzeOptions): Promise<AnalyzeResult> {
  const result = emptyResult();
  const collect = collector(result, options.keepDiagnoses !== false);
  const inputs = expandEach(options.paths, result);
  options.onInput?.({ kind: 'start', inputs });
  for (const input of inputs) {
    try {
      await analyzeInput(input, options, result, collect);
    } catch (err) {
      // The database failed: nothing more can be stored, so the batch stops; committed jobs stay.
      if (!(err instanceof StoreError)) throw err;
      result.storeError = err;
      break;
    }
  }
  return result;
}

async function analyzeInput(input: Input, options: AnalyzeOptions, result: AnalyzeResult, collect: () => Sink): Promise<void> {
  result.inputs++;
  const info = sourceInfo(input);
  const store = options.store;
  if (store && !options.force && info.size !== null && store.findSource(info)) {
    result.skipped++;
    options.onInput?.({ kind: 'skipped', input, reason: 'already analysed, unchanged since (use --force to read it again)' });
    return;
  }
  if (store && input.path !== null && store.takeInterrupted(info.path) > 0) {
    options.onInput?.({ kind: 'notice', input, message: 'an earlier run was stopped while reading it (interrupted): reading it again' });
  }
  const sourceId = store?.beginSource(info) ?? null;
  const analyzer = sourceAnalyzer(options, input.name, sourceId, input.path === null, collect);
  try {
    const lines = await readInput(input, options, analyzer);
    if (sourceId !== null) store!.finishSource(sourceId, lines, 'done');
    options.onInput?.({ kind: 'done', input, lines });
  } catch (err) {
    if (err instanceof StoreError) throw err;
    const error = err instanceof InputError ? err : new InputError(input.name, null, (err as Error).message);
    if (sourceId !== null) store!.finishSource(sourceId, error.line ?? 0, 'partial', error.message);
    result.failed.push(error);
    options.onInput?.({ kind: 'failed', input, error });
  }
}

/** Expands each path on its own, so a missing one is reported while the others are still read. */
function expandEach(paths: string[], result: AnalyzeResult): Input[] {
  return paths.flatMap((path) => {
    try {
      return expandInputs([path], (unreadable) => void result.failed.push(unreadable));
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      result.failed.push(err);
      return [];
    }
  });
}

async function readInput(input: Input, options: AnalyzeOptions, analyzer: SourceAnalyzer): Promise<number> {
  const opened = await openInput(input, options.stdin, options.onBytes);
  const read = opened.kind === 'json' ? readJsonStream : readLogStream;
  const notice = (message: string) => options.onInput?.({ kind: 'notice', input, message });
  return read(opened.stream, options.ruleSet.automaton, analyzer, { maxLineBytes: options.maxLineBytes, notice });
}

function sourceInfo(input: Input) {
  return {
    path: input.path ?? '-',
    kind: input.path === null ? 'stdin' : 'file',
    size: input.stat?.size ?? null,
    mtimeMs: input.stat ? Math.trunc(input.stat.mtimeMs) : null,
    fingerprint: null,
  };
}

/** The analyzer of one source, its diagnoses going to the given sinks and, live or per job, to the store. */
function sourceAnalyzer(options: AnalyzeOptions, name: string, sourceId: number | null, live: boolean, collect: () => Sink): SourceAnalyzer {
  // Jobs with no build key are stored under `<source>#n`: two separate runs on stdin must not share `-#1`.
  const storedAs = name === '-' ? `-@${new Date().toISOString()}` : name;
  // The store first: when it fails, the diagnosis is neither printed nor counted as stored.
  const sinks = [...(options.store ? [new StoreSink(options.store, sourceId, storedAs, live)] : []), ...options.sinks, collect()];
  return new SourceAnalyzer(name, options.ruleSet, sinks, { live, enrich: options.enrich });
}

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
export async function analyzeFollow(options: FollowAnalyzeOptions): Promise<AnalyzeResult> {
  const result = emptyResult();
  const collect = collector(result, options.keepDiagnoses !== false);
  // Stopped by the caller's signal, or here when the database fails (then nothing more could be stored).
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal.addEventListener('abort', onAbort, { once: true });
  const followOne = async (path: string) => {
    for await (const generation of followFile(path, { signal: stop.signal, pollMs: options.pollMs, onEvent: options.onFollow })) {
      await followGeneration(path, generation, options, result, collect);
    }
  };
  const failed = (path: string) => (err: unknown) => {
    if (err instanceof StoreError) {
      result.storeError ??= err;
      stop.abort();
    } else result.failed.push(err instanceof InputError ? err : new InputError(path, null, String(err)));
  };
  try {
    await Promise.all(options.paths.map((path) => followOne(path).catch(failed(path))));
  } finally {
    options.signal.removeEventListener('abort', onAbort);
  }
  return result;
}

async function followGeneration(path: string, generation: Generation, options: FollowAnalyzeOptions, result: AnalyzeResult, collect: () => Sink): Promise<void> {
  const { head, stream } = await peek(generation.chunks);
  const refused = notFollowable(head);
  if (refused) {
    // Told at once (the other files go on being followed), and the file is followed no more.
    options.onFollow?.({ kind: 'problem', path, message: `no longer followed: ${refused}` });
    throw new InputError(generation.name, null, refused);
  }
  result.inputs++;
  const info = { path: resolve(path), kind: 'follow', size: null, mtimeMs: null, fingerprint: null };
  const sourceId = options.store?.beginSource(info) ?? null;
  const analyzer = sourceAnalyzer(options, generation.name, sourceId, true, collect);
  try {
    const lines = await readLogStream(stream, options.ruleSet.automaton, analyzer, { maxLineBytes: options.maxLineBytes });
    if (sourceId !== null) options.store!.finishSource(sourceId, lines, 'done');
  } catch (err) {
    if (err instanceof StoreError) throw err;
    // readLogStream has ended the jobs read before the failure; the file may have gone unreadable.
    const error = err as InputError;
    if (sourceId !== null) options.store!.finishSource(sourceId, error.line ?? 0, 'partial', error.message);
    result.failed.push(error);
  }
}
