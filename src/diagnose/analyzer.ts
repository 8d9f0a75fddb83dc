// Runs the lines of one source through context tracking and rules, and hands diagnoses to the sinks.

import type { Diagnosis, JobContext, LogLine } from '../model.js';
import { isBuildHeader, showsJob, trackLine } from '../context/tracker.js';
import type { RuleSet } from '../rules/rule-set.js';
import { JobRun } from './job.js';
import type { Baseline } from './job-causes.js';
import { JobSegmenter } from './segmenter.js';

/** A job as it ended: its context and its final diagnoses (what the store commits in one transaction). */
export interface JobSummary {
  source: string;
  ctx: JobContext;
  diagnoses: Diagnosis[];
  /**
   * Of a successful build: the templates of its error-like lines (by hash, with a sample line), which make the
   * same lines noise in a later failure of the same job.
   */
  green?: Map<string, { template: string; text: string }>;
}

/** Where diagnoses go: stdout printers, the SQLite store. */
export interface Sink {
  /** A diagnosis whose evidence is complete (live: as soon as it is; batch: when its job ends). */
  diagnosis?(d: Diagnosis, ctx: JobContext): void;
  /** A job ended with these final diagnoses (counts complete). */
  jobEnd?(job: JobSummary): void;
  /**
   * Between two chunks of input (the line loop is not running): a sink that hands work to something slower (the
   * store's write queue) may make the reading wait here. Undefined when there is nothing to wait for.
   */
  between?(): Promise<unknown> | undefined;
}

/** What the sinks ask the reading to wait for between chunks, if anything (see Sink.between). */
export function betweenOf(sinks: readonly Sink[]): Promise<unknown> | undefined {
  let wait: Promise<unknown> | undefined;
  for (const sink of sinks) {
    const w = sink.between?.();
    if (w) wait = wait ? Promise.all([wait, w]) : w;
  }
  return wait;
}

export interface AnalyzerOptions {
  /**
   * Live input (a pipe, a followed file): a diagnosis is released as soon as its job is known to have
   * failed, or at once when the input shows no build at all. Otherwise diagnoses wait for the job's end,
   * so their counts are final and a successful job's harmless error lines are not reported as errors.
   */
  live?: boolean;
  /**
   * Adds what the user supplied (agents inventory, Bamboo Specs) to a job's context before its diagnoses
   * are made; evidence from the log is already in the context and should win.
   */
  enrich?: (ctx: JobContext) => void;
  /** Template hashes of the lines of successful builds of a job, from the database: noise, not causes. */
  baseline?: Baseline;
}

/** Lines a failed task's output ends with, looked back at when none of them was error-like. */
const LOOK_BACK = 5;

export class SourceAnalyzer {
  private job: JobRun;
  private readonly segmenter = new JobSegmenter();
  /** The lines before the one being read, from the reader (a `.log`); absent for other inputs. */
  private lookBack: ((count: number) => LogLine[]) | null = null;
  /** Candidate lines read since the job being read began. */
  private linesInJob = 0;

  constructor(
    readonly source: string,
    private readonly ruleSet: RuleSet,
    private readonly sinks: Sink[],
    private readonly options: AnalyzerOptions = {},
  ) {
    this.job = this.newJob();
  }

  /** Between chunks: what the sinks ask the reading to wait for, if anything (see Sink.between). */
  between(): Promise<unknown> | undefined {
    return betweenOf(this.sinks);
  }

  /** Lets a failed task with no error-like line take its last lines as cause lines (see JobCauses.fallback). */
  useLookBack(lookBack: (count: number) => LogLine[]): void {
    this.lookBack = lookBack;
  }

  /** The context of the job being read now. */
  get context(): JobContext {
    return this.job.ctx;
  }

  line(line: LogLine): void {
    this.linesInJob++;
    const hits = this.ruleSet.match(line.text, line.parts);
    let event = null;
    const lifecycle = hits.context || line.key !== undefined || line.agent !== undefined;
    if (lifecycle && this.segmenter.startsJob(this.job, line)) this.endJob();
    // Before the tracker reads the line: the task it belongs to is the one running until then.
    this.job.noteCause(line, hits);
    const slot = this.job.causes.slot();
    if (lifecycle) {
      if (isBuildHeader(line.text)) this.job.hasHeader = true;
      event = trackLine(this.job.ctx, line, hits.contextKeywords);
      this.job.ctx.started ??= line.time;
      if (this.lookBack && slot >= 0 && /^(?:Failing task since|Finished task '.*' with result: Fail)/.test(line.text)) {
        this.job.causes.fallback(this.lookBack(LOOK_BACK), slot);
      }
      this.job.causes.afterContext(line, slot);
    }
    if (hits.steps.length) {
      this.job.ctx.started ??= line.time;
      const fresh = this.job.onHits(line, hits);
      if (this.options.live && fresh.length && this.releasable()) this.releasePending();
    }
    if (event === 'failed' && this.options.live) this.releasePending();
    if (this.segmenter.endsJob(event)) this.endJob();
  }

  /**
   * Starts a job that the input delimits itself (a job result in a REST export), with what the input
   * already says about it (build key, state); the job being read before ends here.
   */
  startJob(seed: (ctx: JobContext) => void): void {
    this.endJob();
    this.segmenter.inputJob();
    seed(this.job.ctx);
  }

  /**
   * True when the given build header, read next, would begin a job with nothing carried over from the lines read
   * before it: a log split there reads the same in parts (src/pool/split.ts).
   */
  splitsBefore(header: LogLine): boolean {
    return this.linesInJob === 0 || this.segmenter.startsJob(this.job, header);
  }

  /** Ends the input: the job being read ends with it. */
  end(): void {
    this.endJob();
  }

  private releasable(): boolean {
    return this.job.ctx.state === 'failed' || this.job.ctx.build === null;
  }

  private releasePending(): void {
    for (const draft of this.job.drafts.values()) {
      if (draft.emitted) continue;
      draft.emitted = true;
      this.options.enrich?.(this.job.ctx);
      const d = this.job.diagnosis(draft);
      for (const sink of this.sinks) sink.diagnosis?.(d, this.job.ctx);
    }
  }

  private endJob(): void {
    const job = this.job;
    this.job = this.newJob();
    this.linesInJob = 0;
    if (job.drafts.size === 0 && !showsJob(job.ctx) && !(job.ctx.state === 'failed' && job.ctx.finished)) return;
    this.options.enrich?.(job.ctx);
    const diagnoses: Diagnosis[] = [];
    for (const draft of job.drafts.values()) {
      const d = job.diagnosis(draft);
      diagnoses.push(d);
      if (draft.emitted) continue;
      draft.emitted = true;
      for (const sink of this.sinks) sink.diagnosis?.(d, job.ctx);
    }
    const unexplained = job.unexplained(diagnoses);
    if (unexplained) {
      diagnoses.push(unexplained);
      for (const sink of this.sinks) sink.diagnosis?.(unexplained, job.ctx);
    }
    const green = job.ctx.state === 'successful' ? job.causes.window.seen : undefined;
    for (const sink of this.sinks) sink.jobEnd?.({ source: this.source, ctx: job.ctx, diagnoses, green });
  }

  private newJob(): JobRun {
    return new JobRun(this.source, this.ruleSet, this.options.baseline);
  }
}
