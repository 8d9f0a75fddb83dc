// What the ingest side of the storage port is asked to write: finished jobs, live diagnoses, re-diagnoses and
// dropped fragments, queued by the reading and applied in order, one transaction a batch.

import type { Diagnosis, JobContext } from '../model.js';
import type { GreenLines } from './causes.js';

/** Where a build's rows come from: the `sources` row, the name its unkeyed jobs are stored under, its place. */
interface BuildOrigin {
  sourceId: number | null;
  sourcePath: string;
  ctx: JobContext;
  /** For a job with no build key: which of the source's unkeyed jobs it is (`<source>#<n>`). */
  ordinal: number;
}

export type WriteOp =
  /** A finished job: its build row, and its diagnoses replacing all it had; a successful one's error-like lines. */
  | (BuildOrigin & { kind: 'job'; diagnoses: Diagnosis[]; green?: GreenLines })
  /** Live input: one diagnosis as soon as it arises, its build row first. */
  | (BuildOrigin & { kind: 'live'; diagnosis: Diagnosis })
  /** `reanalyze`: the build row, the changed diagnoses written in place, the removed rules' rows deleted. */
  | (BuildOrigin & { kind: 'replace'; changed: Diagnosis[]; removed: string[] })
  /** A live fragment's row stored before its build key was known: deleted with its diagnoses. */
  | { kind: 'drop'; key: string }
  /** A successful build's error-like lines, its job's baseline (reanalyze: its diagnoses are written apart). */
  | { kind: 'green'; plan: string; job: string; build: string; green: GreenLines }
  /** A source read to its end (or as far as it could be): written after its jobs, in their transaction. */
  | { kind: 'finish'; sourceId: number; lines: number; status: 'done' | 'partial'; error: string | null };

/**
 * A build stored from a log read to its end is not replaced by a reading that stops short of the end: such an
 * op is kept out (counted, so a run's summary can say so).
 */
export interface WriteOutcome {
  kept: number;
}
