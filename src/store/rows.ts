// A build and a diagnosis as table rows (column name → value), with each column's PostgreSQL type: one mapping
// from the pipeline's objects to the schema, whatever database receives them.

import type { Diagnosis, JobContext } from '../model.js';
import { REDACTION_VERSION } from '../secrets/redact.js';
import { buildKeyOf, now } from './statements.js';

export { now };

const bool = (v: boolean | null): number | null => (v === null ? null : v ? 1 : 0);

/** The columns of `builds` a write sets, and their types (for jsonb_to_recordset). */
export const BUILD_COLUMNS = {
  build_key: 'text', keyed: 'int', plan: 'text', job: 'text', number: 'int', state: 'text', bamboo_version: 'text',
  agent_name: 'text', agent_type: 'text', agent_container: 'int', agent_service: 'int', agent_home: 'text',
  runner_kind: 'text', runner_image: 'text', runner_volumes: 'text', started: 'text', source_id: 'bigint',
  source_path: 'text', analyzed_at: 'text', finished: 'int', agent_os: 'text',
} as const;

export type BuildRow = Record<keyof typeof BUILD_COLUMNS, string | number | null>;

export function buildRow(sourceId: number | null, sourcePath: string, ctx: JobContext, ordinal: number): BuildRow {
  const { key, keyed } = buildKeyOf(ctx, sourcePath, ordinal);
  return {
    build_key: key,
    keyed: keyed ? 1 : 0,
    plan: ctx.plan,
    job: ctx.job,
    number: ctx.number,
    state: ctx.state,
    bamboo_version: ctx.bambooVersion,
    agent_name: ctx.agent.name,
    agent_type: ctx.agent.type,
    agent_container: bool(ctx.agent.container),
    agent_service: bool(ctx.agent.service),
    agent_home: ctx.agent.home,
    runner_kind: ctx.runner.kind,
    runner_image: ctx.runner.image,
    runner_volumes: JSON.stringify(ctx.runner.volumes),
    started: ctx.started,
    source_id: sourceId,
    source_path: sourcePath,
    analyzed_at: now(),
    finished: ctx.finished ? 1 : 0,
    agent_os: ctx.agent.os ?? 'unknown', // a context built by hand before agent.os existed lacks it
  };
}

/** The columns of `diagnoses` a write sets besides build_id, and their types. */
export const DIAGNOSIS_COLUMNS = {
  rule: 'text', rule_version: 'text', title: 'text', severity: 'text', category: 'text', scenario: 'text',
  candidates: 'text', task_name: 'text', task_type: 'text', source: 'text', line: 'int', time: 'text', at: 'text',
  count: 'int', evidence: 'text', captures: 'text', fix: 'text', note: 'text', build_key: 'text', plan: 'text',
  job: 'text', agent_name: 'text', agent_type: 'text', runner_kind: 'text', masked: 'int',
} as const;

export type DiagnosisRow = Record<keyof typeof DIAGNOSIS_COLUMNS, string | number | null>;

export function diagnosisRow(buildKey: string, ctx: JobContext, d: Diagnosis): DiagnosisRow {
  return {
    rule: d.rule,
    rule_version: d.ruleVersion,
    title: d.title,
    severity: d.severity,
    category: d.category,
    scenario: d.scenario,
    candidates: d.candidates ? JSON.stringify(d.candidates) : null,
    task_name: d.task?.name ?? null,
    task_type: d.task?.type ?? null,
    source: d.source,
    line: d.line,
    time: d.time,
    at: d.time ?? ctx.started ?? now().slice(0, 19),
    count: d.count,
    evidence: JSON.stringify(d.evidence),
    captures: JSON.stringify(d.captures),
    fix: d.fix,
    note: d.note ?? null,
    build_key: buildKey,
    plan: d.plan,
    job: d.job,
    agent_name: d.agent.name,
    agent_type: d.agent.type,
    runner_kind: d.runner.kind,
    // Diagnoses come masked from the analyzer: say with which version (as SQLite's rows do).
    masked: REDACTION_VERSION,
  };
}
