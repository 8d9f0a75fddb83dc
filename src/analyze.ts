// The main job as a library call: read inputs, diagnose, print and store. The CLI only turns words into options.

import type { Readable } from 'node:stream';
import type { Diagnosis, JobContext, Severity } from './model.js';
import { SourceAnalyzer, betweenOf, type Sink } from './diagnose/analyzer.js';
import type { RuleSet } from './rules/rule-set.js';
import { expandEach, openStream, type Input } from './sources/inputs.js';
import { readInput, readOpened } from './sources/read-input.js';
import { readAhead, type ReadAhead } from './pool/ahead.js';
import { JobCollector, deliver, type JobStep } from './pool/hand-off.js';
import type { StorePort } from './store/port.js';
import type { SourceInfo } from './store/store.js';
import { StoreSink } from './store/store-sink.js';
import { WriteQueue } from './store/write-queue.js';
import { InputError, StoreError, WorkerError } from './errors.js';
import type { Baseline } from './diagnose/job-causes.js';
import { baselineStep } from './diagnose/baseline-step.js';
import { RunSources } from './stored-sources.js';

export interface AnalyzeOptions {
  paths: string[];
  ruleSet: RuleSet;
  /** Null with `--no-db`. */
  store: StorePort | null;
  /** Printers and other consumers of diagnoses. */
  sinks: Sink[];
  /** Read even sources the database already holds unchanged. */
  force?: boolean;
  stdin?: Readable;
  /**
   * Stops a run that reads stdin (a pipe from `tail -F`): stdin is read no more, its open jobs are ended, printed
   * and stored, and the inputs after it are not read; `result.stopped` says so.
   */
  signal?: AbortSignal;
  /** The folder relative paths are taken from (names stay as given); the process's own when absent. */
  cwd?: string;
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
  /** The green baseline of each job (see AnalyzerOptions.baseline); by default the store's. */
  baseline?: Baseline;
  /** Readers of files (default 1: this thread): N - 1 worker threads and this one (see src/pool/ahead.ts). */
  jobs?: number;
  /** The `--agents` files and `--specs` paths `enrich` was made from: workers make their own (else one thread reads). */
  context?: { agents?: string[]; specs?: string[] };
  /** Run in this thread on each finished job of a batch input, in input order, before the sinks (see JobStep). */
  jobSteps?: JobStep[];
}

export type InputEvent =
  | { kind: 'start'; inputs: Input[] }
  | { kind: 'done'; input: Input; lines: number }
  | { kind: 'skipped'; input: Input; reason: string }
  | { kind: 'failed'; input: Input; error: InputError }
  /** What an input lacked though it was read (a REST export without log entries); before its 'done'. */
  | { kind: 'notice'; input: Input; message: string };

