// The prepared statements and transactions of the store: the only SQL that writes builds, diagnoses and sources.

import type Database from 'better-sqlite3';
import type { Diagnosis, JobContext } from '../model.js';
import type { CauseStore, GreenLines } from './causes.js';
import { buildRow, diagnosisRow } from './rows.js';

export const now = (): string => new Date().toISOString();

/** The key a build is stored under: Bamboo's result key, or its source and position for a fragment. */
export function buildKeyOf(ctx: JobContext, sourcePath: string, ordinal: number): { key: string; keyed: boolean } {
  return ctx.build ? { key: ctx.build, keyed: true } : { key: unkeyedBuildKey(sourcePath, ordinal), keyed: false };
}

/** A job with no Bamboo build key: `<source>#<n>`, n counting such jobs in their source from 1. */
export const unkeyedBuildKey = (sourcePath: string, ordinal: number): string => `${sourcePath}#${ordinal}`;

type Save<A extends unknown[]> = (sourceId: number | null, sourcePath: string, ctx: JobContext, ordinal: number, ...rest: A) => boolean;

export interface Statements {
  insertSource: Database.Statement;
  readingAll: Database.Statement;
  markInterrupted: Database.Statement;
  finishSource: Database.Statement;
  dropBuild: Database.Statement;
  /** Each a transaction: false when the database keeps the build from a complete log (see keepsComplete). */
  saveJob: Save<[diagnoses: Diagnosis[], green?: GreenLines]>;
  replaceSome: Save<[changed: Diagnosis[], removed: string[]]>;
  saveOne: Save<[d: Diagnosis]>;
  /** A transaction: returns how many items were kept out (their build is stored from a complete log). */
  ingest: (sourceId: number, items: IngestItem[]) => number;
}

/** A diagnosis read back from NDJSON (`ingest`) and the build it is stored under. */
export interface IngestItem {
  /** The log it came from on the machine that analysed it (its `source`; stdin's `-` named apart). */
  sourcePath: string;
  /** For a job with no build key: which of that source's unkeyed jobs it is. */
  ordinal: number;
  ctx: JobContext;
  diagnosis: Diagnosis;
}

/** A build row just written: its id, key and the signature it had. */
export interface WrittenBuild {
  id: number;
  key: string;
  signature: string | null;
}

