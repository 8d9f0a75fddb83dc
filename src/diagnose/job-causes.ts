// A job's cause lines: which lines go to which task's window, which task failed, and the ranked cause of a failure.

import type { CauseCandidate, Diagnosis, JobContext, LogLine } from '../model.js';
import { CauseWindow } from './cause-window.js';
import { rankCauses, type RankedCause } from './cause-rank.js';

/**
 * Template hashes of candidate lines seen in successful builds of a job (PLAN-KEY, JOB-KEY), as the database
 * holds them: the baseline that makes a line noise rather than a cause.
 */
export type Baseline = (plan: string, job: string) => ReadonlySet<string>;

export interface JobCause extends RankedCause {
  pool: CauseCandidate[];
}

export class JobCauses {
  readonly window = new CauseWindow();
  /** The last line read of the job: the failure point of a job that failed outside its tasks. */
  private lastLine = 0;
  private green: ReadonlySet<string> | undefined;
  private greenAsked = false;

  constructor(
    private readonly ctx: JobContext,
    private readonly baseline?: Baseline,
  ) {}

  /** The window a line belongs to: the running task's index, -1 outside tasks. */
  slot(): number {
    return this.ctx.task ? this.ctx.tasks.lastIndexOf(this.ctx.task) : -1;
  }

  /** A line the prefilter let through (before the tracker reads it): a candidate when it looks like an error. */
  note(line: LogLine, marked: boolean, evidence: boolean): void {
    this.lastLine = line.line;
    if (marked || evidence) this.window.note(line, this.slot(), evidence, this.ctx.agent.name);
  }

  /**
   * A task failed (its exit-code or result line) and its window is empty: its output held no error-like line.
   * Its last lines (`before`, nearest last, as far as the reader still holds them) stand in, back to the task's
   * start; Bamboo's own lines are not among them.
   */
  fallback(before: LogLine[], slot: number): void {
    if (slot < 0 || this.window.has(slot)) return;
    const own: LogLine[] = [];
    for (let i = before.length - 1; i >= 0; i--) {
      const line = before[i];
      if (line.type === 'simple' && line.text.startsWith('Starting task ')) break;
      if (line.type !== 'simple' && line.type !== 'command') own.unshift(line);
    }
    for (const line of own) this.window.note(line, slot, false, this.ctx.agent.name, true);
  }

  /** After the tracker read a lifecycle line: a task that failed ends its window there; one that succeeded drops it. */
  afterContext(line: LogLine, slotBefore: number): void {
    if (slotBefore < 0) return;
    if (line.text.startsWith('Failing task since')) this.window.end(slotBefore, line.line);
    const task = this.ctx.tasks[slotBefore];
    if (this.ctx.task === task) return;
    if (task.result === 'success') this.window.drop(slotBefore);
    else if (task.result === 'failed') this.window.end(slotBefore, line.line);
  }

  /**
   * True when the failure of the build lies in this slot: a task that failed (or whose failure line was read),
   * a task of unknown result in a failed build where no task is known to have failed (a REST export, a cut log),
   * or, outside tasks, a failed build none of whose tasks failed (a failure in Bamboo's set-up).
   */
  failed(slot: number): boolean {
    if (this.ctx.state !== 'failed') return false;
    const anyFailed = this.ctx.tasks.some((t) => t.result === 'failed');
    if (slot < 0) return !anyFailed;
    const task = this.ctx.tasks[slot];
    return task.result === 'failed' || (task.result === 'unknown' && !anyFailed);
  }

  /** The slot where the build failed: its first failed task, else -1. */
  failedSlot(): number {
    const i = this.ctx.tasks.findIndex((t) => t.result === 'failed');
    return i;
  }

  /** The ranked cause of a failed slot; null when the slot did not fail. Outside tasks, every window is a source. */
  causeOf(slot: number): JobCause | null {
    if (!this.failed(slot)) return null;
    const pool = this.window.pool(slot < 0 && !this.window.has(slot) ? null : slot, this.lastLine);
    return { ...rankCauses(pool, this.greenSet()), pool };
  }

  private greenSet(): ReadonlySet<string> | undefined {
    if (!this.greenAsked && this.baseline && this.ctx.plan && this.ctx.job) this.green = this.baseline(this.ctx.plan, this.ctx.job);
    this.greenAsked = true;
    return this.green;
  }
}

/** A diagnosis of a failed slot with its cause: the lines, the signature and template, the pool they came from. */
export function withCause(d: Diagnosis, cause: JobCause | null): Diagnosis {
  if (!cause) return d;
  d.cause = cause.cause;
  d.causePool = cause.pool;
  if (cause.signature && cause.template) {
    d.signature = cause.signature;
    d.template = cause.template;
  }
  return d;
}
