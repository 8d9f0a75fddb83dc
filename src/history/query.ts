// History's rows (counted by the store: history-sql.ts), and per-day or per-week trends for sparklines and charts.

import { historyRows, type Dimension, type HistoryRow, type QueryFilter } from '../store/history-sql.js';
import type { SqlReader } from '../store/sql.js';
import { buckets, isoWeek, lastBuckets } from './time.js';

export { historyRows, type Group, type HistoryQuery, type HistoryRow } from '../store/history-sql.js';

/** A stable string for a group, to match rows with their trends. */
export const groupKey = (g: HistoryRow['group']): string => JSON.stringify(g);

export interface Trend {
  unit: 'day' | 'week';
  /** Bucket labels, oldest first. */
  labels: string[];
  /** Diagnoses per bucket for each group (by groupKey). */
  series: Map<string, number[]>;
}

/**
 * Diagnoses per bucket and group between `from` and `to` (local ISO times), zeros included, for the
 * sparklines of `history` and the charts of `report`. Counted per day in SQL and summed into weeks here:
 * substr() per row costs less than strftime('%G-W%V').
 */
export async function trendOf(sql: SqlReader, by: Dimension[], filter: QueryFilter, unit: 'day' | 'week', range: { from: string; to: string } | { to: string; last: number }): Promise<Trend> {
  const labels = 'last' in range ? lastBuckets(unit, range.to, range.last) : buckets(unit, range.from, range.to);
  const start = startOf(unit, labels[0]);
  const windowed: QueryFilter = { ...filter, since: { value: filter.since && filter.since.value > start ? filter.since.value : start, inclusive: true } };
  const rows = await historyRows(sql, { by: [...by, 'day'], filter: windowed });
  const index = new Map(labels.map((l, i) => [l, i]));
  const weekOf = memo(isoWeek);
  const series = new Map<string, number[]>();
  for (const r of rows) {
    const g = r.group as Record<string, string | null>;
    const key = groupKey(by.length === 1 ? g[by[0]] : Object.fromEntries(by.map((d) => [d, g[d]])));
    const i = index.get(unit === 'day' ? (g.day ?? '') : weekOf(g.day ?? ''));
    if (i === undefined) continue;
    let s = series.get(key);
    if (!s) series.set(key, (s = labels.map(() => 0)));
    s[i] += r.count;
  }
  return { unit, labels, series };
}

/** The local ISO time a bucket label starts at. */
function startOf(unit: 'day' | 'week', label: string): string {
  if (unit === 'day') return `${label}T00:00:00`;
  const [year, week] = label.split('-W').map(Number);
  const jan4 = new Date(Date.UTC(year, 0, 4));
  jan4.setUTCDate(jan4.getUTCDate() - ((jan4.getUTCDay() + 6) % 7) + (week - 1) * 7);
  return `${jan4.toISOString().slice(0, 10)}T00:00:00`;
}

function memo<T>(fn: (s: string) => T): (s: string) => T {
  const cache = new Map<string, T>();
  return (s) => {
    let v = cache.get(s);
    if (v === undefined) cache.set(s, (v = fn(s)));
    return v;
  };
}
