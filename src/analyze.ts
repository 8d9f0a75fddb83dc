// The main job as a library call: read inputs, diagnose, print and store. The CLI only turns words into options.

import type { Readable } from 'node:stream';
import { resolve } from 'node:path';
import type { Diagnosis, JobContext, Severity } from './model.js';
import { SourceAnalyzer, type Sink } from './diagnose/analyzer.js';
import type { RuleSet } from './rules/rule-set.js';
import { expandInputs, notFollowable, openInput, openStream, peek, type Input, type OpenedInput } from './sources/inputs.js';
import { readLogStream } from './sources/log-source.js';
import { readJsonStream } from './sources/json-source.js';
import { readLogFile } from './sources/text-file.js';
import type { SourceInfo, Store } from './store/store.js';
import { StoreSink } from './store/store-sink.js';
import { followFile, type FollowEvent } from './sources/follow.js';
import { InputError } from './errors.js';

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

/** The sink that fills the result: counts, and the diagnoses themselves when they are kept. */
function collector(result: AnalyzeResult, keep: boolean): Sink {
  return {
    diagnosis: (d) => {
      result.severities[d.severity]++;
      if (keep) result.diagnoses.push(d);
    },
    jobEnd: () => void result.builds++,
  };
}

export async function analyze(options: AnalyzeOptions): Promise<AnalyzeResult> {
  const result = emptyResult();
  const collect = collector(result, options.keepDiagnoses !== false);
  const inputs = expandEach(options.paths, result);
  options.onInput?.({ kind: 'start', inputs });
  for (const input of inputs) {
    result.inputs++;
    const info = sourceInfo(input);
    if (options.store && !options.force && info.size !== null && options.store.findSource(info)) {
      result.skipped++;
      options.onInput?.({ kind: 'skipped', input, reason: 'already analysed, unchanged since (use --force to read it again)' });
      continue;
    }
    const read = (analyzer: SourceAnalyzer) => readInput(input, options, analyzer);
    const outcome = await readSource(options, input.name, info, input.path === null, collect, read);
    if (outcome.error) {
      result.failed.push(outcome.error);
      options.onInput?.({ kind: 'failed', input, error: outcome.error });
    } else {
      options.onInput?.({ kind: 'done', input, lines: outcome.lines });
    }
  }
  return result;
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
  if (input.path !== null) {
    // Plain text is read straight into the line reader; gzip and JSON exports go through a stream.
    const read = { maxLineBytes: options.maxLineBytes, onBytes: options.onBytes };
    const lines = await readLogFile(input.path, options.ruleSet.automaton, analyzer, read);
    if (lines !== null) return lines;
  }
  const opened = await openInput(input, options.stdin, options.onBytes);
  return readOpened(opened, options, analyzer, (message) => options.onInput?.({ kind: 'notice', input, message }));
}

function readOpened(opened: OpenedInput, options: SourceOptions, analyzer: SourceAnalyzer, notice?: (message: string) => void): Promise<number> {
  const read = opened.kind === 'json' ? readJsonStream : readLogStream;
  return read(opened.stream, options.ruleSet.automaton, analyzer, { maxLineBytes: options.maxLineBytes, notice });
}

/** What reading one source needs, whatever it comes from. */
type SourceOptions = Pick<AnalyzeOptions, 'ruleSet' | 'store' | 'sinks' | 'maxLineBytes' | 'enrich'>;

/**
 * Reads one source into the sinks and the store: its `sources` row ends 'done', or 'partial' with the error when
 * the reading broke (what was read before it is stored).
 */
async function readSource(
  options: SourceOptions,
  name: string,
  info: SourceInfo,
  live: boolean,
  collect: Sink,
  read: (analyzer: SourceAnalyzer) => Promise<number>,
): Promise<{ lines: number; error?: undefined } | { error: InputError }> {
  const sourceId = options.store?.beginSource(info) ?? null;
  try {
    const lines = await read(sourceAnalyzer(options, name, sourceId, live, collect));
    if (sourceId !== null) options.store!.finishSource(sourceId, lines, 'done');
    return { lines };
  } catch (err) {
    const error = err instanceof InputError ? err : new InputError(name, null, (err as Error).message);
    if (sourceId !== null) options.store!.finishSource(sourceId, error.line ?? 0, 'partial', error.message);
    return { error };
  }
}

export interface StreamAnalyzeOptions extends SourceOptions, Pick<AnalyzeOptions, 'keepDiagnoses'> {
  /** The name diagnoses carry as their `source` and the `sources` row's path (e.g. the URL it was read from). */
  name: string;
  /** The `sources` row's kind (`file`, `stdin`, `follow` for the others; e.g. `bamboo` for a server's log). */
  kind: string;
  /** The bytes: a `.log` or a REST JSON export, gzip or not, told apart by content as `analyze` does. */
  stream: AsyncIterable<Buffer | string>;
  /** Told what the input lacked though it was read (a REST export without log entries). */
  notice?: (message: string) => void;
}

/** Lets go of a stream that is refused unread (a generator's `finally` closes its connection). */
const release = (stream: AsyncIterable<unknown>) => (stream as Partial<AsyncGenerator>).return?.(undefined)?.catch(() => {});

/**
 * One stream analysed exactly as `analyze` reads a file with the same bytes (same rows, same build keys), under
 * the given source name: for logs that come from elsewhere than a file, without writing them to one first.
 */
export async function analyzeStream(options: StreamAnalyzeOptions): Promise<AnalyzeResult> {
  const result = emptyResult();
  result.inputs = 1;
  const collect = collector(result, options.keepDiagnoses !== false);
  const info = { path: options.name, kind: options.kind, size: null, mtimeMs: null, fingerprint: null };
  const outcome = await readSource(options, options.name, info, false, collect, async (analyzer) =>
    readOpened(await openStream(options.name, options.stream, undefined, () => void release(options.stream)), options, analyzer, options.notice),
  );
  if (outcome.error) result.failed.push(outcome.error);
  return result;
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
function sourceAnalyzer(options: SourceOptions, name: string, sourceId: number | null, live: boolean, collect: Sink): SourceAnalyzer {
  const sinks = [...options.sinks, collect];
  // Jobs with no build key are stored under `<source>#n`: two separate runs on stdin must not share `-#1`.
  const storedAs = name === '-' ? `-@${new Date().toISOString()}` : name;
  if (options.store) sinks.push(new StoreSink(options.store, sourceId, storedAs, live));
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
  const followOne = async (path: string) => {
    for await (const generation of followFile(path, { signal: options.signal, pollMs: options.pollMs, onEvent: options.onFollow })) {
      const { head, stream } = await peek(generation.chunks);
      const refused = notFollowable(head);
      if (refused) {
        // Told at once (the other files go on being followed), and the file is followed no more.
        options.onFollow?.({ kind: 'problem', path, message: `no longer followed: ${refused}` });
        throw new InputError(generation.name, null, refused);
      }
      result.inputs++;
      const info = { path: resolve(path), kind: 'follow', size: null, mtimeMs: null, fingerprint: null };
      // readLogStream ends the jobs read before a failure (the file may have gone unreadable): they are stored.
      const read = (analyzer: SourceAnalyzer) => readLogStream(stream, options.ruleSet.automaton, analyzer, { maxLineBytes: options.maxLineBytes });
      const outcome = await readSource(options, generation.name, info, true, collect, read);
      if (outcome.error) result.failed.push(outcome.error);
    }
  };
  await Promise.all(
    options.paths.map((path) => followOne(path).catch((err) => void result.failed.push(err instanceof InputError ? err : new InputError(path, null, String(err))))),
  );
  return result;
}
