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
    // One transaction for the build and its green lines: not a second commit for every successful build.
    this.store.db.transaction(() => {
      this.store.saveJob(this.sourceId, this.sourcePath, job.ctx, this.unkeyed, job.diagnoses);
      saveGreen(this.store, job);
    })();
  }
}

/** A successful build's error-like lines become its job's baseline (and may re-rank stored causes of that job). */
export function saveGreen(store: Store, job: JobSummary): void {
  const { plan, job: jobKey, build } = job.ctx;
  // A transaction of its own (a savepoint inside StoreSink's): the lines of one build are written together.
  if (job.green?.size && plan && jobKey && build) store.db.transaction(() => store.causes.saveGreen(plan, jobKey, build, job.green!))();
}
