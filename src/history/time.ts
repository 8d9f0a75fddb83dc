// Time bounds for history queries: ISO dates and relative forms (`7d`, `24h`, `2w`), ISO weeks, local ISO times.

import { UsageError } from '../errors.js';

/**
 * A diagnosis' `at` is the log's local time without a zone (DESIGN.md), so "now" and relative bounds are
 * taken in the local time of the machine that runs the query, in the same `YYYY-MM-DDTHH:MM:SS` form.
 */
export function localIso(date: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${p(date.getFullYear(), 4)}-${p(date.getMonth() + 1)}-${p(date.getDate())}` +
    `T${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`
  );
}

const RELATIVE = /^(\d+)\s*([hdw])$/i;
const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2})?)?$/;
const HOURS: Record<string, number> = { h: 1, d: 24, w: 24 * 7 };

/** A resolved bound: compare `at` with `value`; `inclusive` false means strictly below. */
export type { Bound } from '../store/history-sql.js';
import type { Bound } from '../store/history-sql.js';

/**
 * `--since X`: diagnoses at or after X. `--until X`: at or before X; a date alone means the whole of that day.
 * Relative forms count back from `now`.
 */
export function parseBound(text: string, option: 'since' | 'until', now: Date): Bound {
  const rel = RELATIVE.exec(text.trim());
  if (rel) {
    const ms = Number(rel[1]) * HOURS[rel[2].toLowerCase()] * 3_600_000;
    return { value: localIso(new Date(now.getTime() - ms)), inclusive: true };
  }
  const iso = ISO.exec(text.trim());
  if (!iso || !isCalendarDate(iso[1])) {
    throw new UsageError(
      `--${option} ${text}: expected an ISO date or time (2025-10-01, 2025-10-01T14:30) or a relative age (24h, 7d, 2w)`,
    );
  }
  if (!iso[2]) {
    return option === 'since' ? { value: `${iso[1]}T00:00:00`, inclusive: true } : { value: nextDay(iso[1]), inclusive: false };
  }
  return { value: `${iso[1]}T${iso[2]}${iso[3] ?? ':00'}`, inclusive: true };
}

/** A real day: Date.parse takes 2026-02-30 for 2 March, so the date must survive a round trip. */
function isCalendarDate(date: string): boolean {
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date;
}

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return `${d.toISOString().slice(0, 10)}T00:00:00`;
}

/** The ISO week of a local ISO time, as SQLite's strftime('%G-W%V') writes it: `2025-W45`. */
export function isoWeek(at: string): string {
  const d = new Date(`${at.slice(0, 10)}T00:00:00Z`);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday 0
  d.setUTCDate(d.getUTCDate() - weekday + 3); // the Thursday of this week decides the year
  const year = d.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  firstThursday.setUTCDate(firstThursday.getUTCDate() - ((firstThursday.getUTCDay() + 6) % 7) + 3);
  const week = 1 + Math.round((d.getTime() - firstThursday.getTime()) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Consecutive bucket labels (`day`: 2025-11-03, `week`: 2025-W45) from the one holding `from` to the one holding `to`. */
export function buckets(unit: 'day' | 'week', from: string, to: string, max = 400): string[] {
  const step = unit === 'day' ? 1 : 7;
  const label = (d: Date) => (unit === 'day' ? d.toISOString().slice(0, 10) : isoWeek(d.toISOString()));
  const end = label(new Date(`${to.slice(0, 10)}T00:00:00Z`));
  const out: string[] = [];
  const d = new Date(`${from.slice(0, 10)}T00:00:00Z`);
  if (unit === 'week') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  while (out.length < max) {
    const l = label(d);
    out.push(l);
    if (l >= end) break;
    d.setUTCDate(d.getUTCDate() + step);
  }
  return out;
}

/** The `n` buckets that end with the one holding `to`. */
export function lastBuckets(unit: 'day' | 'week', to: string, n: number): string[] {
  const start = new Date(`${to.slice(0, 10)}T00:00:00Z`);
  start.setUTCDate(start.getUTCDate() - (n - 1) * (unit === 'day' ? 1 : 7));
  return buckets(unit, start.toISOString(), to).slice(-n);
}
