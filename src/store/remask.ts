// Masks again, in either database, every text from the log that an older masking version stored: diagnoses'
// evidence, captures, fix, cause lines and their pool; green lines' samples and templates; signatures' templates.

import type { StoredLogText } from '../secrets/redact.js';
import type { SqlReader } from './sql.js';

/** The texts of a stored diagnosis that come from the log and may hold secrets, all of them read. */
export type StoredText = Required<StoredLogText>;

/** How stored text is masked: a diagnosis's texts together (a fix quotes its evidence), and one line alone. */
export interface Masking {
  diagnosis(d: StoredText): StoredText;
  line(text: string): string;
}

/** Rows whose text the masking changed: diagnoses, and lines (green lines' samples, signatures' templates). */
export interface Remasked {
  diagnoses: number;
  lines: number;
}

/** Statements with `?` placeholders, applied by the store in one transaction. */
export type Update = [sql: string, params: unknown[]];

const BATCH = 1000;

interface DiagnosisRow {
  id: number;
  evidence: string;
  captures: string;
  fix: string;
  cause: string | null;
  causePool: string | null;
}

/**
 * Rows whose `masked` is below `version` (stored by an older masking, or none: 0) are masked with `mask` and marked
 * with `version`, a thousand at a time, each batch one transaction (`apply`); a row found by the key it follows.
 */
export async function remaskRows(sql: SqlReader, apply: (updates: Update[]) => Promise<void>, version: number, mask: Masking): Promise<Remasked> {
  const diagnoses = await batches<DiagnosisRow>(sql, apply, {
    select: 'SELECT id, evidence, captures, fix, cause, cause_pool AS "causePool" FROM diagnoses WHERE masked < ? AND id > ? ORDER BY id LIMIT ?',
    key: (r) => [r.id],
    start: [0],
    mark: (n) => `UPDATE diagnoses SET masked = ? WHERE id IN (${list(n, '?')})`,
    update: (r) => {
      const d = mask.diagnosis({ evidence: JSON.parse(r.evidence), captures: JSON.parse(r.captures), fix: r.fix, cause: parsed(r.cause), causePool: parsed(r.causePool) });
      const texts = [JSON.stringify(d.evidence), JSON.stringify(d.captures), d.fix, d.cause && JSON.stringify(d.cause), d.causePool && JSON.stringify(d.causePool)];
      const sql = 'UPDATE diagnoses SET evidence = ?, captures = ?, fix = ?, cause = ?, cause_pool = ?, masked = ? WHERE id = ?';
      return [[sql, [...texts, version, r.id]], texts.some((t, i) => t !== [r.evidence, r.captures, r.fix, r.cause, r.causePool][i])];
    },
  }, version);
  const green = await batches<{ plan: string; job: string; hash: string; template: string; sample: string }>(sql, apply, {
    select: 'SELECT plan, job, hash, template, sample FROM green_lines WHERE masked < ? AND (plan, job, hash) > (?, ?, ?) ORDER BY plan, job, hash LIMIT ?',
    key: (r) => [r.plan, r.job, r.hash],
    start: ['', '', ''],
    mark: (n) => `UPDATE green_lines SET masked = ? WHERE (plan, job, hash) IN (${list(n, '(?, ?, ?)')})`,
    update: (r) => {
      const [template, sample] = [mask.line(r.template), mask.line(r.sample)];
      const sql = 'UPDATE green_lines SET template = ?, sample = ?, masked = ? WHERE plan = ? AND job = ? AND hash = ?';
      return [[sql, [template, sample, version, r.plan, r.job, r.hash]], template !== r.template || sample !== r.sample];
    },
  }, version);
  const signatures = await batches<{ hash: string; template: string }>(sql, apply, {
    select: 'SELECT hash, template FROM signatures WHERE masked < ? AND hash > ? ORDER BY hash LIMIT ?',
    key: (r) => [r.hash],
    start: [''],
    mark: (n) => `UPDATE signatures SET masked = ? WHERE hash IN (${list(n, '?')})`,
    update: (r) => {
      const template = mask.line(r.template);
      return [['UPDATE signatures SET template = ?, masked = ? WHERE hash = ?', [template, version, r.hash]], template !== r.template];
    },
  }, version);
  return { diagnoses, lines: green + signatures };
}

const parsed = <T>(json: string | null): T | null => (json === null ? null : (JSON.parse(json) as T));

interface Pass<R> {
  select: string;
  key: (row: R) => unknown[];
  start: unknown[];
  /** The row's update, and whether the masking changed its text. */
  update: (row: R) => [Update, boolean];
  /** One statement that marks `n` rows, given by their keys, as masked with the version (their text stays). */
  mark: (n: number) => string;
}

const list = (n: number, item: string): string => Array.from({ length: n }, () => item).join(', ');

/** One table, batch by batch in key order; returns how many rows changed. */
async function batches<R>(sql: SqlReader, apply: (updates: Update[]) => Promise<void>, pass: Pass<R>, version: number): Promise<number> {
  let changed = 0;
  for (let after = pass.start; ; ) {
    const rows = await sql.all<R>(pass.select, [version, ...after, BATCH]);
    if (rows.length === 0) return changed;
    // Rows the masking changed are written one by one; the others (most) are only marked, in one statement: a
    // statement is a round trip to PostgreSQL.
    const updates: Update[] = [];
    const same: unknown[] = [];
    for (const r of rows) {
      const [update, differs] = pass.update(r);
      if (differs) {
        changed++;
        updates.push(update);
      } else same.push(...pass.key(r));
    }
    if (same.length) updates.push([pass.mark(same.length / pass.start.length), [version, ...same]]);
    await apply(updates);
    after = pass.key(rows.at(-1)!);
  }
}
