// Re-diagnosis after rules change: re-reads recorded sources and replaces only diagnoses of changed rules.

import { existsSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { analyze, type InputEvent } from '../analyze.js';
import type { JobSummary, Sink } from '../diagnose/analyzer.js';
import type { Diagnosis, JobContext } from '../model.js';
import type { RuleSet } from '../rules/rule-set.js';
import { buildKeyOf, type Store } from '../store/store.js';
import { UNEXPLAINED_FAILURE_ID } from '../rules/unexplained-failure.js';
import type { Bound } from './time.js';
import { REDACTION_VERSION, redactStored } from '../secrets/redact.js';

export interface ReanalyzeOptions {
  store: Store;
  ruleSet: RuleSet;
  /** Only sources holding a build that started at or after this (or, holding none, read since). */
  since?: Bound;
  maxLineBytes?: number;
  /** What `--agents` / `--specs` add to each job, as when the logs were first analysed. */
  enrich?: (ctx: JobContext) => void;
}

export interface Changes {
  /** Stale rows (another rule version) rewritten in place, ids kept. */
  replaced: number;
  /** Diagnoses the build did not have (a new rule, or a rule that now matches). */
  added: number;
  /** Stale rows whose rule no longer fires in that build. */
  removed: number;
  /** Rows already made by the loaded rule version: left untouched. */
  unchanged: number;
  /** Rows of rules that are not loaded now (e.g. from a `--rules` folder not given): left untouched. */
  kept: number;
}

export interface SourceOutcome extends Changes {
  path: string;
  status: 'read' | 'missing' | 'failed';
  /** The newest reading of it was left unfinished: a run was killed while reading it. */
  interrupted?: boolean;
  error?: string;
}

interface Recorded {
  id: number;
  path: string;
  status: string;
}

const ZERO: Changes = { replaced: 0, added: 0, removed: 0, unchanged: 0, kept: 0 };

/** Masks the secrets in what older versions stored (all rows, sources gone or not); returns how many rows changed. */
export function remaskStored(store: Store): number {
  return store.remask(REDACTION_VERSION, redactStored);
}

export async function reanalyze(options: ReanalyzeOptions): Promise<SourceOutcome[]> {
  const outcomes: SourceOutcome[] = [];
  // Readings a killed run left unfinished are read again below, as the sources they are.
  options.store.takeInterrupted();
  for (const source of recordedSources(options.store.db, options.since)) {
    if (!existsSync(source.path)) {
      outcomes.push({ path: source.path, status: 'missing', ...ZERO });
      continue;
    }
    outcomes.push(await reanalyzeSource(options, source));
  }
  return outcomes;
}

/** The newest record of each file read before, followed ones too (stdin cannot be read again). */
function recordedSources(db: Database.Database, since: Bound | undefined): Recorded[] {
  const owns = 'SELECT 1 FROM builds b JOIN sources o ON o.id = b.source_id WHERE o.path = s.path';
  return db
    .prepare(
      `SELECT max(s.id) AS id, s.path, s.status FROM sources s WHERE s.kind IN ('file', 'follow') AND s.status IN ('done', 'partial', 'interrupted')
       GROUP BY s.path
       HAVING ? IS NULL OR EXISTS (${owns} AND b.started >= ?) OR (NOT EXISTS (${owns}) AND max(s.ingested_at) >= ?)
       ORDER BY s.path`,
    )
    .all(since?.value ?? null, since?.value ?? null, since?.value ?? null) as Recorded[];
}

async function reanalyzeSource(options: ReanalyzeOptions, source: Recorded): Promise<SourceOutcome> {
  const { store, ruleSet } = options;
  // Stored rows name the source as it was given then (relative paths too); new rows must match them.
  const name = sourceName(store.db, source);
  const jobs: { summary: JobSummary; ordinal: number }[] = [];
  let unkeyed = 0;
  // Numbers jobs without a build key the way StoreSink did, so they meet their stored rows.
  const sink: Sink = { jobEnd: (summary) => jobs.push({ summary, ordinal: summary.ctx.build ? unkeyed : ++unkeyed }) };
  let lines: number | null = null;
  const onInput = (e: InputEvent) => void (e.kind === 'done' && (lines = e.lines));
  const baseline = (plan: string, job: string) => store.causes.greenHashes(plan, job);
  const result = await analyze({
    paths: [source.path], ruleSet, store: null, sinks: [sink], force: true, maxLineBytes: options.maxLineBytes, enrich: options.enrich, onInput, baseline,
  });
  const outcome: SourceOutcome = { path: source.path, status: result.failed.length ? 'failed' : 'read', ...ZERO };
  if (source.status === 'interrupted') {
    outcome.interrupted = true;
    // Read to its end now: the record is complete.
    if (lines !== null) store.finishSource(source.id, lines, 'done');
  }
  if (result.failed.length) outcome.error = result.failed[0].message;
  const versions = new Map(ruleSet.rules.map((r) => [r.id, r.version]));
  for (const { summary, ordinal } of jobs) {
    const key = buildKeyOf(summary.ctx, name, ordinal).key;
    const fresh = summary.diagnoses.map((d) => ({ ...d, source: name }));
    const tally = { ...ZERO };
    const plan = planChanges(storedVersions(store.db, key), fresh, versions, tally);
    const written = plan.changed.length + plan.removed.length === 0 || store.replaceDiagnoses(source.id, name, summary.ctx, ordinal, plan.changed, plan.removed);
    // Not written: this source stops short of a build the database holds from a complete log; its rows stay.
    if (written) for (const k of Object.keys(tally) as (keyof Changes)[]) outcome[k] += tally[k];
    // A successful build's error-like lines: the baseline of its job (older databases lack it until re-read).
    const c = summary.ctx;
    if (summary.green?.size && c.state === 'successful' && c.plan && c.job && c.build) store.causes.saveGreenNow(c.plan, c.job, c.build, summary.green);
  }
  return outcome;
}

/** A stored diagnosis row as planChanges compares it (severity and signature when known). */
export interface StoredRow {
  rule: string;
  version: string;
  severity?: string;
  signature?: string | null;
}

/**
 * Compares a build's stored rows with a fresh diagnosis; counts into `tally`. A row of the current rule version
 * still changes when what it owes to other rules does: its severity (a generic rule folded by a new specific
 * one), its cause lines' signature, or, for `unexplained-failure`, whether it is raised at all.
 */
export function planChanges(
  stored: StoredRow[],
  fresh: Diagnosis[],
  versions: Map<string, string>,
  tally: Changes,
): { changed: Diagnosis[]; removed: string[] } {
  const pending = new Map(fresh.map((d) => [d.rule, d]));
  const changed: Diagnosis[] = [];
  const removed: string[] = [];
  for (const row of stored) {
    const current = versions.get(row.rule);
    const d = pending.get(row.rule);
    pending.delete(row.rule);
    if (current === undefined) {
      tally.kept++;
    } else if (row.version === current && d && !differs(row, d)) {
      tally.unchanged++;
    } else if (row.version === current && !d && row.rule !== UNEXPLAINED_FAILURE_ID) {
      tally.unchanged++;
    } else if (d) {
      changed.push(d);
      tally.replaced++;
    } else {
      removed.push(row.rule);
      tally.removed++;
    }
  }
  for (const d of pending.values()) changed.push(d);
  tally.added += pending.size;
  return { changed, removed };
}

function differs(row: StoredRow, d: Diagnosis): boolean {
  if (row.severity !== undefined && row.severity !== d.severity) return true;
  return row.signature !== undefined && (row.signature ?? null) !== (d.signature ?? null);
}

function storedVersions(db: Database.Database, key: string): StoredRow[] {
  return db
    .prepare('SELECT d.rule, d.rule_version AS version, d.severity, d.signature FROM diagnoses d JOIN builds b ON b.id = d.build_id WHERE b.build_key = ?')
    .all(key) as StoredRow[];
}

/**
 * The name the newest reading of the file gave its builds: a followed file names each generation apart
 * (`agent.log (2)` after a rotation), and what is there now is the newest one, whose unkeyed builds
 * (`agent.log (2)#1`) must be met, not those of an older generation.
 */
function sourceName(db: Database.Database, source: Recorded): string {
  const named = (where: string, value: number | string) =>
    db.prepare(`SELECT b.source_path AS name FROM builds b JOIN sources s ON s.id = b.source_id WHERE ${where} ORDER BY b.id LIMIT 1`).get(value) as
      | { name: string }
      | undefined;
  return (named('s.id = ?', source.id) ?? named('s.path = ?', source.path))?.name ?? source.path;
}
