// The write side in PostgreSQL, set-based: a run of jobs is a few statements (builds, old diagnoses out, new ones
// in, their signatures and green lines) whatever its length. Build rows are locked in key order, so two writers of
// the same builds wait for each other instead of deadlocking, and a build one of them stored complete stays.

import type pg from 'pg';
import type { Diagnosis, JobContext } from '../model.js';
import type { GreenLines } from './causes.js';
import { insertGreen, json, saveSignatures, signBuilds, type GreenCache } from './pg-causes.js';
import { buildRow, diagnosisRow } from './rows.js';
import { buildKeyOf, now, type IngestItem } from './statements.js';
import type { WriteOp } from './writes.js';

/** Each column with the parameter of rows.ts that fills it, and its type (jsonb_to_recordset reads by parameter). */
const BUILD_COLUMNS: [string, string, string][] = [
  ['build_key', 'key', 'text'], ['keyed', 'keyed', 'int'], ['plan', 'plan', 'text'], ['job', 'job', 'text'], ['number', 'number', 'int'],
  ['state', 'state', 'text'], ['bamboo_version', 'bambooVersion', 'text'], ['agent_name', 'agentName', 'text'], ['agent_type', 'agentType', 'text'],
  ['agent_container', 'agentContainer', 'int'], ['agent_service', 'agentService', 'int'], ['agent_home', 'agentHome', 'text'],
  ['runner_kind', 'runnerKind', 'text'], ['runner_image', 'runnerImage', 'text'], ['runner_volumes', 'runnerVolumes', 'text'],
  ['started', 'started', 'text'], ['source_id', 'sourceId', 'bigint'], ['source_path', 'sourcePath', 'text'], ['analyzed_at', 'at', 'text'],
  ['finished', 'finished', 'int'], ['agent_os', 'agentOs', 'text'],
];
const DIAGNOSIS_COLUMNS: [string, string, string][] = [
  ['build_id', 'buildId', 'bigint'], ['rule', 'rule', 'text'], ['rule_version', 'ruleVersion', 'text'], ['title', 'title', 'text'],
  ['severity', 'severity', 'text'], ['category', 'category', 'text'], ['scenario', 'scenario', 'text'], ['candidates', 'candidates', 'text'],
  ['task_name', 'taskName', 'text'], ['task_type', 'taskType', 'text'], ['source', 'source', 'text'], ['line', 'line', 'int'],
  ['time', 'time', 'text'], ['at', 'at', 'text'], ['count', 'count', 'int'], ['evidence', 'evidence', 'text'], ['captures', 'captures', 'text'],
  ['fix', 'fix', 'text'], ['note', 'note', 'text'], ['build_key', 'buildKey', 'text'], ['plan', 'plan', 'text'], ['job', 'job', 'text'],
  ['agent_name', 'agentName', 'text'], ['agent_type', 'agentType', 'text'], ['runner_kind', 'runnerKind', 'text'], ['masked', 'masked', 'int'],
  ['cause', 'cause', 'text'], ['cause_pool', 'causePool', 'text'], ['signature', 'signature', 'text'], ['generic', 'generic', 'int'],
];

function insertFrom(table: string, columns: [string, string, string][], order: string): string {
  const record = columns.map(([, p, t]) => `"${p}" ${t}`).join(', ');
  return `INSERT INTO ${table} (${columns.map(([c]) => c).join(', ')})
    SELECT ${columns.map(([, p]) => `r."${p}"`).join(', ')} FROM jsonb_to_recordset($1::jsonb) AS r(${record}) ORDER BY ${order}`;
}
const updates = (columns: [string, string, string][], except: string[]) =>
  columns.filter(([c]) => !except.includes(c)).map(([c]) => (c === 'started' ? 'started = coalesce(excluded.started, builds.started)' : `${c} = excluded.${c}`)).join(', ');

