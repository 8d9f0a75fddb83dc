// `ingest`: reads the NDJSON that `analyze --format ndjson` prints (on agents, or forwarded by a log shipper) into
// the database, idempotently; a bad line is named with its line number and skipped.

import { Readable } from 'node:stream';
import split2 from 'split2';
import { InputError } from '../errors.js';
import type { Diagnosis } from '../model.js';
import { expandEach, openInput, type Input } from '../sources/inputs.js';
import { inputInfo } from '../sources/fingerprint.js';
import type { IngestItem, SourceInfo } from '../store/store.js';
import type { StorePort } from '../store/port.js';
import { alreadyStored } from '../stored-sources.js';
import { parseRecord, RecordError } from './record.js';

/** What ingest writes through: a source row per input, and batches of diagnoses. */
export interface IngestStore extends Pick<StorePort, 'findSource'> {
  beginSource(info: SourceInfo): number | Promise<number>;
  finishSource(id: number, lines: number, status: 'done' | 'partial', error?: string | null): void | Promise<void>;
  /** Stores the items; returns how many were kept out (their build is stored from a log read to its end). */
  ingestDiagnoses(sourceId: number, items: IngestItem[]): number | Promise<number>;
}

export interface IngestOptions {
  paths: string[];
  store: IngestStore;
  stdin?: Readable;
  cwd?: string;
  /** Told about each line that is not a diagnosis (named with its input and line); the line is skipped. */
  onBadLine: (error: InputError) => void;
  /** Whether a rule is a catch-all (`generic: true`), from the rules loaded where the history is kept. */
  isGeneric?: (rule: string) => boolean;
  /** Read even files stored before and unchanged since (or a copy of one). */
  force?: boolean;
  /** Told about a file not read again, and why. */
  onSkipped?: (input: Input, reason: string) => void;
}

export interface IngestResult {
  inputs: number;
  /** Diagnoses read and stored, or kept out because their build is stored from a complete log. */
  stored: number;
  kept: number;
  bad: number;
  /** Files stored before and unchanged since (or copies of one): not read again. */
  skipped: number;
  /** Inputs that could not be read to their end (what was read before is stored). */
  failed: InputError[];
}

/** Diagnoses written per transaction: the reading waits while a batch is written (backpressure). */
const BATCH = 500;
/** A diagnosis line is a few KB; one this long is no diagnosis, and holding more would only cost memory. */
const MAX_LINE = 64 << 20;

export async function ingest(options: IngestOptions): Promise<IngestResult> {
  const result: IngestResult = { inputs: 0, stored: 0, kept: 0, bad: 0, skipped: 0, failed: [] };
  for (const input of expandEach(options.paths, result.failed, options.cwd)) {
    result.inputs++;
    const info = inputInfo(input, 'ndjson', true);
    // Idempotent all the same: a spool folder ingested again only costs the reading, which this spares.
    const skip = await alreadyStored(options.store, options.force, info, 'ingested');
    if (skip) {
      result.skipped++;
      options.onSkipped?.(input, skip);
      continue;
    }
    const id = await options.store.beginSource(info);
    try {
      const lines = await ingestInput(input, id, options, result);
      await options.store.finishSource(id, lines, 'done');
    } catch (err) {
      const error = err instanceof InputError ? err : new InputError(input.name, null, (err as Error).message);
      result.failed.push(error);
      await options.store.finishSource(id, error.line ?? 0, 'partial', error.message);
    }
  }
  return result;
}

/** Reads one input line by line (split2) and stores its diagnoses in batches; returns the number of lines. */
async function ingestInput(input: Input, sourceId: number, options: IngestOptions, result: IngestResult): Promise<number> {
  const opened = await openInput(input, options.stdin);
  const lines = Readable.from(opened.stream).pipe(split2({ maxLength: MAX_LINE }));
  const unkeyed = new UnkeyedJobs(input.path === null ? `@${new Date().toISOString()}` : `@${input.name}`);
  let batch: IngestItem[] = [];
  const flush = async () => {
    const kept = await options.store.ingestDiagnoses(sourceId, batch);
    result.stored += batch.length - kept;
    result.kept += kept;
    batch = [];
  };
  let n = 0;
  try {
    for await (const line of lines as AsyncIterable<string>) {
      n++;
      if (line.trim() === '') continue;
      const item = itemOf(line, unkeyed, input.name, n, options, result);
      if (item) batch.push(item);
      if (batch.length >= BATCH) await flush();
    }
  } catch (err) {
    if ((err as Error).message === 'maximum buffer reached') throw new InputError(input.name, n + 1, `a line longer than ${MAX_LINE >> 20} MiB: not a diagnosis; the input is not read past it`);
    throw err;
  } finally {
    // What was read before a failure is stored too.
    if (batch.length) await flush();
  }
  return n;
}

function itemOf(line: string, unkeyed: UnkeyedJobs, name: string, n: number, options: IngestOptions, result: IngestResult): IngestItem | null {
  try {
    const { diagnosis, ctx } = parseRecord(line, options.isGeneric);
    return { ...unkeyed.place(diagnosis), ctx, diagnosis };
  } catch (err) {
    if (!(err instanceof RecordError)) throw err;
    result.bad++;
    options.onBadLine(new InputError(name, n, err.message));
    return null;
  }
}

/**
 * Jobs with no build key (a fragment of a log) are stored under `<source>#<n>`. The NDJSON does not number them,
 * so a job is taken to end where one of its rules fires again (one diagnosis per rule and job). Stdin's `-` is
 * told apart by the input it came in (`-@spool/a.ndjson#1`), so fragments piped on many agents do not merge.
 */
export class UnkeyedJobs {
  private readonly jobs = new Map<string, { n: number; rules: Set<string> }>();

  constructor(private readonly stdinSuffix: string) {}

  place(d: Diagnosis): { sourcePath: string; ordinal: number } {
    const sourcePath = d.source === '-' ? `-${this.stdinSuffix}` : d.source;
    if (d.build) return { sourcePath, ordinal: 0 };
    let job = this.jobs.get(sourcePath);
    if (!job) this.jobs.set(sourcePath, (job = { n: 1, rules: new Set() }));
    if (job.rules.has(d.rule)) job = { n: job.n + 1, rules: new Set() };
    this.jobs.set(sourcePath, job);
    job.rules.add(d.rule);
    return { sourcePath, ordinal: job.n };
  }
}