export interface AnalyzeResult {
  /** True when `signal` stopped the run. */
  stopped?: boolean;
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

export function emptyResult(): AnalyzeResult {
  return { inputs: 0, skipped: 0, failed: [], builds: 0, diagnoses: [], severities: { error: 0, warning: 0, info: 0 } };
}

/**
 * The sinks that fill the result, one a source: counts, and the diagnoses themselves when they are kept. A job's
 * diagnoses count once it has ended and been stored (the store's sink comes first): when the database fails, the
 * summary counts only what it holds.
 */
export type Collector = () => Sink;

export function collector(result: AnalyzeResult, keep: boolean): Collector {
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

export async function analyze(given: AnalyzeOptions): Promise<AnalyzeResult> {
  const result = emptyResult();
  const collect = collector(result, given.keepDiagnoses !== false);
  const options = withQueue(given);
  const inputs = expandEach(options.paths, result.failed, options.cwd);
  options.onInput?.({ kind: 'start', inputs });
  const sources = new RunSources(options.store, options.force);
  let ahead = null as ReadAhead | null;
  try {
    await stopOnStoreError(result, async () => {
      await sources.begin(inputs, options.jobs ?? 1);
      // Inputs the database holds unchanged are skipped: not read ahead either.
      ahead = readAhead(inputs, (input) => !sources.storedAhead(input), options);
      for (const input of inputs) {
        if (options.signal?.aborted) break;
        await analyzeInput(input, options, result, collect, ahead, sources);
      }
    }, options.queue);
  } finally {
    await ahead?.close();
  }
  if (options.signal?.aborted) result.stopped = true;
  return result;
}

/**
 * The run's write queue (finished jobs of every source are written between chunks, many to a transaction) and,
 * with a green baseline, the job step that ranks batch jobs' cause lines against it in this thread: a worker
 * cannot ask the database, so batch reading ranks without it and every thread reads alike.
 */
export function withQueue<T extends SourceOptions>(options: T): T & { queue: WriteQueue | null } {
  const baseline = baselineOf(options);
  const jobSteps = baseline ? [...(options.jobSteps ?? []), baselineStep(baseline)] : options.jobSteps;
  return { ...options, jobSteps, queue: options.store ? new WriteQueue(options.store) : null };
}

/**
 * Runs the reading, then writes what is still queued. The database failed: nothing more can be stored, so the run
 * stops there and says so; what was committed before stays, and only that is counted.
 */
export async function stopOnStoreError(result: AnalyzeResult, run: () => Promise<void>, queue: WriteQueue | null | undefined): Promise<void> {
  try {
    await run();
    await queue?.flush();
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    result.storeError ??= err;
  }
}

async function analyzeInput(input: Input, options: AnalyzeOptions, result: AnalyzeResult, collect: Collector, ahead: ReadAhead | null, sources: RunSources): Promise<void> {
  result.inputs++;
  const info = sources.info(input);
  const stored = await sources.skipReason(input);
  if (stored) {
    ahead?.drop(input);
    result.skipped++;
    options.onInput?.({ kind: 'skipped', input, reason: stored });
    return;
  }
  if (sources.wasInterrupted(input)) {
    options.onInput?.({ kind: 'notice', input, message: 'an earlier run was stopped while reading it (interrupted): reading it again' });
  }
  const notice = (message: string) => options.onInput?.({ kind: 'notice', input, message });
  const live = input.path === null;
  const { stdin, onBytes, signal, maxLineBytes } = options;
  const reading = { automaton: options.ruleSet.automaton, maxLineBytes, stdin, onBytes, signal, notice };
  const read = ahead?.take(input, notice) ?? ((sinks: Sink[]) => readInput(input, analyzerFor(options, input.name, live, sinks), reading));
  const outcome = await readSource(options, input.name, info, live, collect, read);
  if (outcome.error) {
    result.failed.push(outcome.error);
    options.onInput?.({ kind: 'failed', input, error: outcome.error });
  } else {
    options.onInput?.({ kind: 'done', input, lines: outcome.lines });
  }
}

/** What reading one source needs, whatever it comes from. */
type SourceOptions = Pick<AnalyzeOptions, 'ruleSet' | 'store' | 'sinks' | 'maxLineBytes' | 'enrich' | 'baseline' | 'jobSteps'> & { queue?: WriteQueue | null };

/**
 * Reads one source into the sinks and the store: its `sources` row ends 'done', or 'partial' with the error when
 * the reading broke (what was read before it is stored). A StoreError passes: the database cannot take more.
 */
export async function readSource(
  options: SourceOptions,
  name: string,
  info: SourceInfo,
  live: boolean,
  collect: Collector,
  read: (sinks: Sink[]) => Promise<number>,
): Promise<{ lines: number; error?: undefined } | { error: InputError }> {
  const sourceId = options.store ? await options.store.beginSource(info) : null;
  // The source's end is written after its jobs, in their transaction: 'done' never stands without them.
  const finish = (lines: number, status: 'done' | 'partial', error: string | null) => {
    if (sourceId !== null) options.queue?.push({ kind: 'finish', sourceId, lines, status, error });
  };
  try {
    const lines = await read(sourceSinks(options, name, sourceId, live, collect));
    finish(lines, 'done', null);
    // Each source's jobs start to be written as it ends (while the next is read): a failure later keeps them. To a
    // server, many sources' jobs go in one transaction once the queue is full (a folder of small job logs paid a
    // commit and its round trips per log); a run stopped before that leaves them 'reading', read again next time.
    await options.queue?.between(!options.store?.remote);
    return { lines };
  } catch (err) {
    if (err instanceof StoreError || err instanceof WorkerError) throw err;
    const error = err instanceof InputError ? err : new InputError(name, null, (err as Error).message);
    finish(error.line ?? 0, 'partial', error.message);
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
export async function analyzeStream(given: StreamAnalyzeOptions): Promise<AnalyzeResult> {
  const result = emptyResult();
  result.inputs = 1;
  const collect = collector(result, given.keepDiagnoses !== false);
  const options = withQueue(given);
  // A stream cannot be read ahead for a fingerprint: its build keys are what keeps it stored once.
  const info = { path: options.name, kind: options.kind, size: null, mtimeMs: null, fingerprint: null };
  const reading = { automaton: options.ruleSet.automaton, maxLineBytes: options.maxLineBytes, notice: options.notice };
  await stopOnStoreError(result, async () => {
    const outcome = await readSource(options, options.name, info, false, collect, async (sinks) =>
      readOpened(await openStream(options.name, options.stream, undefined, () => void release(options.stream)), analyzerFor(options, options.name, false, sinks), reading),
    );
    if (outcome.error) result.failed.push(outcome.error);
  }, options.queue);
  if (result.storeError) throw result.storeError;
  return result;
}

/** Where one source's diagnoses go: the given sinks and, live or per job, the store. */
function sourceSinks(options: SourceOptions, name: string, sourceId: number | null, live: boolean, collect: Collector): Sink[] {
  // Jobs with no build key are stored under `<source>#n`: two separate runs on stdin must not share `-#1`.
  const storedAs = name === '-' ? `-@${new Date().toISOString()}` : name;
  // With a store, a diagnosis is counted once the database holds it (when it fails, the summary counts only that).
  return options.queue ? [new StoreSink(options.queue, sourceId, storedAs, live, collect()), ...options.sinks] : [...options.sinks, collect()];
}

/** The green baseline jobs are read against: given, or the store's (a database lookup: this thread only). */
export function baselineOf(options: Pick<AnalyzeOptions, 'store' | 'baseline'>): Baseline | undefined {
  const store = options.store;
  return options.baseline ?? (store ? (plan: string, job: string) => store.greenHashes(plan, job) : undefined);
}

/**
 * The analyzer of one source read in this thread. A batch source's jobs go through the same hand-off as a worker's
 * (the steps, then the sinks); live diagnoses go to the sinks as they arise.
 */
export function analyzerFor(options: SourceOptions, name: string, live: boolean, sinks: Sink[]): SourceAnalyzer {
  const out = live ? sinks : [new JobCollector((job) => deliver(job, sinks, options.jobSteps), () => betweenOf(sinks))];
  // Live diagnoses are released before their job ends, ranked at once; batch jobs get the baseline as a job step.
  return new SourceAnalyzer(name, options.ruleSet, out, { live, enrich: options.enrich, baseline: live ? baselineOf(options) : undefined });
}
