// History rows for people (an aligned table with a weekly sparkline), for spreadsheets (CSV) and for code (JSON).

import type { Dimension } from './dimensions.js';
import { groupKey, type HistoryRow, type Trend } from './query.js';
import type { Unexplained } from '../store/failure-sql.js';
import { signatureCsv, signatureText } from './signature-format.js';
import { escapeControls } from '../output/terminal.js';

const BARS = '▁▂▃▄▅▆▇█';

/** One character per bucket, scaled to the row's own peak; `·` is a bucket with none. */
export function sparkline(counts: number[]): string {
  const peak = Math.max(0, ...counts);
  return counts.map((n) => (n === 0 ? '·' : BARS[Math.min(BARS.length - 1, Math.ceil((n / peak) * BARS.length) - 1)])).join('');
}

const cell = (v: string | null | undefined) => v ?? '(unknown)';
const when = (iso: string) => iso.slice(0, 16).replace('T', ' ');

function groupCells(by: Dimension[], row: HistoryRow): string[] {
  if (by.length === 1) return [cell(row.group as string | null)];
  const g = row.group as Record<string, string | null>;
  return by.map((d) => cell(g[d]));
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function table(head: string[], given: string[][], numeric: Set<number> = new Set()): string {
  // Agent names, plans and sources come from logs: a control character in them is shown, not acted on.
  const rows = given.map((r) => r.map(escapeControls));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => [...r[i]].length)));
  const line = (r: string[]) =>
    r.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(head), ...rows.map(line)].map((l) => l.trimEnd()).join('\n') + '\n';
}

export function historyText(by: Dimension[], rows: HistoryRow[], trend: Trend | null): string {
  if (rows.length === 0) return 'No diagnoses match.\n';
  const total = rows.reduce((n, r) => n + r.count, 0);
  const head = [...by.map((d) => d.toUpperCase()), 'COUNT', 'BUILDS', 'FIRST', 'LAST'];
  if (trend) head.push(`WEEKS TO ${trend.labels.at(-1)}`);
  const body = rows.map((r) => {
    const cells = [...groupCells(by, r), String(r.count), String(r.builds), when(r.first), when(r.last)];
    if (trend) cells.push(sparkline(trend.series.get(groupKey(r.group)) ?? trend.labels.map(() => 0)));
    return cells;
  });
  const numeric = new Set([by.length, by.length + 1]);
  return `${table(head, body, numeric)}${rows.length} group${rows.length === 1 ? '' : 's'}, ${total} diagnos${total === 1 ? 'is' : 'es'}\n`;
}

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled. */
export function csvLine(fields: (string | number | null)[]): string {
  return fields.map((f) => (f === null ? '' : /[",\r\n]/.test(String(f)) ? `"${String(f).replace(/"/g, '""')}"` : String(f))).join(',') + '\r\n';
}

export function historyCsv(by: Dimension[], rows: HistoryRow[]): string {
  const lines = [csvLine([...by, 'count', 'builds', 'first', 'last'])];
  for (const r of rows) {
    const groups = by.length === 1 ? [r.group as string | null] : by.map((d) => (r.group as Record<string, string | null>)[d]);
    lines.push(csvLine([...groups, r.count, r.builds, r.first, r.last]));
  }
  return lines.join('');
}

export function historyJson(rows: HistoryRow[]): string {
  return `${JSON.stringify(rows, null, 2)}\n`;
}

const percent = (rate: number | null) => (rate === null ? 'n/a' : `${Math.round(rate * 1000) / 10}%`);

/**
 * One line on the classification rate: how many failed builds a specific rule explains (a generic one, such as
 * task-nonzero-exit or unexplained-failure, only says that something failed).
 */
export function rateLine(u: Unexplained): string {
  if (u.failed === 0) return 'No failed builds match.';
  return `${u.explained} of ${u.failed} failed builds explained by a specific rule (${percent(u.rate)}); ${u.failed - u.explained} unexplained`;
}

/** The unexplained builds grouped by signature, then the rate. */
export function unexplainedText(u: Unexplained): string {
  const unexplained = u.failed - u.explained;
  const grouped = u.groups.reduce((n, g) => n + g.count, 0);
  const shown = unexplained > grouped ? `(the ${u.groups.length} biggest groups shown, ${grouped} of ${unexplained} builds)\n` : '';
  return `${u.groups.length ? `${signatureText(u.groups)}\n` : ''}${shown}${rateLine(u)}\n`;
}

export function unexplainedCsv(u: Unexplained): string {
  return signatureCsv(u.groups);
}
