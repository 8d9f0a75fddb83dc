// Connects one source's analyzer to the store: ended jobs and live diagnoses go to the write queue, and what counts
// them (the run's summary) hears of each only once the database holds it.

import type { Diagnosis, JobContext } from '../model.js';
import type { JobSummary, Sink } from '../diagnose/analyzer.js';
import { unkeyedBuildKey } from './statements.js';
import type { WriteQueue } from './write-queue.js';

export class StoreSink implements Sink {
  /** Jobs without a Bamboo build key are stored under `<source>#<n>`, n counting them in this source. */
  private unkeyed = 0;

  constructor(
    private readonly queue: WriteQueue,
    private readonly sourceId: number | null,
    private readonly sourcePath: string,
    private readonly live: boolean,
    /** Told of each diagnosis and job once it is stored (when the database fails, the summary counts only what it holds). */
    private readonly stored?: Sink,
  ) {}

  /** True when this job's live diagnoses were stored under `<source>#<n>` before its build key was read. */
  private storedUnkeyed = false;

  diagnosis(d: Diagnosis, ctx: JobContext): void {
    if (!this.live) return;
    if (!ctx.build) this.storedUnkeyed = true;
    // The context goes on changing while the job is read: the op keeps it as it is now.
    const now = structuredClone(ctx);
    this.queue.push({ kind: 'live', sourceId: this.sourceId, sourcePath: this.sourcePath, ctx: now, ordinal: this.unkeyed + 1, diagnosis: d }, () =>
      this.stored?.diagnosis?.(d, now),
    );
  }

  jobEnd(job: JobSummary): void {
    // A fragment named its key later (an env dump's bamboo_buildResultKey): the job is stored under that key only.
    if (this.storedUnkeyed && job.ctx.build) this.queue.push({ kind: 'drop', key: unkeyedBuildKey(this.sourcePath, this.unkeyed + 1) });
    this.storedUnkeyed = false;
    if (!job.ctx.build) this.unkeyed++;
    this.queue.push({ kind: 'job', sourceId: this.sourceId, sourcePath: this.sourcePath, ctx: job.ctx, ordinal: this.unkeyed, diagnoses: job.diagnoses, green: job.green }, () => {
      if (!this.live) for (const d of job.diagnoses) this.stored?.diagnosis?.(d, job.ctx);
      this.stored?.jobEnd?.(job);
    });
  }

  between(): Promise<void> | undefined {
    return this.queue.between(this.live);
  }
}
