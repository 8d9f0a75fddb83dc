// The green baseline applied to finished jobs in the main thread: batch reading ranks cause lines without it (so
// any thread can read), and this step ranks them again, in input order, as the analyzer would have with it.

import type { Diagnosis } from '../model.js';
import { UNEXPLAINED_FAILURE_ID } from '../rules/unexplained-failure.js';
import type { JobSummary } from './analyzer.js';
import { rerankCause } from './cause-rank.js';
import type { Baseline } from './job-causes.js';

/**
 * A job step (see pool/hand-off.ts JobStep) that ranks each finished job's cause lines against `baseline` (the
 * database's green builds) and the successful builds of the same jobs read earlier in this run. The second part
 * makes the result the same whichever thread read a job and however the write queue was flushed: a run gives the
 * same causes with one reader as with several.
 */
export function baselineStep(baseline: Baseline | undefined): (job: { summary: JobSummary }) => void {
  /** Template hashes of the successful builds this run handed on, per plan and job. */
  const seen = new Map<string, Set<string>>();
  return ({ summary }) => {
    const { plan, job } = summary.ctx;
    if (!plan || !job) return;
    const key = `${plan}\u0000${job}`;
    if (summary.green?.size) {
      let set = seen.get(key);
      if (!set) seen.set(key, (set = new Set()));
      for (const hash of summary.green.keys()) set.add(hash);
    }
    if (!summary.diagnoses.some((d) => d.causePool?.length)) return;
    const green = union(baseline?.(plan, job), seen.get(key));
    if (green.size === 0) return;
    for (const d of summary.diagnoses) rerank(d, green);
  };
}

function rerank(d: Diagnosis, green: ReadonlySet<string>): void {
  if (!d.causePool?.length || !d.cause) return;
  const ranked = rerankCause(d.causePool, d.cause, d.fix, green);
  if (!ranked) return;
  d.cause = ranked.cause;
  d.fix = ranked.fix;
  if (ranked.signature && ranked.template) {
    d.signature = ranked.signature;
    d.template = ranked.template;
  }
  // An unexplained failure points at its most telling line.
  if (d.rule === UNEXPLAINED_FAILURE_ID && ranked.cause[0]) d.line = ranked.cause[0].line;
}

function union(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): ReadonlySet<string> {
  if (!a?.size) return b ?? new Set();
  if (!b?.size) return a;
  return new Set([...a, ...b]);
}
