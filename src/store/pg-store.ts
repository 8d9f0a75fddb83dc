// The store in PostgreSQL: many analyzers and ingesters write one database at once. A batch of builds and their
// diagnoses is a few set-based statements in one transaction, rows locked in key order so writers never deadlock.

import type pg from 'pg';
import type { SourceInfo, IngestItem } from './store.js';
import { openPostgres, type PgDatabase } from './pg-database.js';
import { BUILD_COLUMNS, DIAGNOSIS_COLUMNS, buildRow, diagnosisRow, now, type BuildRow, type DiagnosisRow } from './rows.js';

/** PostgreSQL's codes for a transaction that lost to another (deadlock, serialization): it is run again. */
const RETRY = new Set(['40P01', '40001']);

const recordset = (columns: Record<string, string>, extra = '') =>
  `jsonb_to_recordset($1::jsonb) AS r(${extra}${Object.entries(columns).map(([c, t]) => `${c} ${t}`).join(', ')})`;
const names = (columns: Record<string, string>) => Object.keys(columns).join(', ');
const updateAll = (columns: Record<string, string>, except: string[]) =>
  Object.keys(columns).filter((c) => !except.includes(c)).map((c) => `${c} = excluded.${c}`).join(', ');

/** Builds of a batch; a build already stored from a log read to its end is left alone (no row returned for it). */
const ADD_BUILDS = `INSERT INTO builds (${names(BUILD_COLUMNS)})
  SELECT ${names(BUILD_COLUMNS)} FROM ${recordset(BUILD_COLUMNS)} ORDER BY build_key
  ON CONFLICT (build_key) DO UPDATE SET build_key = excluded.build_key WHERE builds.finished = 0
  RETURNING id, build_key`;

const UPSERT_DIAGNOSES = `INSERT INTO diagnoses (build_id, ${names(DIAGNOSIS_COLUMNS)})
  SELECT build_id, ${names(DIAGNOSIS_COLUMNS)} FROM ${recordset(DIAGNOSIS_COLUMNS, 'build_id bigint, ')} ORDER BY build_id, rule
  ON CONFLICT (build_id, rule) DO UPDATE SET ${updateAll(DIAGNOSIS_COLUMNS, ['rule'])}`;

export class PgStore {
  private constructor(private readonly db: PgDatabase) {}

  static async open(url: string): Promise<PgStore> {
    return new PgStore(await openPostgres(url));
  }

  /** The database as it may be shown: its URL without the password. */
  get name(): string {
    return this.db.name;
  }

  async close(): Promise<void> {
    await this.db.pool.end();
  }

  async beginSource(info: SourceInfo): Promise<number> {
    const r = await this.query<{ id: number }>(
      "INSERT INTO sources (path, kind, size, mtime_ms, fingerprint, status, ingested_at) VALUES ($1, $2, $3, $4, $5, 'reading', $6) RETURNING id",
      [info.path, info.kind, info.size, info.mtimeMs, info.fingerprint, now()],
    );
    return r.rows[0].id;
  }

  async finishSource(id: number, lines: number, status: 'done' | 'partial' | 'error', error: string | null = null): Promise<void> {
    await this.query('UPDATE sources SET lines = $1, status = $2, error = $3 WHERE id = $4', [lines, status, error, id]);
  }

  /** As Store.ingestDiagnoses: added to their builds, the same rule of a build replaced; returns how many were kept out. */
  async ingestDiagnoses(sourceId: number, items: IngestItem[]): Promise<number> {
    const builds = new Map<string, BuildRow>();
    const diagnoses = new Map<string, { key: string; row: DiagnosisRow }>();
    const keys: string[] = [];
    for (const { sourcePath, ordinal, ctx, diagnosis } of items) {
      const build = buildRow(sourceId, sourcePath, ctx, ordinal);
      const key = build.build_key as string;
      keys.push(key);
      if (!builds.has(key)) builds.set(key, build);
      // One row per build and rule (a statement may not touch a row twice): the later line wins, as in SQLite.
      diagnoses.set(`${key}\u0000${diagnosis.rule}`, { key, row: diagnosisRow(key, ctx, diagnosis) });
    }
    return this.transaction(async (client) => {
      const written = await client.query<{ id: number; build_key: string }>(ADD_BUILDS, [JSON.stringify([...builds.values()])]);
      const ids = new Map(written.rows.map((r) => [r.build_key, r.id]));
      const rows = [...diagnoses.values()].filter((d) => ids.has(d.key)).map((d) => ({ build_id: ids.get(d.key), ...d.row }));
      if (rows.length) await client.query(UPSERT_DIAGNOSES, [JSON.stringify(rows)]);
      return keys.filter((k) => !ids.has(k)).length;
    });
  }

  async counts(): Promise<{ sources: number; builds: number; diagnoses: number }> {
    const r = await this.query<{ sources: number; builds: number; diagnoses: number }>(
      'SELECT (SELECT count(*) FROM sources) AS sources, (SELECT count(*) FROM builds) AS builds, (SELECT count(*) FROM diagnoses) AS diagnoses',
    );
    return r.rows[0];
  }

  private async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
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
