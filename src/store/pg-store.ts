// The store in PostgreSQL: many analyzers and ingesters on several machines write one database at once; each
// batch is one transaction, run again when it lost a deadlock or serialization conflict to another writer.

import type pg from 'pg';
import { isDeadReading, OWNER, type IngestItem, type ReadingRow, type SourceInfo, type SourceRow } from './store.js';
import { remaskRows, type Masking, type Remasked, type Update } from './remask.js';
import type { StorePort } from './port.js';
import { openPostgres, type PgDatabase } from './pg-database.js';
import { addIngested, applyOps } from './pg-writes.js';
import { greenKey, type GreenCache } from './pg-causes.js';
import { now } from './statements.js';
import type { WriteOp, WriteOutcome } from './writes.js';
import { numbered, pgReader, type SqlReader } from './sql.js';
import { findSource } from './source-sql.js';

const EMPTY: ReadonlySet<string> = new Set();

/** PostgreSQL's codes for a transaction that lost to another (deadlock, serialization): it is run again. */
const RETRY = new Set(['40P01', '40001']);

export class PgStore implements StorePort {
  /** Builds not written because the database holds them from a complete log (see Store.keptComplete). */
  keptComplete = 0;
  readonly remote = true;

  private constructor(
    private readonly db: PgDatabase,
    private readonly greens: GreenCache,
  ) {}

  static async open(url: string): Promise<PgStore> {
    const db = await openPostgres(url);
    // The green baseline is read once (the analyzer asks for it on every job); what this process writes joins it.
    const greens: GreenCache = new Map();
    try {
      const rows = await db.pool.query<{ plan: string; job: string; hash: string }>('SELECT plan, job, hash FROM green_lines');
      for (const r of rows.rows) {
        const key = greenKey(r.plan, r.job);
        if (!greens.has(key)) greens.set(key, new Set());
        greens.get(key)!.add(r.hash);
      }
    } catch (err) {
      await db.pool.end().catch(() => {});
      throw db.explain(err);
    }
    return new PgStore(db, greens);
  }

  /** Template hashes of error-like lines of the job's successful builds (the analyzer's cause baseline). */
  greenHashes(plan: string, job: string): ReadonlySet<string> {
    return this.greens.get(greenKey(plan, job)) ?? EMPTY;
  }

  /** The database as it may be shown: its URL without the password. */
  get name(): string {
    return this.db.name;
  }

  /** A failure of this database as a StoreError naming it (without its password); anything else as it is. */
  explain(err: unknown): unknown {
    return this.db.explain(err);
  }

  /** Read queries on this database (see sql.ts). */
  sql(): SqlReader {
    return pgReader(this.db.pool, this.db.explain);
  }

  async close(): Promise<void> {
    await this.db.pool.end();
  }

  /** A source read completely before, unchanged since, or a copy of it read at another path (see source-sql.ts). */
  findSource(info: SourceInfo): Promise<SourceRow | undefined> {
    return findSource(this.sql(), info);
  }

  async beginSource(info: SourceInfo): Promise<number> {
    const r = await this.query<{ id: number }>(
      "INSERT INTO sources (path, kind, size, mtime_ms, fingerprint, status, ingested_at, owner) VALUES ($1, $2, $3, $4, $5, 'reading', $6, $7) RETURNING id",
      [info.path, info.kind, info.size, info.mtimeMs, info.fingerprint, now(), OWNER],
    );
    return r.rows[0].id;
  }

  async finishSource(id: number, lines: number, status: 'done' | 'partial' | 'error', error: string | null = null): Promise<void> {
    await this.query('UPDATE sources SET lines = $1, status = $2, error = $3 WHERE id = $4', [lines, status, error, id]);
  }

  /** As Store.takeInterrupted: readings a killed run left `reading` (its process gone) are marked `interrupted`. */
  async takeInterrupted(): Promise<string[]> {
    const left = await this.query<ReadingRow>("SELECT id, path, owner FROM sources WHERE status = 'reading'");
    const dead = left.rows.filter(isDeadReading);
    if (dead.length) await this.query("UPDATE sources SET status = 'interrupted' WHERE id = ANY($1::bigint[])", [dead.map((r) => r.id)]);
    return dead.map((r) => r.path);
  }

  /** As Store.remask: rows an older masking stored, masked again (see remask.ts); how many changed. */
  remask(version: number, mask: Masking): Promise<Remasked> {
    const apply = (updates: Update[]) =>
      this.transaction(async (client) => {
        for (const [sql, params] of updates) await client.query(numbered(sql), params);
      });
    return remaskRows(this.sql(), apply, version, mask);
  }

  /** Applies queued writes in order, in one transaction. */
  async write(ops: WriteOp[]): Promise<WriteOutcome> {
    if (ops.length === 0) return { kept: 0 };
    const kept = await this.transaction((client) => applyOps(client, ops, this.greens));
    this.keptComplete += kept;
    return { kept };
  }

  /** As Store.ingestDiagnoses: added to their builds, the same rule of a build replaced; returns how many were kept out. */
  async ingestDiagnoses(sourceId: number, items: IngestItem[]): Promise<number> {
    const kept = await this.transaction((client) => addIngested(client, sourceId, items));
    this.keptComplete += kept;
    return kept;
  }

  async counts(): Promise<{ sources: number; builds: number; diagnoses: number }> {
    const r = await this.query<{ sources: number; builds: number; diagnoses: number }>(
      'SELECT (SELECT count(*) FROM sources) AS sources, (SELECT count(*) FROM builds) AS builds, (SELECT count(*) FROM diagnoses) AS diagnoses',
    );
    return r.rows[0];
  }

  /** One statement on any pooled connection; the database's errors as StoreErrors. */
  async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      return await this.db.pool.query<R>(sql, params);
    } catch (err) {
      throw this.db.explain(err);
    }
  }

  /** Runs `fn` in a transaction, again when it lost a deadlock or serialization conflict to another writer. */
  private async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient;
      try {
        client = await this.db.pool.connect();
      } catch (err) {
        throw this.db.explain(err);
      }
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        if (attempt < 5 && RETRY.has((err as { code?: string }).code ?? '')) continue;
        throw this.db.explain(err);
      } finally {
        client.release();
      }
    }
  }
}
