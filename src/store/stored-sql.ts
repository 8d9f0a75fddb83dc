// Stored builds and diagnoses read back, on either database, as the same Diagnosis objects analyze printed
// (for show, the report, reanalyze and fetch).

import { SEVERITIES, type AgentOs, type AgentType, type BuildState, type Diagnosis, type RunnerKind, type Severity } from '../model.js';
import { REDACTION_VERSION, redactStored } from '../secrets/redact.js';
import type { SqlReader } from './sql.js';

/** A stored build: its key, state and where it was read from. */
export interface StoredBuild {
  id: number;
  key: string;
  state: string;
  started: string | null;
  sourcePath: string;
  analyzedAt: string;
  /** 1 when the log was read to the build's end ("Finished building …"), 0 when it stops short (migration 003). */
  finished: number;
  /** 0 for what has no Bamboo build key (a fragment, an agent's own log), stored under `<source>#<n>`. */
  keyed: number;
}

type Row = Record<string, string | number | null>;

/**
 * The diagnosis row holds what the rule found; the build row holds the job context the diagnosis was made
 * in (both are written from the same context in one transaction), so together they rebuild the record.
 */
const SELECT = `SELECT d.*, b.keyed, b.number, b.state, b.agent_container, b.agent_service, b.agent_home, b.agent_os,
  b.runner_image, b.runner_volumes FROM diagnoses d JOIN builds b ON b.id = d.build_id`;

/** Most severe first, in the order of SEVERITIES. */
const SEVERITY_ORDER = `CASE d.severity ${SEVERITIES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ')} ELSE ${SEVERITIES.length} END`;

/** The build stored under the key (or under the key upper-cased, as Bamboo writes keys). */
export async function findBuild(sql: SqlReader, key: string): Promise<StoredBuild | undefined> {
  const [row] = await sql.all<StoredBuild>(
    `SELECT id, build_key AS key, state, started, source_path AS "sourcePath", analyzed_at AS "analyzedAt", finished, keyed
     FROM builds WHERE build_key = ? OR build_key = upper(?) ORDER BY CASE WHEN build_key = ? THEN 0 ELSE 1 END LIMIT 1`,
    [key, key, key],
  );
  return row;
}

/** For a plan result key (`PROJ-PLAN-57`, from a plan's result page): the keys of that result's stored jobs. */
export async function planResultJobs(sql: SqlReader, key: string, limit = 10): Promise<string[]> {
  const m = /^([A-Z][A-Z0-9_]*-[A-Z][A-Z0-9_]*)-(\d+)$/i.exec(key.trim());
  if (!m) return [];
  const rows = await sql.all<{ key: string }>('SELECT build_key AS key FROM builds WHERE plan = ? AND number = ? ORDER BY build_key LIMIT ?', [m[1].toUpperCase(), Number(m[2]), limit]);
  return rows.map((r) => r.key);
}

/** Keys of stored builds that start like `prefix`, whatever its case (for "did you mean"). */
export async function similarBuildKeys(sql: SqlReader, prefix: string, limit = 5): Promise<string[]> {
  const like = `${prefix.replace(/[%_\\]/g, (c) => `\\${c}`).replace(/-\d*$/, '')}%`;
  // SQLite's LIKE ignores ASCII case; PostgreSQL's does not, and ILIKE is its spelling of it.
  const op = sql.dialect === 'sqlite' ? 'LIKE' : 'ILIKE';
  const rows = await sql.all<{ key: string }>(`SELECT build_key AS key FROM builds WHERE build_key ${op} ? ESCAPE '\\' ORDER BY started DESC NULLS LAST LIMIT ?`, [like, limit]);
  return rows.map((r) => r.key);
}

/** Every diagnosis of a build, errors first, then in log order. */
export async function diagnosesOfBuild(sql: SqlReader, buildId: number): Promise<Diagnosis[]> {
  return (await sql.all<Row>(`${SELECT} WHERE d.build_id = ? ORDER BY ${SEVERITY_ORDER}, d.line, d.rule`, [buildId])).map(toDiagnosis);
}

/** The newest diagnosis of each rule (its evidence is the report's example line). */
export async function latestPerRule(sql: SqlReader, rules: string[]): Promise<Map<string, Diagnosis>> {
  const out = new Map<string, Diagnosis>();
  for (const rule of rules) {
    const [row] = await sql.all<Row>(`${SELECT} WHERE d.rule = ? ORDER BY d.at DESC LIMIT 1`, [rule]);
    if (row) out.set(rule, toDiagnosis(row));
  }
  return out;
}

function toDiagnosis(r: Row): Diagnosis {
  const s = (c: string) => r[c] as string | null;
  const d: Diagnosis = {
    rule: s('rule')!,
    title: s('title')!,
    severity: s('severity') as Severity,
    category: s('category')!,
    scenario: s('scenario')!,
    build: r.keyed ? s('build_key') : null,
    plan: s('plan'),
    job: s('job'),
    number: r.number as number | null,
    state: s('state') as BuildState,
    agent: {
      name: s('agent_name'),
      type: s('agent_type') as AgentType,
      container: flag(r.agent_container),
      service: flag(r.agent_service),
      home: s('agent_home'),
      os: s('agent_os') as AgentOs,
    },
    runner: { kind: s('runner_kind') as RunnerKind, image: s('runner_image'), volumes: JSON.parse(s('runner_volumes') ?? '[]') },
    task: r.task_name === null ? null : { name: s('task_name')!, type: s('task_type') },
    source: s('source')!,
    line: r.line as number,
    time: s('time'),
    evidence: JSON.parse(s('evidence')!),
    captures: JSON.parse(s('captures')!),
    count: r.count as number,
    fix: s('fix')!,
    ruleVersion: s('rule_version')!,
  };
  if (r.candidates !== null) d.candidates = JSON.parse(s('candidates')!);
  if (r.note !== null) d.note = s('note')!;
  if (r.cause !== null && r.cause !== undefined) d.cause = JSON.parse(s('cause')!);
  if (r.signature !== null && r.signature !== undefined) d.signature = s('signature')!;
  d.generic = r.generic === 1;
  // Stored by a version that masked less (reanalyze rewrites them): masked on the way out, the database is not written.
  return (r.masked as number) < REDACTION_VERSION ? redactStored(d) : d;
}

const flag = (v: string | number | null): boolean | null => (v === null ? null : v === 1);
