// Where one job ends and the next begins, for every input: `.log` text, pipes and REST exports alike.

import type { JobContext, LogLine } from '../model.js';
import { headerKey } from '../context/lifecycle.js';
import type { ContextEvent } from '../context/tracker.js';

/** What the segmenter needs to know of the job being read. */
export interface JobView {
  readonly ctx: JobContext;
  /** True once the job's header line was read. */
  hasHeader: boolean;
  /** How many rules fired in it so far. */
  readonly findings: number;
}

/**
 * A text log delimits its jobs by their lines: a header starts a job, "Finished building …" ends it. A REST
 * export delimits them itself (one job result each): inside a result, its own lines neither start nor end a job,
 * so entries after "Finished building" (the server's post-build plugins) stay with their job, and a header
 * entry does not split it. Both readers feed the analyzer, and the analyzer asks this one place.
 */
export class JobSegmenter {
  /** True while the input delimits the current job (a REST job result). */
  private delimited = false;

  /** The input starts a job of its own: its lines no longer delimit jobs until the input's next job or end. */
  inputJob(): void {
    this.delimited = true;
  }

  /**
   * Before a line is tracked: true when it starts another job. A header does when the job being read already
   * had one, has findings, or names another build (a fragment whose key came from its own lines is kept with
   * the header of the same build).
   */
  startsJob(job: JobView, line: LogLine): boolean {
    if (this.delimited) return false;
    const key = headerKey(line.text);
    if (key === null) return false;
    const other = job.hasHeader || job.findings > 0 || (job.ctx.build !== null && job.ctx.build !== key);
    return other;
  }

  /** After a line is tracked: true when the job ended with it. */
  endsJob(event: ContextEvent): boolean {
    return event === 'finished' && !this.delimited;
  }
}
