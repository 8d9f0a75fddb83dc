// The SQLite file that keeps builds and diagnoses: one transaction per build, nothing stored twice.

import { hostname } from 'node:os';
import type Database from 'better-sqlite3';
import type { Diagnosis, JobContext } from '../model.js';
import { explain, openForReading, openForWriting } from './database.js';
import { buildKeyOf, now, prepare, unkeyedBuildKey, type IngestItem, type WrittenBuild } from './statements.js';
import { CauseStore, type GreenLines } from './causes.js';
import type { WriteOp, WriteOutcome } from './writes.js';
import { sqliteReader, type SqlReader } from './sql.js';
import { findSource } from './source-sql.js';
import { remaskRows, type Masking, type Remasked, type Update } from './remask.js';

export { buildKeyOf, unkeyedBuildKey, type IngestItem, type WrittenBuild };

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

/** `host:pid` of this process, kept with the sources it reads (see `takeInterrupted`). */
export const OWNER = `${hostname()}:${process.pid}`;

/**
 * The database, opened only when it is ours (see database.ts). Every failure of SQLite (read-only, full, damaged,
 * locked) comes out as a StoreError naming the file and the reason: `guard` and `explain` turn them into one.
 */
export class Store {
  readonly db: Database.Database;
  /** Cause lines: the green baseline per job and builds' signatures. */
  readonly causes: CauseStore;
  private readonly stmts;

  /** `readonly`: for queries (history, show, report); the file is never written then. */
  constructor(
    readonly path: string,
    options: { readonly?: boolean } = {},
  ) {
    this.db = options.readonly ? openForReading(path) : openForWriting(path);
    this.causes = this.guard(() => new CauseStore(this.db));
    this.stmts = this.guard(() => prepare(this.db, this.causes));
  }

  /** The database as messages name it. */
  get name(): string {
    return this.path;
  }

  close(): void {
    this.db.close();
  }

  /** Queries on this database through the SqlReader both databases share (its failures as StoreErrors). */
  sql(): SqlReader {
    return (this.reader ??= sqliteReader(this.db, (err) => this.explain(err)));
  }

  private reader?: SqlReader;

  /** Template hashes of error-like lines of the job's successful builds (the analyzer's cause baseline). */
  greenHashes(plan: string, job: string): ReadonlySet<string> {
    return this.causes.greenHashes(plan, job);
  }

  /** A SQLite failure as a StoreError naming this database; anything else as it is. */
  explain(err: unknown): unknown {
    return explain(this.path, err);
  }

