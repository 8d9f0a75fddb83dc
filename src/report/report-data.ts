// Gathers what the HTML report shows from the database: totals, trends, top rules and agents, matrix, gaps.

import type Database from 'better-sqlite3';
import type { Diagnosis } from '../model.js';
import type { Rule } from '../rules/load.js';
import { whereOf, type ResolvedFilter } from '../history/filters.js';
import { historyRows, trendOf, type HistoryRow, type Trend } from '../history/query.js';
import { latestPerRule } from '../history/stored.js';
import { unexplainedBuilds, type Unexplained } from '../history/unexplained.js';
import { signatureTrend } from '../history/signatures.js';

export interface RuleDetail {
  row: HistoryRow;
  /** The rule as loaded now; absent when its file is gone. */
  rule?: Rule;
  /** The newest stored diagnosis of the rule (its evidence and fix). */
  latest?: Diagnosis;
  /** Rows made by another version of the rule than the loaded one (`reanalyze` would refresh them). */
  stale: number;
}

export interface ReportData {
  totals: { diagnoses: number; builds: number; first: string | null; last: string | null };
  trend: Trend | null;
  rules: RuleDetail[];
  agents: HistoryRow[];
  matrix: { agentTypes: string[]; rules: string[]; counts: Map<string, number> };
  unexplained: Unexplained;
  /** Builds per bucket of each unexplained signature (the sparklines of "New and unexplained failures"). */
  signatureTrend: { unit: 'day' | 'week'; labels: string[]; series: Map<string | null, number[]> } | null;
  /** A signature first seen at or after this time is new (the last week before the newest diagnosis). */
  newSince: string | null;
}

export interface ReportLimits {
  rules: number;
  agents: number;
  unexplained: number;
}

const LIMITS: ReportLimits = { rules: 20, agents: 15, unexplained: 50 };

export function reportData(db: Database.Database, filter: ResolvedFilter, loaded: Rule[], limits = LIMITS): ReportData {
  const totals = totalsOf(db, filter);
  const ruleRows = historyRows(db, { by: ['rule'], filter, top: limits.rules });
  const byId = new Map(loaded.map((r) => [r.id, r]));
  const latest = latestPerRule(db, ruleRows.map((r) => r.group as string));
  const rules = ruleRows.map((row) => {
    const id = row.group as string;
    const rule = byId.get(id);
    return { row, rule, latest: latest.get(id), stale: rule ? staleCount(db, id, rule.version) : 0 };
  });
  const trend = totals.first && totals.last ? trendOverall(db, filter, totals.first, totals.last) : null;
  const unexplained = unexplainedBuilds(db, filter, limits.unexplained);
  return {
    totals,
    trend,
    rules,
    agents: historyRows(db, { by: ['agent'], filter, top: limits.agents }),
    matrix: matrixOf(db, filter, rules.map((r) => r.row.group as string)),
    unexplained,
    signatureTrend: trend ? { unit: trend.unit, labels: trend.labels, series: signatureTrend(db, filter, { unexplained: true, unit: trend.unit, labels: trend.labels }) } : null,
    newSince: totals.last ? weekBefore(totals.last) : null,
  };
}

/** The local ISO time seven days before `at`. */
function weekBefore(at: string): string {
  const d = new Date(`${at.slice(0, 10)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 7);
  return `${d.toISOString().slice(0, 10)}${at.slice(10)}`;
}

function totalsOf(db: Database.Database, filter: ResolvedFilter): ReportData['totals'] {
  const where = whereOf(filter, { time: 'at' });
  return db
    .prepare(`SELECT count(*) AS diagnoses, count(DISTINCT build_id) AS builds, min(at) AS first, max(at) AS last FROM diagnoses WHERE ${where.sql}`)
    .get(...where.params) as ReportData['totals'];
}

/** Days for a short span (up to about six weeks), ISO weeks beyond. */
function trendOverall(db: Database.Database, filter: ResolvedFilter, first: string, last: string): Trend {
  const days = (Date.parse(last.slice(0, 10)) - Date.parse(first.slice(0, 10))) / 86_400_000;
  return trendOf(db, ['rule'], filter, days <= 45 ? 'day' : 'week', { from: first, to: last });
}

function staleCount(db: Database.Database, rule: string, version: string): number {
  return (db.prepare('SELECT count(*) AS n FROM diagnoses WHERE rule = ? AND rule_version <> ?').get(rule, version) as { n: number }).n;
}

/** Diagnoses per agent type and rule, for the rules the report lists. */
function matrixOf(db: Database.Database, filter: ResolvedFilter, rules: string[]): ReportData['matrix'] {
  const rows = historyRows(db, { by: ['agent-type', 'rule'], filter });
  const counts = new Map<string, number>();
  const types = new Set<string>();
  for (const r of rows) {
    const g = r.group as Record<string, string>;
    if (!rules.includes(g.rule)) continue;
    types.add(g['agent-type']);
    counts.set(cellKey(g['agent-type'], g.rule), r.count);
  }
  return { agentTypes: [...types].sort(), rules, counts };
}

export const cellKey = (agentType: string, rule: string): string => `${agentType}\u0000${rule}`;
