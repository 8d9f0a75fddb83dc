// The SQLite file that keeps builds and diagnoses: one transaction per build, nothing stored twice.

import Database from 'better-sqlite3';
import type { Diagnosis, JobContext } from '../model.js';
import { MIGRATIONS } from './migrations/index.js';
import type { WriteOp, WriteOutcome } from './writes.js';

/** A diagnosis read back from NDJSON (`ingest`) and the build it is stored under. */
export interface IngestItem {
  /** The log it came from on the machine that analysed it (its `source`; stdin's `-` named apart). */
  sourcePath: string;
  /** For a job with no build key: which of that source's unkeyed jobs it is. */
  ordinal: number;
  ctx: JobContext;
  diagnosis: Diagnosis;
}

/** Default database file, overridden by `--db` or BAMBOO_DOCTOR_DB. */
export const DEFAULT_DB = './bamboo-doctor.db';

export interface SourceInfo {
  path: string;
  kind: string;
  size: number | null;
  mtimeMs: number | null;
  fingerprint: string | null;
}

export interface SourceRow extends SourceInfo {
  id: number;
  lines: number | null;
  status: string;
}

export class Store {
  readonly db: Database.Database;
  private readonly stmts;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
    this.stmts = prepare(this.db);
  }

  close(): void {
    this.db.close();
  }

  /** A source read completely before, unchanged since (same path, size and modification time). */
  findSource(info: SourceInfo): SourceRow | undefined {
    return this.stmts.findSource.get(info.path, info.size, info.mtimeMs) as SourceRow | undefined;
  }

  beginSource(info: SourceInfo): number {
    const r = this.stmts.insertSource.run(info.path, info.kind, info.size, info.mtimeMs, info.fingerprint, now());
    return Number(r.lastInsertRowid);
  }

  finishSource(id: number, lines: number, status: 'done' | 'partial' | 'error', error: string | null = null): void {
    this.stmts.finishSource.run(lines, status, error, id);
  }

  /**
   * Writes a build and replaces its diagnoses in one transaction: reading the same build again (the same
   * file, or the same build from a REST export) leaves one row each.
   */
  saveJob(sourceId: number | null, sourcePath: string, ctx: JobContext, ordinal: number, diagnoses: Diagnosis[]): boolean {
    return this.count(this.stmts.saveJob(sourceId, sourcePath, ctx, ordinal, diagnoses));
  }

  /** Live input: a diagnosis is written as soon as it arises (its build row first), then updated at the job's end. */
  saveDiagnosis(sourceId: number | null, sourcePath: string, ctx: JobContext, ordinal: number, d: Diagnosis): boolean {
    return this.stmts.saveOne(sourceId, sourcePath, ctx, ordinal, d);
  }

  /**
   * Diagnoses read back from NDJSON (`ingest`), in one transaction: each is added to its build (made when new)
   * or replaces that build's diagnosis of the same rule, so ingesting the same lines again changes nothing.
   * Returns how many were kept out because their build is stored from a log read to its end.
   */
  ingestDiagnoses(sourceId: number, items: IngestItem[]): number {
    const kept = this.stmts.ingest(sourceId, items);
    this.keptComplete += kept;
    return kept;
  }

  /** Applies queued writes in order, in one transaction (each op a savepoint): see writes.ts. */
  write(ops: WriteOp[]): WriteOutcome {
    let kept = 0;
    this.db.transaction(() => {
      for (const op of ops) {
        if (op.kind === 'drop') this.stmts.dropBuild.run(op.key);
        else if (!this.applyOne(op)) kept++;
      }
    })();
    this.keptComplete += kept;
    return { kept };
  }

  private applyOne(op: Exclude<WriteOp, { kind: 'drop' }>): boolean {
    const { sourceId, sourcePath, ctx, ordinal } = op;
    if (op.kind === 'job') return this.stmts.saveJob(sourceId, sourcePath, ctx, ordinal, op.diagnoses);
    if (op.kind === 'live') return this.stmts.saveOne(sourceId, sourcePath, ctx, ordinal, op.diagnosis);
    return this.stmts.replaceSome(sourceId, sourcePath, ctx, ordinal, op.changed, op.removed);
  }

  /** Deletes a build and its diagnoses (a live fragment's row stored before its build key was known). */
  dropBuild(key: string): void {
    this.stmts.dropBuild.run(key);
  }

  /**
   * Re-diagnosis (`reanalyze`): writes the build row and only the given diagnoses, in place (their ids stay),
   * and deletes the listed rules' rows; the build's other diagnoses are left as they are.
   */
  replaceDiagnoses(sourceId: number | null, sourcePath: string, ctx: JobContext, ordinal: number, changed: Diagnosis[], removedRules: string[]): boolean {
    return this.count(this.stmts.replaceSome(sourceId, sourcePath, ctx, ordinal, changed, removedRules));
  }

  /**
   * Builds not written because the database already holds them from a log read to its end, while this
   * reading stopped short (a cut download, the first page of a REST export): counted for the run's summary.
   */
  keptComplete = 0;

  private count(saved: boolean): boolean {
    if (!saved) this.keptComplete++;
    return saved;
  }

  counts(): { sources: number; builds: number; diagnoses: number } {
    const one = (table: string) => (this.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { sources: one('sources'), builds: one('builds'), diagnoses: one('diagnoses') };
  }
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

const now = (): string => new Date().toISOString();

/** The key a build is stored under: Bamboo's result key, or its source and position for a fragment. */
export function buildKeyOf(ctx: JobContext, sourcePath: string, ordinal: number): { key: string; keyed: boolean } {
  return ctx.build ? { key: ctx.build, keyed: true } : { key: unkeyedBuildKey(sourcePath, ordinal), keyed: false };
}

/** A job with no Bamboo build key: `<source>#<n>`, n counting such jobs in their source from 1. */
export const unkeyedBuildKey = (sourcePath: string, ordinal: number): string => `${sourcePath}#${ordinal}`;

function prepare(db: Database.Database) {
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
    RETURNING id`);
  // An ingested diagnosis (NDJSON) carries less about its build than the log did: a stored build row stays as it is.
  const addBuild = db.prepare(`${insertBuild} ON CONFLICT (build_key) DO UPDATE SET build_key = excluded.build_key RETURNING id`);
  const deleteDiagnoses = db.prepare('DELETE FROM diagnoses WHERE build_id = ?');
  const deleteDiagnosis = db.prepare('DELETE FROM diagnoses WHERE build_id = ? AND rule = ?');
  const upsertDiagnosis = db.prepare(`
    INSERT INTO diagnoses (build_id, rule, rule_version, title, severity, category, scenario, candidates, task_name,
      task_type, source, line, time, at, count, evidence, captures, fix, note, build_key, plan, job, agent_name,
      agent_type, runner_kind)
    VALUES (@buildId, @rule, @ruleVersion, @title, @severity, @category, @scenario, @candidates, @taskName,
      @taskType, @source, @line, @time, @at, @count, @evidence, @captures, @fix, @note, @buildKey, @plan, @job,
      @agentName, @agentType, @runnerKind)
    ON CONFLICT (build_id, rule) DO UPDATE SET rule_version = excluded.rule_version, title = excluded.title,
      severity = excluded.severity, category = excluded.category, scenario = excluded.scenario,
      candidates = excluded.candidates, task_name = excluded.task_name, task_type = excluded.task_type,
      source = excluded.source, line = excluded.line, time = excluded.time, at = excluded.at,
      count = excluded.count, evidence = excluded.evidence, captures = excluded.captures, fix = excluded.fix,
      note = excluded.note, plan = excluded.plan, job = excluded.job, agent_name = excluded.agent_name,
      agent_type = excluded.agent_type, runner_kind = excluded.runner_kind`);

  const finishedOf = db.prepare('SELECT finished FROM builds WHERE build_key = ?').pluck();
  /** A build stored from a log read to its end is not replaced by a reading that stops short of the end. */
  const keepsComplete = (ctx: JobContext, sourcePath: string, ordinal: number): boolean =>
    !ctx.finished && finishedOf.get(buildKeyOf(ctx, sourcePath, ordinal).key) === 1;

  const writeBuild = (sourceId: number | null, sourcePath: string, ctx: JobContext, ordinal: number, statement = upsertBuild): { id: number; key: string } => {
    const { key, keyed } = buildKeyOf(ctx, sourcePath, ordinal);
    const row = statement.get({
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
      at: now(),
      finished: ctx.finished ? 1 : 0,
      agentOs: ctx.agent.os,
    }) as { id: number };
    return { id: row.id, key };
  };

  const writeDiagnosis = (build: { id: number; key: string }, ctx: JobContext, d: Diagnosis): void => {
    upsertDiagnosis.run({
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
      at: d.time ?? ctx.started ?? now().slice(0, 19),
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
    });
  };

  return {
    findSource: db.prepare(
      "SELECT * FROM sources WHERE path = ? AND size IS ? AND mtime_ms IS ? AND status = 'done' ORDER BY id DESC LIMIT 1",
    ),
    insertSource: db.prepare(
      "INSERT INTO sources (path, kind, size, mtime_ms, fingerprint, status, ingested_at) VALUES (?, ?, ?, ?, ?, 'reading', ?)",
    ),
    finishSource: db.prepare('UPDATE sources SET lines = ?, status = ?, error = ? WHERE id = ?'),
    dropBuild: db.prepare('DELETE FROM builds WHERE build_key = ?'),
    saveJob: db.transaction((sourceId: number | null, sourcePath: string, ctx: JobContext, ordinal: number, diagnoses: Diagnosis[]) => {
      if (keepsComplete(ctx, sourcePath, ordinal)) return false;
      const build = writeBuild(sourceId, sourcePath, ctx, ordinal);
      deleteDiagnoses.run(build.id);
      for (const d of diagnoses) writeDiagnosis(build, ctx, d);
      return true;
    }),
    replaceSome: db.transaction(
      (sourceId: number | null, sourcePath: string, ctx: JobContext, ordinal: number, changed: Diagnosis[], removed: string[]) => {
        if (keepsComplete(ctx, sourcePath, ordinal)) return false;
        const build = writeBuild(sourceId, sourcePath, ctx, ordinal);
        for (const rule of removed) deleteDiagnosis.run(build.id, rule);
        for (const d of changed) writeDiagnosis(build, ctx, d);
        return true;
      },
    ),
    ingest: db.transaction((sourceId: number, items: IngestItem[]) => {
      let kept = 0;
      for (const { sourcePath, ordinal, ctx, diagnosis } of items) {
        if (keepsComplete(ctx, sourcePath, ordinal)) kept++;
        else writeDiagnosis(writeBuild(sourceId, sourcePath, ctx, ordinal, addBuild), ctx, diagnosis);
      }
      return kept;
    }),
    saveOne: db.transaction((sourceId: number | null, sourcePath: string, ctx: JobContext, ordinal: number, d: Diagnosis) => {
      if (keepsComplete(ctx, sourcePath, ordinal)) return false;
      writeDiagnosis(writeBuild(sourceId, sourcePath, ctx, ordinal), ctx, d);
      return true;
    }),
  };
}

const bool = (v: boolean | null): number | null => (v === null ? null : v ? 1 : 0);