/** Builds of finished or live jobs: replaced unless stored from a complete log while this reading stops short. */
const UPSERT_BUILDS = `${insertFrom('builds', BUILD_COLUMNS, 'r."key"')}
  ON CONFLICT (build_key) DO UPDATE SET ${updates(BUILD_COLUMNS, ['build_key'])}
  WHERE builds.finished = 0 OR excluded.finished = 1 RETURNING id, build_key, signature`;
/** Builds of ingested diagnoses: a stored build row stays as it is (NDJSON carries less than the log did). */
const ADD_BUILDS = `${insertFrom('builds', BUILD_COLUMNS, 'r."key"')}
  ON CONFLICT (build_key) DO UPDATE SET build_key = excluded.build_key WHERE builds.finished = 0 RETURNING id, build_key, signature`;
const UPSERT_DIAGNOSES = `${insertFrom('diagnoses', DIAGNOSIS_COLUMNS, 'r."buildId", r."rule"')}
  ON CONFLICT (build_id, rule) DO UPDATE SET ${updates(DIAGNOSIS_COLUMNS, ['build_id', 'rule'])}`;

interface Pending {
  ctx: JobContext;
  build: ReturnType<typeof buildRow>;
  diagnoses: Map<string, Diagnosis>;
  removed: string[];
  green?: GreenLines;
}

/** Ops applied one by one; runs of the others are applied at once. */
const ALONE = ['drop', 'green'];

type Finish = Extract<WriteOp, { kind: 'finish' }>;

/**
 * Applies the ops in order (a run of the same kind at once); returns how many were kept out. The sources' ends
 * come last, in one statement: they are in the same transaction as their jobs all the same, and the jobs of many
 * small sources then make one run (a folder of job logs paid ~5 statements a log).
 */
export async function applyOps(client: pg.PoolClient, ops: WriteOp[], greens: GreenCache): Promise<number> {
  const finishes = ops.filter((op): op is Finish => op.kind === 'finish');
  const rest = finishes.length ? ops.filter((op) => op.kind !== 'finish') : ops;
  let kept = 0;
  for (let i = 0; i < rest.length; ) {
    let j = i + 1;
    while (j < rest.length && rest[j].kind === rest[i].kind && ALONE.indexOf(rest[i].kind) < 0) j++;
    kept += await applyRun(client, rest.slice(i, j), greens);
    i = j;
  }
  if (finishes.length) {
    const column = <K extends keyof Finish>(k: K) => finishes.map((f) => f[k]);
    await client.query(
      `UPDATE sources SET lines = f.lines, status = f.status, error = f.error
       FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS f(id, lines, status, error) WHERE sources.id = f.id`,
      [column('sourceId'), column('lines'), column('status'), column('error')],
    );
  }
  return kept;
}

async function applyRun(client: pg.PoolClient, run: WriteOp[], greens: GreenCache): Promise<number> {
  const first = run[0];
  if (first.kind === 'drop') return void (await client.query('DELETE FROM builds WHERE build_key = $1', [first.key])), 0;
  if (first.kind === 'green') return void (await insertGreen(client, [[first.plan, first.job, first.build, first.green]], greens)), 0;
  const pending = new Map<string, Pending>();
  const keys: string[] = [];
  for (const op of run as Exclude<WriteOp, { kind: 'drop' | 'finish' | 'green' }>[]) {
    const { key, keyed } = buildKeyOf(op.ctx, op.sourcePath, op.ordinal);
    keys.push(key);
    const build = buildRow(op.ctx, key, keyed, op.sourceId, op.sourcePath, now());
    // A finished job replaces all its build had, so of one build in a run the last job is what stays.
    const entry: Pending = op.kind === 'job' || !pending.has(key) ? { ctx: op.ctx, build, diagnoses: new Map(), removed: [] } : { ...pending.get(key)!, ctx: op.ctx, build };
    pending.set(key, entry);
    for (const d of op.kind === 'job' ? op.diagnoses : op.kind === 'live' ? [op.diagnosis] : op.changed) entry.diagnoses.set(d.rule, d);
    if (op.kind === 'replace') entry.removed.push(...op.removed);
    if (op.kind === 'job') entry.green = op.green;
  }
  const written = await writeBuilds(client, UPSERT_BUILDS, pending);
  const ids = [...written.values()].map((w) => w.id);
  if (first.kind === 'job' && ids.length) await client.query('DELETE FROM diagnoses WHERE build_id = ANY($1::bigint[])', [ids]);
  for (const [key, { removed }] of pending) {
    if (removed.length && written.has(key)) await client.query('DELETE FROM diagnoses WHERE build_id = $1 AND rule = ANY($2::text[])', [written.get(key)!.id, removed]);
  }
  await writeDiagnoses(client, pending, written);
  await saveGreen(client, pending, written, greens);
  return keys.filter((k) => !written.has(k)).length;
}

