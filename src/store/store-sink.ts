// Connects one source's analyzer to the store: each ended job in one transaction, live diagnoses at once.

import type { Diagnosis, JobContext } from '../model.js';
import type { JobSummary, Sink } from '../diagnose/analyzer.js';
import type { Store } from './store.js';

export class StoreSink implements Sink {
  /** Jobs without a Bamboo build key are stored under `<source>#<n>`, n counting them in this source. */
  private unkeyed = 0;

  constructor(
    private readonly store: Store,
    private readonly sourceId: number | null,
    private readonly sourcePath: string,
    private readonly live: boolean,
  ) {}

  diagnosis(d: Diagnosis, ctx: JobContext): void {
    if (this.live) this.store.saveDiagnosis(this.sourceId, this.sourcePath, ctx, this.unkeyed + 1, d);
  }

  jobEnd(job: JobSummary): void {
    if (!job.ctx.build) this.unkeyed++;
    this.store.saveJob(this.sourceId, this.sourcePath, job.ctx, this.unkeyed, job.diagnoses);
  }
}
