// Connects one source's analyzer to the store: each ended job in one transaction, live diagnoses at once.

import type { Diagnosis, JobContext } from '../model.js';
import type { JobSummary, Sink } from '../diagnose/analyzer.js';
import { unkeyedBuildKey, type Store } from './store.js';

export class StoreSink implements Sink {
  /** Jobs without a Bamboo build key are stored under `<source>#<n>`, n counting them in this source. */
  private unkeyed = 0;

  constructor(
    private readonly store: Store,
    private readonly sourceId: number | null,
    private readonly sourcePath: string,
    private readonly live: boolean,
  ) {}

  /** True when this job's live diagnoses were stored under `<source>#<n>` before its build key was read. */
  private storedUnkeyed = false;

  diagnosis(d: Diagnosis, ctx: JobContext): void {
    if (!this.live) return;
    if (!ctx.build) this.storedUnkeyed = true;
    this.store.saveDiagnosis(this.sourceId, this.sourcePath, ctx, this.unkeyed + 1, d);
  }

  jobEnd(job: JobSummary): void {
    // A fragment named its key later (an env dump's bamboo_buildResultKey): the job is stored under that key only.
    if (this.storedUnkeyed && job.ctx.build) this.store.dropBuild(unkeyedBuildKey(this.sourcePath, this.unkeyed + 1));
    this.storedUnkeyed = false;
    if (!job.ctx.build) this.unkeyed++;
    this.store.saveJob(this.sourceId, this.sourcePath, job.ctx, this.unkeyed, job.diagnoses, job.green);
  }
}