/** Ingested diagnoses (NDJSON): added to their builds, the same rule of a build replaced; returns how many were kept out. */
export async function addIngested(client: pg.PoolClient, sourceId: number, items: IngestItem[]): Promise<number> {
  const pending = new Map<string, Pending>();
  const keys: string[] = [];
  for (const { sourcePath, ordinal, ctx, diagnosis } of items) {
    const { key, keyed } = buildKeyOf(ctx, sourcePath, ordinal);
    keys.push(key);
    if (!pending.has(key)) pending.set(key, { ctx, build: buildRow(ctx, key, keyed, sourceId, sourcePath, now()), diagnoses: new Map(), removed: [] });
    // One row per build and rule (a statement may not touch a row twice): the later line wins, as in SQLite.
    pending.get(key)!.diagnoses.set(diagnosis.rule, diagnosis);
  }
  const written = await writeBuilds(client, ADD_BUILDS, pending);
  await writeDiagnoses(client, pending, written);
  return keys.filter((k) => !written.has(k)).length;
}

type Written = Map<string, { id: number; signature: string | null }>;

/** The builds' rows; those written (a build kept out returns none), with the signature they had. */
async function writeBuilds(client: pg.PoolClient, sql: string, pending: Map<string, Pending>): Promise<Written> {
  const rows = [...pending.values()].map((p) => p.build);
  const result = await client.query<{ id: number; build_key: string; signature: string | null }>(sql, [json(rows)]);
  return new Map(result.rows.map((r) => [r.build_key, { id: r.id, signature: r.signature }]));
}

/** The diagnoses of the written builds, their signatures' templates, and the builds' own signatures. */
async function writeDiagnoses(client: pg.PoolClient, pending: Map<string, Pending>, written: Written): Promise<void> {
  const rows: ReturnType<typeof diagnosisRow>[] = [];
  const templates = new Map<string, string>();
  const signed: number[] = [];
  for (const [key, p] of pending) {
    const build = written.get(key);
    if (!build) continue;
    let signs = build.signature !== null;
    for (const d of p.diagnoses.values()) {
      rows.push(diagnosisRow({ id: build.id, key }, p.ctx, d, now()));
      if (!d.signature) continue;
      signs = true;
      if (d.template) templates.set(d.signature, d.template);
    }
    if (signs) signed.push(build.id);
  }
  if (rows.length) await client.query(UPSERT_DIAGNOSES, [json(rows)]);
  await saveSignatures(client, templates);
  await signBuilds(client, signed);
}

/**
 * A successful build's error-like lines become its job's baseline, and the stored causes of the job's failed builds
 * are ranked again with it (see insertGreen).
 */
async function saveGreen(client: pg.PoolClient, pending: Map<string, Pending>, written: Written, greens: GreenCache): Promise<void> {
  const lines: [string, string, string, GreenLines][] = [];
  for (const [key, p] of pending) {
    const { plan, job, state } = p.ctx;
    if (p.green?.size && state === 'successful' && plan && job && written.has(key)) lines.push([plan, job, key, p.green]);
  }
  await insertGreen(client, lines, greens);
}