  /** Runs a database call, its SQLite failure turned into a StoreError. */
  guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw this.explain(err);
    }
  }

  /** A source read completely before, unchanged since, or a copy of it read at another path (see source-sql.ts). */
  findSource(info: SourceInfo): Promise<SourceRow | undefined> {
    return findSource(this.sql(), info);
  }

  beginSource(info: SourceInfo): number {
    return this.guard(() => Number(this.stmts.insertSource.run(info.path, info.kind, info.size, info.mtimeMs, info.fingerprint, now(), OWNER).lastInsertRowid));
  }

  finishSource(id: number, lines: number, status: 'done' | 'partial' | 'error', error: string | null = null): void {
    this.guard(() => this.stmts.finishSource.run(lines, status, error, id));
  }

  /**
   * Readings that a run left `reading` when it was killed (its process is gone, or it was an older version that did
   * not say which process it was) are marked `interrupted`; returns their paths. A reading that another live
   * process is doing now is left alone. Asked once a run, not once an input (a round trip each to PostgreSQL).
   */
  takeInterrupted(): string[] {
    return this.guard(() => {
      const dead = (this.stmts.readingAll.all() as ReadingRow[]).filter(isDeadReading);
      for (const r of dead) this.stmts.markInterrupted.run(r.id);
      return dead.map((r) => r.path);
    });
  }

  /**
   * Writes a build and replaces its diagnoses in one transaction: reading the same build again (the same
   * file, or the same build from a REST export) leaves one row each. A successful build's error-like lines
   * (`green`) become its job's baseline in the same transaction.
   */
  saveJob(sourceId: number | null, sourcePath: string, ctx: JobContext, ordinal: number, diagnoses: Diagnosis[], green?: GreenLines): boolean {
    return this.count(this.guard(() => this.stmts.saveJob(sourceId, sourcePath, ctx, ordinal, diagnoses, green)));
  }

  /** Live input: a diagnosis is written as soon as it arises (its build row first), then updated at the job's end. */
  saveDiagnosis(sourceId: number | null, sourcePath: string, ctx: JobContext, ordinal: number, d: Diagnosis): boolean {
    return this.guard(() => this.stmts.saveOne(sourceId, sourcePath, ctx, ordinal, d));
  }

  /**
   * Diagnoses read back from NDJSON (`ingest`), in one transaction: each is added to its build (made when new)
   * or replaces that build's diagnosis of the same rule, so ingesting the same lines again changes nothing.
   * Returns how many were kept out because their build is stored from a log read to its end.
   */
  ingestDiagnoses(sourceId: number, items: IngestItem[]): number {
    const kept = this.guard(() => this.stmts.ingest(sourceId, items));
    this.keptComplete += kept;
    return kept;
  }

  /** Applies queued writes in order, in one transaction (each op a savepoint): see writes.ts. */
  write(ops: WriteOp[]): WriteOutcome {
    let kept = 0;
    this.guard(() =>
      this.db.transaction(() => {
        for (const op of ops) {
          if (op.kind === 'drop') this.stmts.dropBuild.run(op.key);
          else if (op.kind === 'finish') this.stmts.finishSource.run(op.lines, op.status, op.error, op.sourceId);
          else if (op.kind === 'green') this.causes.saveGreen(op.plan, op.job, op.build, op.green);
          else if (!this.applyOne(op)) kept++;
        }
      })(),
    );
    this.keptComplete += kept;
    return { kept };
  }

  private applyOne(op: Exclude<WriteOp, { kind: 'drop' | 'finish' | 'green' }>): boolean {
    const { sourceId, sourcePath, ctx, ordinal } = op;
    if (op.kind === 'job') return this.stmts.saveJob(sourceId, sourcePath, ctx, ordinal, op.diagnoses, op.green);
    if (op.kind === 'live') return this.stmts.saveOne(sourceId, sourcePath, ctx, ordinal, op.diagnosis);
    return this.stmts.replaceSome(sourceId, sourcePath, ctx, ordinal, op.changed, op.removed);
  }

  /** Deletes a build and its diagnoses (a live fragment's row stored before its build key was known). */
  dropBuild(key: string): void {
    this.guard(() => this.stmts.dropBuild.run(key));
  }

  /**
   * Re-diagnosis (`reanalyze`): writes the build row and only the given diagnoses, in place (their ids stay),
   * and deletes the listed rules' rows; the build's other diagnoses are left as they are.
   */
  replaceDiagnoses(sourceId: number | null, sourcePath: string, ctx: JobContext, ordinal: number, changed: Diagnosis[], removedRules: string[]): boolean {
    return this.count(this.guard(() => this.stmts.replaceSome(sourceId, sourcePath, ctx, ordinal, changed, removedRules)));
  }

  /**
   * Builds not written because the database already holds them from a log read to its end, while this
   * reading stopped short (a cut download, the first page of a REST export): counted for the run's summary.
   */
  keptComplete = 0;
  readonly remote = false;

  private count(saved: boolean): boolean {
    if (!saved) this.keptComplete++;
    return saved;
  }

  /** Rows an older masking stored, masked again (see remask.ts), each batch one transaction; how many changed. */
  remask(version: number, mask: Masking): Promise<Remasked> {
    // The text replaced is overwritten with zeros in the file, not left in its free space.
    this.guard(() => this.db.pragma('secure_delete = ON'));
    const prepared = new Map<string, Database.Statement>();
    const statement = (sql: string) => prepared.get(sql) ?? prepared.set(sql, this.db.prepare(sql)).get(sql)!;
    const apply = this.db.transaction((updates: Update[]) => {
      for (const [sql, params] of updates) statement(sql).run(...params);
    });
    return remaskRows(this.sql(), async (updates) => this.guard(() => apply(updates)), version, mask);
  }

  counts(): { sources: number; builds: number; diagnoses: number } {
    const one = (table: string) => (this.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return this.guard(() => ({ sources: one('sources'), builds: one('builds'), diagnoses: one('diagnoses') }));
  }
}

/** A source row left `reading`: by whom. */
export interface ReadingRow {
  id: number;
  path: string;
  owner: string | null;
}

/** A reading whose process is gone (not this one, and not alive), or of a version that did not say whose it was. */
export const isDeadReading = (r: ReadingRow): boolean => r.owner !== OWNER && !isAlive(r.owner);

/** Whether the process named by an owner (`host:pid`) still runs; another host's cannot be told, so it counts as alive. */
export function isAlive(owner: string | null): boolean {
  if (owner === null) return false;
  const at = owner.lastIndexOf(':');
  if (owner.slice(0, at) !== hostname()) return true;
  try {
    process.kill(Number(owner.slice(at + 1)), 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

