// Failed builds that no specific rule explains: the rule gaps by signature, and the classification rate (elastic-recheck).

import type Database from 'better-sqlite3';
import { whereOf, type ResolvedFilter } from './filters.js';
import { EXPLAINED, signatureGroups, type SignatureGroup } from './signatures.js';

export interface UnexplainedBuild {
  build: string;
  plan: string | null;
  job: string | null;
  agent: string | null;
  agentType: string;
  runner: string;
  started: string | null;
  source: string;
  /** Diagnoses the build did get: of lower severity (stderr noise, warnings) or of generic rules (exit code). */
  diagnoses: number;
  /** Its failure signature (the first cause line's template hash), null without cause lines. */
  signature: string | null;
}

export interface Unexplained {
  /** Failed builds within the filter. */
  failed: number;
  /** Of those, builds with an error diagnosis of a specific rule (generic ones such as task-nonzero-exit do not count). */
  explained: number;
  /** explained / failed, null when no build failed. */
  rate: number | null;
  /** The unexplained builds by signature, most frequent first, at most `top`. */
  groups: SignatureGroup[];
  /** Newest first, at most `top`. */
  builds: UnexplainedBuild[];
}

/** Builds filter on their start time; `--rule` has no meaning for a build that no rule explains. */
export function unexplainedBuilds(db: Database.Database, filter: ResolvedFilter, top = 50): Unexplained {
  const where = whereOf({ ...filter, rule: undefined, severity: undefined }, { time: 'started', alias: 'b' });
  const counts = db
    .prepare(`SELECT count(*) AS failed, coalesce(sum(${EXPLAINED}), 0) AS explained FROM builds b WHERE b.state = 'failed' AND ${where.sql}`)
    .get(...where.params) as { failed: number; explained: number };
  const builds = db
    .prepare(
      `SELECT b.build_key AS build, b.plan, b.job, b.agent_name AS agent, b.agent_type AS agentType,
         b.runner_kind AS runner, b.started, b.source_path AS source,
         (SELECT count(*) FROM diagnoses d WHERE d.build_id = b.id) AS diagnoses, b.signature
       FROM builds b WHERE b.state = 'failed' AND NOT ${EXPLAINED} AND ${where.sql}
       ORDER BY b.started DESC, b.build_key LIMIT ?`,
    )
    .all(...where.params, top) as UnexplainedBuild[];
  const groups = signatureGroups(db, filter, { unexplained: true, top });
  return { ...counts, rate: counts.failed ? counts.explained / counts.failed : null, groups, builds };
}
