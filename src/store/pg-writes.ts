// The write side in PostgreSQL, set-based: a run of jobs is three statements (builds, old diagnoses out, new ones
// in) whatever its length. Build rows are locked in key order, so two writers of the same builds wait for each
// other instead of deadlocking, and a build one of them stored from a complete log stays as it is.

import type pg from 'pg';
import type { Diagnosis } from '../model.js';
import { BUILD_COLUMNS, DIAGNOSIS_COLUMNS, buildRow, diagnosisRow, type BuildRow, type DiagnosisRow } from './rows.js';
import type { WriteOp } from './writes.js';
import type { IngestItem } from './store.js';

/** PostgreSQL text cannot hold NUL, which a log line may: it is stored as U+FFFD (the replacement character). */
const json = (rows: unknown[]) => JSON.stringify(rows, (_k, v) => (typeof v === 'string' && v.includes('\0') ? v.replaceAll('\0', '\uFFFD') : v));

const recordset = (columns: Record<string, string>, extra = '') =>
  `jsonb_to_recordset($1::jsonb) AS r(${extra}${Object.entries(columns).map(([c, t]) => `${c} ${t}`).join(', ')})`;
const names = (columns: Record<string, string>) => Object.keys(columns).join(', ');
const updates = (columns: Record<string, string>, except: string[]) =>
  Object.keys(columns).filter((c) => !except.includes(c)).map((c) => (c === 'started' ? 'started = coalesce(excluded.started, builds.started)' : `${c} = excluded.${c}`)).join(', ');
const insertBuilds = `INSERT INTO builds (${names(BUILD_COLUMNS)}) SELECT ${names(BUILD_COLUMNS)} FROM ${recordset(BUILD_COLUMNS)} ORDER BY build_key`;

/** Builds of finished or live jobs: replaced unless stored from a complete log while this reading stops short. */
const UPSERT_BUILDS = `${insertBuilds}
  ON CONFLICT (build_key) DO UPDATE SET ${updates(BUILD_COLUMNS, ['build_key'])}
  WHERE builds.finished = 0 OR excluded.finished = 1 RETURNING id, build_key`;
/** Builds of ingested diagnoses: a stored build row stays as it is (NDJSON carries less than the log did). */
const ADD_BUILDS = `${insertBuilds}
  ON CONFLICT (build_key) DO UPDATE SET build_key = excluded.build_key WHERE builds.finished = 0 RETURNING id, build_key`;
const UPSERT_DIAGNOSES = `INSERT INTO diagnoses (build_id, ${names(DIAGNOSIS_COLUMNS)})
  SELECT build_id, ${names(DIAGNOSIS_COLUMNS)} FROM ${recordset(DIAGNOSIS_COLUMNS, 'build_id bigint, ')} ORDER BY build_id, rule
  ON CONFLICT (build_id, rule) DO UPDATE SET ${updates(DIAGNOSIS_COLUMNS, ['rule'])}`;

interface Pending {
  build: BuildRow;
  diagnoses: Map<string, DiagnosisRow>;
  removed: string[];
}

/** Applies the ops in order (a run of the same kind at once); returns how many were kept out. */
export async function applyOps(client: pg.PoolClient, ops: WriteOp[]): Promise<number> {
  let kept = 0;
  for (let i = 0; i < ops.length; ) {
    let j = i + 1;
    while (j < ops.length && ops[j].kind === ops[i].kind && ops[i].kind !== 'drop' && ops[i].kind !== 'finish') j++;
    kept += await applyRun(client, ops.slice(i, j));
    i = j;
  }
  return kept;
}

async function applyRun(client: pg.PoolClient, run: WriteOp[]): Promise<number> {
  const pending = new Map<string, Pending>();
  const keys: string[] = [];
  for (const op of run) {
    if (op.kind === 'drop') {
      await client.query('DELETE FROM builds WHERE build_key = $1', [op.key]);
      return 0;
    }
    if (op.kind === 'finish') {
      await client.query('UPDATE sources SET lines = $1, status = $2, error = $3 WHERE id = $4', [op.lines, op.status, op.error, op.sourceId]);
      return 0;
    }
    const build = buildRow(op.sourceId, op.sourcePath, op.ctx, op.ordinal);
    const key = build.build_key as string;
    keys.push(key);
    // A finished job replaces all its build had, so of one build in a run the last job is what stays.
    const entry: Pending = op.kind === 'job' || !pending.has(key) ? { build, diagnoses: new Map(), removed: [] } : { ...pending.get(key)!, build };
    pending.set(key, entry);
    const written: Diagnosis[] = op.kind === 'job' ? op.diagnoses : op.kind === 'live' ? [op.diagnosis] : op.changed;
    for (const d of written) entry.diagnoses.set(d.rule, diagnosisRow(key, op.ctx, d));
    if (op.kind === 'replace') entry.removed.push(...op.removed);
  }
  const ids = await writeBuilds(client, UPSERT_BUILDS, pending);
  if (run[0].kind === 'job' && ids.size) await client.query('DELETE FROM diagnoses WHERE build_id = ANY($1::bigint[])', [[...ids.values()]]);
  for (const [key, { removed }] of pending) {
    if (removed.length && ids.has(key)) await client.query('DELETE FROM diagnoses WHERE build_id = $1 AND rule = ANY($2::text[])', [ids.get(key), removed]);
  }
  await writeDiagnoses(client, pending, ids);
  return keys.filter((k) => !ids.has(k)).length;
}

/** Ingested diagnoses (NDJSON): added to their builds, the same rule of a build replaced; returns how many were kept out. */
export async function addIngested(client: pg.PoolClient, sourceId: number, items: IngestItem[]): Promise<number> {
  const pending = new Map<string, Pending>();
  const keys: string[] = [];
  for (const { sourcePath, ordinal, ctx, diagnosis } of items) {
    const build = buildRow(sourceId, sourcePath, ctx, ordinal);
    const key = build.build_key as string;
    keys.push(key);
    if (!pending.has(key)) pending.set(key, { build, diagnoses: new Map(), removed: [] });
    // One row per build and rule (a statement may not touch a row twice): the later line wins, as in SQLite.
    pending.get(key)!.diagnoses.set(diagnosis.rule, diagnosisRow(key, ctx, diagnosis));
  }
  const ids = await writeBuilds(client, ADD_BUILDS, pending);
  await writeDiagnoses(client, pending, ids);
  return keys.filter((k) => !ids.has(k)).length;
}

/** The builds' rows; the ids of those written (a build kept out returns none). */
async function writeBuilds(client: pg.PoolClient, sql: string, pending: Map<string, Pending>): Promise<Map<string, number>> {
  const rows = [...pending.values()].map((p) => p.build);
  const written = await client.query<{ id: number; build_key: string }>(sql, [json(rows)]);
  return new Map(written.rows.map((r) => [r.build_key, r.id]));
}

async function writeDiagnoses(client: pg.PoolClient, pending: Map<string, Pending>, ids: Map<string, number>): Promise<void> {
  const rows = [...pending].flatMap(([key, p]) => (ids.has(key) ? [...p.diagnoses.values()].map((row) => ({ build_id: ids.get(key), ...row })) : []));
  if (rows.length) await client.query(UPSERT_DIAGNOSES, [json(rows)]);
}
