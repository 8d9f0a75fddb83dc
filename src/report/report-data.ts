// Gathers what the HTML report shows from the database (either kind): totals, trends, top rules and agents, matrix, gaps.

import type { Diagnosis } from '../model.js';
import type { Rule } from '../rules/load.js';
import type { ResolvedFilter } from '../history/filters.js';
import { trendOf, type Trend } from '../history/query.js';
import { signatureTrend } from '../history/signatures.js';
import { historyRows, staleCount, totalsOf, type HistoryRow } from '../store/history-sql.js';
import { latestPerRule } from '../store/stored-sql.js';
import { unexplainedBuilds, type Unexplained } from '../store/failure-sql.js';
import type { SqlReader } from '../store/sql.js';

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

export async function reportData(sql: SqlReader, filter: ResolvedFilter, loaded: Rule[], limits = LIMITS): Promise<ReportData> {
  const totals = await totalsOf(sql, filter);
  const ruleRows = await historyRows(sql, { by: ['rule'], filter, top: limits.rules });
  const byId = new Map(loaded.map((r) => [r.id, r]));
  const latest = await latestPerRule(sql, ruleRows.map((r) => r.group as string));
  const rules = await Promise.all(
    ruleRows.map(async (row) => {
      const id = row.group as string;
      const rule = byId.get(id);
      return { row, rule, latest: latest.get(id), stale: rule ? await staleCount(sql, id, rule.version) : 0 };
    }),
  );
  const trend = totals.first && totals.last ? await trendOverall(sql, filter, totals.first, totals.last) : null;
  return {
    totals,
    trend,
    rules,
    agents: await historyRows(sql, { by: ['agent'], filter, top: limits.agents }),
    matrix: await matrixOf(sql, filter, rules.map((r) => r.row.group as string)),
    unexplained: await unexplainedBuilds(sql, filter, limits.unexplained),
    signatureTrend: trend ? { unit: trend.unit, labels: trend.labels, series: await signatureTrend(sql, filter, { unexplained: true, unit: trend.unit, labels: trend.labels }) } : null,
    newSince: totals.last ? weekBefore(totals.last) : null,
  };
}

/** The local ISO time seven days before `at`. */
function weekBefore(at: string): string {
  const d = new Date(`${at.slice(0, 10)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 7);
  return `${d.toISOString().slice(0, 10)}${at.slice(10)}`;
}

/** Days for a short span (up to about six weeks), ISO weeks beyond. */
function trendOverall(sql: SqlReader, filter: ResolvedFilter, first: string, last: string): Promise<Trend> {
  const days = (Date.parse(last.slice(0, 10)) - Date.parse(first.slice(0, 10))) / 86_400_000;
  return trendOf(sql, ['rule'], filter, days <= 45 ? 'day' : 'week', { from: first, to: last });
}

/** Diagnoses per agent type and rule, for the rules the report lists. */
async function matrixOf(sql: SqlReader, filter: ResolvedFilter, rules: string[]): Promise<ReportData['matrix']> {
  const rows = await historyRows(sql, { by: ['agent-type', 'rule'], filter });
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