export function prepare(db: Database.Database, causes: CauseStore): Statements {
  const insertBuild = `
    INSERT INTO builds (build_key, keyed, plan, job, number, state, bamboo_version, agent_name, agent_type,
      agent_container, agent_service, agent_home, runner_kind, runner_image, runner_volumes, started, source_id,
      source_path, analyzed_at, finished, agent_os)
    VALUES (@key, @keyed, @plan, @job, @number, @state, @bambooVersion, @agentName, @agentType, @agentContainer,
      @agentService, @agentHome, @runnerKind, @runnerImage, @runnerVolumes, @started, @sourceId, @sourcePath, @at,
      @finished, @agentOs)`;
  const upsertBuild = db.prepare(`${insertBuild}
    ON CONFLICT (build_key) DO UPDATE SET keyed = excluded.keyed, plan = excluded.plan, job = excluded.job,
      number = excluded.number, state = excluded.state, bamboo_version = excluded.bamboo_version,
      agent_name = excluded.agent_name, agent_type = excluded.agent_type, agent_container = excluded.agent_container,
      agent_service = excluded.agent_service, agent_home = excluded.agent_home, runner_kind = excluded.runner_kind,
      runner_image = excluded.runner_image, runner_volumes = excluded.runner_volumes,
      started = coalesce(excluded.started, builds.started), source_id = excluded.source_id,
      source_path = excluded.source_path, analyzed_at = excluded.analyzed_at, finished = excluded.finished,
      agent_os = excluded.agent_os
    RETURNING id, signature`);
  // An ingested diagnosis (NDJSON) carries less about its build than the log did: a stored build row stays as it is.
  const addBuild = db.prepare(`${insertBuild} ON CONFLICT (build_key) DO UPDATE SET build_key = excluded.build_key RETURNING id, signature`);
  const deleteDiagnoses = db.prepare('DELETE FROM diagnoses WHERE build_id = ?');
  const deleteDiagnosis = db.prepare('DELETE FROM diagnoses WHERE build_id = ? AND rule = ?');
  const upsertDiagnosis = db.prepare(`
    INSERT INTO diagnoses (build_id, rule, rule_version, title, severity, category, scenario, candidates, task_name,
      task_type, source, line, time, at, count, evidence, captures, fix, note, build_key, plan, job, agent_name,
      agent_type, runner_kind, masked, cause, cause_pool, signature, generic)
    VALUES (@buildId, @rule, @ruleVersion, @title, @severity, @category, @scenario, @candidates, @taskName,
      @taskType, @source, @line, @time, @at, @count, @evidence, @captures, @fix, @note, @buildKey, @plan, @job,
      @agentName, @agentType, @runnerKind, @masked, @cause, @causePool, @signature, @generic)
    ON CONFLICT (build_id, rule) DO UPDATE SET rule_version = excluded.rule_version, title = excluded.title,
      severity = excluded.severity, category = excluded.category, scenario = excluded.scenario,
      candidates = excluded.candidates, task_name = excluded.task_name, task_type = excluded.task_type,
      source = excluded.source, line = excluded.line, time = excluded.time, at = excluded.at,
      count = excluded.count, evidence = excluded.evidence, captures = excluded.captures, fix = excluded.fix,
      note = excluded.note, plan = excluded.plan, job = excluded.job, agent_name = excluded.agent_name,
      agent_type = excluded.agent_type, runner_kind = excluded.runner_kind, masked = excluded.masked,
      cause = excluded.cause, cause_pool = excluded.cause_pool, signature = excluded.signature, generic = excluded.generic`);

  const finishedOf = db.prepare('SELECT finished FROM builds WHERE build_key = ?').pluck();
  /** A build stored from a log read to its end is not replaced by a reading that stops short of the end. */
  const keepsComplete = (ctx: JobContext, sourcePath: string, ordinal: number): boolean =>
    !ctx.finished && finishedOf.get(buildKeyOf(ctx, sourcePath, ordinal).key) === 1;

  const writeBuild = (sourceId: number | null, sourcePath: string, ctx: JobContext, ordinal: number, statement = upsertBuild): WrittenBuild => {
    const { key, keyed } = buildKeyOf(ctx, sourcePath, ordinal);
    const row = statement.get(buildRow(ctx, key, keyed, sourceId, sourcePath, now())) as { id: number; signature: string | null };
    return { id: row.id, key, signature: row.signature };
  };

  const writeDiagnosis = (build: WrittenBuild, ctx: JobContext, d: Diagnosis): void => {
    upsertDiagnosis.run(diagnosisRow(build, ctx, d, now()));
  };

  return {
    insertSource: db.prepare(
      "INSERT INTO sources (path, kind, size, mtime_ms, fingerprint, status, ingested_at, owner) VALUES (?, ?, ?, ?, ?, 'reading', ?, ?)",
    ),
    readingAll: db.prepare("SELECT id, path, owner FROM sources WHERE status = 'reading'"),
    markInterrupted: db.prepare("UPDATE sources SET status = 'interrupted' WHERE id = ?"),
    finishSource: db.prepare('UPDATE sources SET lines = ?, status = ?, error = ? WHERE id = ?'),
    dropBuild: db.prepare('DELETE FROM builds WHERE build_key = ?'),
    saveJob: db.transaction((sourceId: number | null, sourcePath: string, ctx: JobContext, ordinal: number, diagnoses: Diagnosis[], green?: GreenLines) => {
      if (keepsComplete(ctx, sourcePath, ordinal)) return false;
      const build = writeBuild(sourceId, sourcePath, ctx, ordinal);
      deleteDiagnoses.run(build.id);
      for (const d of diagnoses) writeDiagnosis(build, ctx, d);
      causes.afterWrite(build, diagnoses);
      // A successful build's error-like lines: its job's baseline, in the same transaction.
      if (green?.size && ctx.state === 'successful' && ctx.plan && ctx.job) causes.saveGreen(ctx.plan, ctx.job, build.key, green);
      return true;
    }),
    replaceSome: db.transaction(
      (sourceId: number | null, sourcePath: string, ctx: JobContext, ordinal: number, changed: Diagnosis[], removed: string[]) => {
        if (keepsComplete(ctx, sourcePath, ordinal)) return false;
        const build = writeBuild(sourceId, sourcePath, ctx, ordinal);
        for (const rule of removed) deleteDiagnosis.run(build.id, rule);
        for (const d of changed) writeDiagnosis(build, ctx, d);
        causes.afterWrite(build, changed);
        return true;
      },
    ),
    ingest: db.transaction((sourceId: number, items: IngestItem[]) => {
      let kept = 0;
      for (const { sourcePath, ordinal, ctx, diagnosis } of items) {
        if (keepsComplete(ctx, sourcePath, ordinal)) {
          kept++;
          continue;
        }
        const build = writeBuild(sourceId, sourcePath, ctx, ordinal, addBuild);
        writeDiagnosis(build, ctx, diagnosis);
        causes.afterWrite(build, [diagnosis]);
      }
      return kept;
    }),
    saveOne: db.transaction((sourceId: number | null, sourcePath: string, ctx: JobContext, ordinal: number, d: Diagnosis) => {
      if (keepsComplete(ctx, sourcePath, ordinal)) return false;
      const build = writeBuild(sourceId, sourcePath, ctx, ordinal);
      writeDiagnosis(build, ctx, d);
      causes.afterWrite(build, [d]);
      return true;
    }),
  };
}

