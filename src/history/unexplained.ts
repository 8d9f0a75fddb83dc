// Failed builds that no error diagnosis explains: the rule gaps, and the classification rate (elastic-recheck).

import type Database from 'better-sqlite3';
import { whereOf, type ResolvedFilter } from './filters.js';

export interface UnexplainedBuild {
  build: string;
  plan: string | null;
  job: string | null;
  agent: string | null;
  agentType: string;
  runner: string;
  started: string | null;
  source: string;
  /** Diagnoses of lower severity the build did get (stderr noise, warnings). */
  diagnoses: number;
}

export interface Unexplained {
  /** Failed builds within the filter. */
  failed: number;
  /** Of those, builds with at least one error diagnosis. */
  explained: number;
  /** explained / failed, null when no build failed. */
  rate: number | null;
  /** Newest first, at most `top`. */
  builds: UnexplainedBuild[];
}

const HAS_ERROR = "EXISTS (SELECT 1 FROM diagnoses d WHERE d.build_id = b.id AND d.severity = 'error')";

/** Builds filter on their start time; `--rule` has no meaning for a build that no rule explains. */
export function unexplainedBuilds(db: Database.Database, filter: ResolvedFilter, top = 50): Unexplained {
  const where = whereOf({ ...filter, rule: undefined, severity: undefined }, { time: 'started', alias: 'b' });
  const counts = db
    .prepare(`SELECT count(*) AS failed, coalesce(sum(${HAS_ERROR}), 0) AS explained FROM builds b WHERE b.state = 'failed' AND ${where.sql}`)
    .get(...where.params) as { failed: number; explained: number };
  const builds = db
    .prepare(
      `SELECT b.build_key AS build, b.plan, b.job, b.agent_name AS agent, b.agent_type AS agentType,
         b.runner_kind AS runner, b.started, b.source_path AS source,
         (SELECT count(*) FROM diagnoses d WHERE d.build_id = b.id) AS diagnoses
       FROM builds b WHERE b.state = 'failed' AND NOT ${HAS_ERROR} AND ${where.sql}
       ORDER BY b.started DESC, b.build_key LIMIT ?`,
    )
    .all(...where.params, top) as UnexplainedBuild[];
  return { ...counts, rate: counts.failed ? counts.explained / counts.failed : null, builds };
}
