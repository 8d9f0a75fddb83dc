// The hand-off between reading and the sinks: an analyzer's finished jobs, carried (across threads) to the
// main thread, which runs its steps on each and feeds the printers and the store in input order.

import type { Diagnosis } from '../model.js';
import type { JobSummary, Sink } from '../diagnose/analyzer.js';
import { InputError } from '../errors.js';

/**
 * A job as its analyzer ended it: plain data (it crosses from a worker thread by structured clone, which keeps
 * `emitted` pointing at the same objects as `summary.diagnoses`).
 */
export interface FinishedJob {
  summary: JobSummary;
  /** The diagnoses the analyzer gave `Sink.diagnosis`, in order: in batch reading, all of `summary.diagnoses`. */
  emitted: Diagnosis[];
}

/**
 * A step run on each finished job in the main thread, in input order, after reading and before the sinks: what
 * needs the database or the whole run (ranking a job's cause lines against stored green builds) goes here, as
 * worker threads cannot reach the database. It may change the job's diagnoses.
 */
export type JobStep = (job: FinishedJob) => void;

/** The analyzer's sink that turns its calls into finished jobs, each handed on at its end. */
export class JobCollector implements Sink {
  private emitted: Diagnosis[] = [];

  constructor(
    private readonly onJob: (job: FinishedJob) => void,
    /** The sinks the jobs are handed to may hold the reading back between chunks (the store's write queue). */
    readonly between?: () => Promise<unknown> | undefined,
  ) {}

  diagnosis(d: Diagnosis): void {
    this.emitted.push(d);
  }

  jobEnd(summary: JobSummary): void {
    const job = { summary, emitted: this.emitted };
    this.emitted = [];
    this.onJob(job);
  }
}

/** Runs the steps on a finished job, then gives it to the sinks exactly as its analyzer would have. */
export function deliver(job: FinishedJob, sinks: readonly Sink[], steps: readonly JobStep[] = []): void {
  for (const step of steps) step(job);
  const { summary } = job;
  for (const d of job.emitted) for (const sink of sinks) sink.diagnosis?.(d, summary.ctx);
  for (const sink of sinks) sink.jobEnd?.(summary);
}

/**
 * A part of a file read on its own counts its lines from the part's start: its jobs' line numbers move by the
 * lines before it. Every line number a finished job carries is moved here.
 */
export function shiftLines(job: FinishedJob, offset: number): void {
  if (offset === 0) return;
  // Once each: the same line object may be the cause of two diagnoses.
  const lined = new Set<{ line: number }>();
  for (const d of [...job.summary.diagnoses, ...job.emitted]) {
    lined.add(d);
    for (const c of d.cause ?? []) lined.add(c);
    for (const c of d.causePool ?? []) lined.add(c);
  }
  // Line 0 is no line (a diagnosis of the job as a whole: unexplained-failure).
  for (const item of lined) if (item.line > 0) item.line += offset;
}

/** An InputError as plain data (an Error loses its fields crossing threads), its line counted in its part. */
export interface ReadFailure {
  line: number | null;
  /** The message without the source and line InputError puts before it. */
  reason: string;
}

export function readFailure(err: unknown): ReadFailure {
  if (!(err instanceof InputError)) return { line: null, reason: (err as Error).message ?? String(err) };
  const prefix = `${err.source}${err.line !== null ? `:${err.line}` : ''}: `;
  return { line: err.line, reason: err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message };
}

/** The InputError again, its line moved by the lines before its part. */
export function inputError(source: string, failure: ReadFailure, offset = 0): InputError {
  return new InputError(source, failure.line === null ? null : failure.line + offset, failure.reason);
}
