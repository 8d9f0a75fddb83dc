// Failed builds in SQL for either database: grouped by failure signature (the first cause line's template), and
// those no specific rule explains with the classification rate (elastic-recheck). NULLs sort as SQLite sorts them.

import type { CauseLine } from '../model.js';
import { REDACTION_VERSION, redact } from '../secrets/redact.js';
import { whereOf, type QueryFilter } from './history-sql.js';
import { spell, type SqlReader } from './sql.js';

/** A build is explained when a specific rule (not a generic catch-all) gave it an error diagnosis. */
const EXPLAINED = "EXISTS (SELECT 1 FROM diagnoses d WHERE d.build_id = b.id AND d.severity = 'error' AND d.generic = 0)";
const COUNT_EXPLAINED = `coalesce(sum(CASE WHEN ${EXPLAINED} THEN 1 ELSE 0 END), 0)`;

export interface SignatureGroup {
  /** Null for failed builds whose log held no cause line. */
  signature: string | null;
  template: string | null;
  /** Failed builds with this signature. */
  count: number;
  /** Of those, builds a specific rule explains (0 in `--unexplained`). */
  explained: number;
  /** Their build keys, newest first, at most ten. */
  buildKeys: string[];
  plans: string[];
  agents: string[];
  first: string | null;
  last: string | null;
  /** The first cause line of the newest build, where it was read. */
  sample: { build: string; source: string; line: number; text: string } | null;
}

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

const BUILDS_SHOWN = 10;

/** The builds in scope: failed ones, and with `unexplained` only those no specific rule explains. Builds filter on their start. */
function scopeOf(filter: QueryFilter, unexplained: boolean): { sql: string; params: string[] } {
  const where = whereOf({ ...filter, rule: undefined, severity: undefined }, { time: 'started', alias: 'b' });
  return { sql: `b.state = 'failed' AND ${unexplained ? `NOT ${EXPLAINED}` : '1 = 1'} AND ${where.sql}`, params: where.params };
}

/** Failed builds no specific rule explains: how many of the failed ones, their signature groups, the newest of them. */
export async function unexplainedBuilds(sql: SqlReader, filter: QueryFilter, top = 50): Promise<Unexplained> {
  const where = whereOf({ ...filter, rule: undefined, severity: undefined }, { time: 'started', alias: 'b' });
  const [counts] = await sql.all<{ failed: number; explained: number }>(
    `SELECT count(*) AS failed, ${COUNT_EXPLAINED} AS explained FROM builds b WHERE b.state = 'failed' AND ${where.sql}`,
    where.params,
  );
  const builds = await sql.all<UnexplainedBuild>(
    `SELECT b.build_key AS build, b.plan, b.job, b.agent_name AS agent, b.agent_type AS "agentType",
       b.runner_kind AS runner, b.started, b.source_path AS source,
       (SELECT count(*) FROM diagnoses d WHERE d.build_id = b.id) AS diagnoses, b.signature
     FROM builds b WHERE b.state = 'failed' AND NOT ${EXPLAINED} AND ${where.sql}
     ORDER BY b.started DESC NULLS LAST, b.build_key LIMIT ?`,
    [...where.params, top],
  );
  const groups = await signatureGroups(sql, filter, { unexplained: true, top });
  return { ...counts, rate: counts.failed ? counts.explained / counts.failed : null, groups, builds };
}

/**
 * Failed builds by signature, most frequent first (then the most recent); `unexplained`: only those no specific
 * rule explains, the failures the rule pack does not know yet.
 */
export async function signatureGroups(sql: SqlReader, filter: QueryFilter, options: { unexplained: boolean; top: number }): Promise<SignatureGroup[]> {
  const { sql: scope, params } = scopeOf(filter, options.unexplained);
  const rows = await sql.all<Omit<SignatureGroup, 'plans' | 'agents' | 'buildKeys' | 'sample'> & { plans: string; agents: string; masked: number }>(
    `SELECT b.signature AS signature, s.template AS template, coalesce(min(s.masked), ${REDACTION_VERSION}) AS masked, count(*) AS count,
       ${options.unexplained ? '0' : COUNT_EXPLAINED} AS explained, min(b.started) AS first, max(b.started) AS last,
       ${spell.distinctJson(sql.dialect, 'b.plan')} AS plans, ${spell.distinctJson(sql.dialect, 'b.agent_name')} AS agents
     FROM builds b LEFT JOIN signatures s ON s.hash = b.signature
     WHERE ${scope} GROUP BY b.signature, s.template ORDER BY count DESC, last DESC NULLS LAST, b.signature NULLS FIRST LIMIT ?`,
    [...params, options.top],
  );
  const keysSql = `SELECT b.build_key AS key FROM builds b WHERE ${spell.isSame(sql.dialect, 'b.signature')} AND ${scope}
    ORDER BY b.started DESC NULLS LAST, b.build_key LIMIT ${BUILDS_SHOWN}`;
  return Promise.all(
    rows.map(async ({ masked, ...r }) => ({
      ...r,
      template: r.template !== null && masked < REDACTION_VERSION ? redact(r.template) : r.template,
      plans: names(r.plans),
      agents: names(r.agents),
      buildKeys: (await sql.all<{ key: string }>(keysSql, [r.signature, ...params])).map((k) => k.key),
      sample: r.signature === null ? null : await sampleOf(sql, r.signature),
    })),
  );
}

/** Failed builds per day (`2025-11-03`) and signature (`null` for builds without cause lines): the report's sparklines. */
export async function signatureDays(sql: SqlReader, filter: QueryFilter, unexplained: boolean): Promise<{ signature: string | null; day: string | null; n: number }[]> {
  const { sql: scope, params } = scopeOf(filter, unexplained);
  return sql.all(`SELECT b.signature AS signature, substr(b.started, 1, 10) AS day, count(*) AS n FROM builds b WHERE ${scope} GROUP BY 1, 2`, params);
}

/** The newest stored cause line that made this signature. */
async function sampleOf(sql: SqlReader, signature: string): Promise<SignatureGroup['sample']> {
  const [row] = await sql.all<{ build: string; source: string; cause: string; masked: number }>(
    `SELECT b.build_key AS build, d.source, d.cause, d.masked FROM diagnoses d JOIN builds b ON b.id = d.build_id
     WHERE b.signature = ? AND d.signature = ? ORDER BY b.started DESC NULLS LAST, (d.severity = 'error') DESC LIMIT 1`,
    [signature, signature],
  );
  const first = row ? (JSON.parse(row.cause) as CauseLine[])[0] : undefined;
  if (!first) return null;
  // Stored by a version that masked less (reanalyze rewrites it): masked on the way out, as `show` does.
  return { build: row.build, source: row.source, line: first.line, text: row.masked < REDACTION_VERSION ? redact(first.text) : first.text };
}

const names = (json: string): string[] => (JSON.parse(json) as (string | null)[]).filter((n): n is string => n !== null).sort();
