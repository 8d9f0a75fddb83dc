// Failed builds grouped by failure signature (the first cause line's template): what keeps failing the same way.

import type Database from 'better-sqlite3';
import type { CauseLine } from '../model.js';
import { whereOf, type ResolvedFilter } from './filters.js';
import { isoWeek } from './time.js';

/** A build is explained when a specific rule (not a generic catch-all) gave it an error diagnosis. */
export const EXPLAINED = "EXISTS (SELECT 1 FROM diagnoses d WHERE d.build_id = b.id AND d.severity = 'error' AND d.generic = 0)";

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

interface GroupRow {
  signature: string | null;
  template: string | null;
  count: number;
  explained: number;
  first: string | null;
  last: string | null;
  plans: string;
  agents: string;
}

const BUILDS_SHOWN = 10;

/** The builds in scope: failed ones, and with `unexplained` only those no specific rule explains. */
function scopeOf(filter: ResolvedFilter, unexplained: boolean): { sql: string; params: string[] } {
  const where = whereOf({ ...filter, rule: undefined, severity: undefined }, { time: 'started', alias: 'b' });
  return { sql: `b.state = 'failed' AND ${unexplained ? `NOT ${EXPLAINED}` : '1'} AND ${where.sql}`, params: where.params };
}

/**
 * Failed builds by signature, most frequent first (then the most recent); `unexplained`: only those no specific
 * rule explains, the failures the rule pack does not know yet. Builds filter on their start time.
 */
export function signatureGroups(db: Database.Database, filter: ResolvedFilter, options: { unexplained: boolean; top: number }): SignatureGroup[] {
  const { sql: scope, params } = scopeOf(filter, options.unexplained);
  const rows = db
    .prepare(
      `SELECT b.signature AS signature, s.template AS template, count(*) AS count,
         ${options.unexplained ? '0' : `coalesce(sum(${EXPLAINED}), 0)`} AS explained,
         min(b.started) AS first, max(b.started) AS last,
         json_group_array(DISTINCT b.plan) AS plans, json_group_array(DISTINCT b.agent_name) AS agents
       FROM builds b LEFT JOIN signatures s ON s.hash = b.signature
       WHERE ${scope} GROUP BY b.signature ORDER BY count DESC, last DESC, b.signature LIMIT ?`,
    )
    .all(...params, options.top) as GroupRow[];
  const keys = db.prepare(`SELECT b.build_key FROM builds b WHERE b.signature IS ? AND ${scope} ORDER BY b.started DESC, b.build_key LIMIT ${BUILDS_SHOWN}`).pluck();
  return rows.map((r) => ({
    ...r,
    plans: names(r.plans),
    agents: names(r.agents),
    buildKeys: keys.all(r.signature, ...params) as string[],
    sample: r.signature === null ? null : sampleOf(db, r.signature),
  }));
}

/**
 * Builds per bucket (labels: days `2025-11-03` or ISO weeks `2025-W45`) for each signature, zeros included: the
 * sparklines of the report. Keyed by signature (`null` for builds without cause lines).
 */
export function signatureTrend(
  db: Database.Database,
  filter: ResolvedFilter,
  options: { unexplained: boolean; unit: 'day' | 'week'; labels: string[] },
): Map<string | null, number[]> {
  const { sql: scope, params } = scopeOf(filter, options.unexplained);
  const rows = db
    .prepare(`SELECT b.signature AS signature, substr(b.started, 1, 10) AS day, count(*) AS n FROM builds b WHERE ${scope} GROUP BY 1, 2`)
    .all(...params) as { signature: string | null; day: string | null; n: number }[];
  const index = new Map(options.labels.map((l, i) => [l, i]));
  const series = new Map<string | null, number[]>();
  for (const r of rows) {
    const i = r.day ? index.get(options.unit === 'day' ? r.day : isoWeek(r.day)) : undefined;
    if (i === undefined) continue;
    let s = series.get(r.signature);
    if (!s) series.set(r.signature, (s = options.labels.map(() => 0)));
    s[i] += r.n;
  }
  return series;
}

/** The newest stored cause line that made this signature. */
function sampleOf(db: Database.Database, signature: string): SignatureGroup['sample'] {
  const row = db
    .prepare(
      `SELECT b.build_key AS build, d.source, d.cause FROM diagnoses d JOIN builds b ON b.id = d.build_id
       WHERE b.signature = ? AND d.signature = ? ORDER BY b.started DESC, d.severity = 'error' DESC LIMIT 1`,
    )
    .get(signature, signature) as { build: string; source: string; cause: string } | undefined;
  const first = row ? (JSON.parse(row.cause) as CauseLine[])[0] : undefined;
  return row && first ? { build: row.build, source: row.source, line: first.line, text: first.text } : null;
}

const names = (json: string): string[] => (JSON.parse(json) as (string | null)[]).filter((n): n is string => n !== null).sort();
