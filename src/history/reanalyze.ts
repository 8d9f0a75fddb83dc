// Re-diagnosis after rules change: re-reads recorded sources and replaces only diagnoses of changed rules.

import { existsSync } from 'node:fs';
import { analyze, type InputEvent } from '../analyze.js';
import type { JobSummary, Sink } from '../diagnose/analyzer.js';
import type { Diagnosis, JobContext } from '../model.js';
import type { RuleSet } from '../rules/rule-set.js';
import { buildKeyOf } from '../store/statements.js';
import type { StorePort } from '../store/port.js';
import { recordedSources, sourceName, storedRows, type Recorded, type StoredRow } from '../store/reanalyze-sql.js';
import { UNEXPLAINED_FAILURE_ID } from '../rules/unexplained-failure.js';
import type { Bound } from './time.js';
import type { WriteOp } from '../store/writes.js';
import { REDACTION_VERSION, redact, redactStored } from '../secrets/redact.js';
import type { Remasked } from '../store/remask.js';

export interface ReanalyzeOptions {
  store: StorePort;
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


const ZERO: Changes = { replaced: 0, added: 0, removed: 0, unchanged: 0, kept: 0 };

/**
 * Masks the secrets in what older versions stored (all rows, sources gone or not): diagnoses (with their cause lines),
 * green lines and signatures' templates; returns how many rows changed.
 */
export async function remaskStored(store: StorePort): Promise<Remasked> {
  return store.remask(REDACTION_VERSION, { diagnosis: redactStored, line: redact });
}

export async function reanalyze(options: ReanalyzeOptions): Promise<SourceOutcome[]> {
  const outcomes: SourceOutcome[] = [];
  // Readings a killed run left unfinished are read again below, as the sources they are.
  await options.store.takeInterrupted();
  for (const source of await recordedSources(options.store.sql(), options.since?.value ?? null)) {
    if (!existsSync(source.path)) {
      outcomes.push({ path: source.path, status: 'missing', ...ZERO });
      continue;
    }
    outcomes.push(await reanalyzeSource(options, source));
  }
  return outcomes;
}

async function reanalyzeSource(options: ReanalyzeOptions, source: Recorded): Promise<SourceOutcome> {
  const { store, ruleSet } = options;
  // Stored rows name the source as it was given then (relative paths too); new rows must match them.
  const name = await sourceName(store.sql(), source);
  const jobs: { summary: JobSummary; ordinal: number }[] = [];
  let unkeyed = 0;
  // Numbers jobs without a build key the way StoreSink did, so they meet their stored rows.
  const sink: Sink = { jobEnd: (summary) => jobs.push({ summary, ordinal: summary.ctx.build ? unkeyed : ++unkeyed }) };
  let lines: number | null = null;
  const onInput = (e: InputEvent) => void (e.kind === 'done' && (lines = e.lines));
  const baseline = (plan: string, job: string) => store.greenHashes(plan, job);
  const result = await analyze({
    paths: [source.path], ruleSet, store: null, sinks: [sink], force: true, maxLineBytes: options.maxLineBytes, enrich: options.enrich, onInput, baseline,
  });
  const outcome: SourceOutcome = { path: source.path, status: result.failed.length ? 'failed' : 'read', ...ZERO };
  if (source.status === 'interrupted') {
    outcome.interrupted = true;
    // Read to its end now: the record is complete.
    if (lines !== null) await store.finishSource(source.id, lines, 'done');
  }
  if (result.failed.length) outcome.error = result.failed[0].message;
  const versions = new Map(ruleSet.rules.map((r) => [r.id, r.version]));
  for (const { summary, ordinal } of jobs) {
    const key = buildKeyOf(summary.ctx, name, ordinal).key;
    const fresh = summary.diagnoses.map((d) => ({ ...d, source: name }));
    const tally = { ...ZERO };
    const plan = planChanges(await storedRows(store.sql(), key), fresh, versions, tally);
    const ops: WriteOp[] = [];
    if (plan.changed.length + plan.removed.length) ops.push({ kind: 'replace', sourceId: source.id, sourcePath: name, ctx: summary.ctx, ordinal, changed: plan.changed, removed: plan.removed });
    // A successful build's error-like lines: the baseline of its job (older databases lack it until re-read).
    const c = summary.ctx;
    if (summary.green?.size && c.state === 'successful' && c.plan && c.job && c.build) ops.push({ kind: 'green', plan: c.plan, job: c.job, build: c.build, green: summary.green });
    // Kept out: this source stops short of a build the database holds from a complete log; its rows stay.
    const written = ops.length === 0 || (await store.write(ops)).kept === 0;
    if (written) for (const k of Object.keys(tally) as (keyof Changes)[]) outcome[k] += tally[k];
  }
  return outcome;
}

export type { StoredRow } from '../store/reanalyze-sql.js';

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

