// The parameters of a build row and a diagnosis row as the store's statements write them.

import type { Diagnosis, JobContext } from '../model.js';
import { REDACTION_VERSION } from '../secrets/redact.js';

const bool = (v: boolean | null): number | null => (v === null ? null : v ? 1 : 0);

/** A build's columns (named parameters of the builds upsert). */
export function buildRow(ctx: JobContext, key: string, keyed: boolean, sourceId: number | null, sourcePath: string, at: string) {
  return {
    key,
    keyed: keyed ? 1 : 0,
    plan: ctx.plan,
    job: ctx.job,
    number: ctx.number,
    state: ctx.state,
    bambooVersion: ctx.bambooVersion,
    agentName: ctx.agent.name,
    agentType: ctx.agent.type,
    agentContainer: bool(ctx.agent.container),
    agentService: bool(ctx.agent.service),
    agentHome: ctx.agent.home,
    runnerKind: ctx.runner.kind,
    runnerImage: ctx.runner.image,
    runnerVolumes: JSON.stringify(ctx.runner.volumes),
    started: ctx.started,
    sourceId,
    sourcePath,
    at,
    finished: ctx.finished ? 1 : 0,
    agentOs: ctx.agent.os,
  };
}

/** A diagnosis' columns (named parameters of the diagnoses upsert); `now` places one with no time of its own. */
export function diagnosisRow(build: { id: number; key: string }, ctx: JobContext, d: Diagnosis, now: string) {
  return {
    buildId: build.id,
    rule: d.rule,
    ruleVersion: d.ruleVersion,
    title: d.title,
    severity: d.severity,
    category: d.category,
    scenario: d.scenario,
    candidates: d.candidates ? JSON.stringify(d.candidates) : null,
    taskName: d.task?.name ?? null,
    taskType: d.task?.type ?? null,
    source: d.source,
    line: d.line,
    time: d.time,
    at: d.time ?? ctx.started ?? now.slice(0, 19),
    count: d.count,
    evidence: JSON.stringify(d.evidence),
    captures: JSON.stringify(d.captures),
    fix: d.fix,
    note: d.note ?? null,
    buildKey: build.key,
    plan: d.plan,
    job: d.job,
    agentName: d.agent.name,
    agentType: d.agent.type,
    runnerKind: d.runner.kind,
    // Diagnoses come masked from the analyzer (JobRun.fire, renderTemplate, causeText): say with which version.
    masked: REDACTION_VERSION,
    cause: d.cause ? JSON.stringify(d.cause) : null,
    causePool: d.causePool?.length ? JSON.stringify(d.causePool) : null,
    signature: d.signature ?? null,
    generic: d.generic ? 1 : 0,
  };
}
