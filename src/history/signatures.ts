// Failed builds per signature over time: the store counts them per day (failure-sql.ts), buckets are made here.

import { signatureDays } from '../store/failure-sql.js';
import type { QueryFilter } from '../store/history-sql.js';
import type { SqlReader } from '../store/sql.js';
import { isoWeek } from './time.js';

/**
 * Builds per bucket (labels: days `2025-11-03` or ISO weeks `2025-W45`) for each signature, zeros included: the
 * sparklines of the report. Keyed by signature (`null` for builds without cause lines).
 */
export async function signatureTrend(
  sql: SqlReader,
  filter: QueryFilter,
  options: { unexplained: boolean; unit: 'day' | 'week'; labels: string[] },
): Promise<Map<string | null, number[]>> {
  const rows = await signatureDays(sql, filter, options.unexplained);
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
