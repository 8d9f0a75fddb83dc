// The storage port: what every command asks of the database, whichever it is. SQLite (Store) answers at once,
// PostgreSQL (PgStore) later; callers await both alike. The query side reads through `sql()` (see history-sql.ts).

import type { IngestItem, SourceInfo, SourceRow } from './store.js';
import type { Masking, Remasked } from './remask.js';
import type { SqlReader } from './sql.js';
import type { WriteOp, WriteOutcome } from './writes.js';

type Awaitable<T> = T | Promise<T>;

export interface StorePort {
  /** The database as it may be shown: a file path, or a URL without its password. */
  readonly name: string;
  /**
   * True when each statement is a round trip to a server (PostgreSQL): the jobs of many sources then go in one
   * transaction. SQLite commits each source's jobs as the source ends (a later failure keeps them).
   */
  readonly remote: boolean;
  /** Builds not written because the database holds them from a complete log (for the run's summary). */
  readonly keptComplete: number;
  sql(): SqlReader;
  /** Template hashes of error-like lines of the job's successful builds (the analyzer's cause baseline). */
  greenHashes(plan: string, job: string): ReadonlySet<string>;
  /** A source read completely before and unchanged since, or the same content read at another path (source-sql.ts). */
  findSource(info: SourceInfo): Awaitable<SourceRow | undefined>;
  beginSource(info: SourceInfo): Awaitable<number>;
  finishSource(id: number, lines: number, status: 'done' | 'partial' | 'error', error?: string | null): Awaitable<void>;
  /** Readings left `reading` by a run that was killed, marked `interrupted`; the paths they were of. */
  takeInterrupted(): Awaitable<string[]>;
  /** Queued writes in order, one transaction (see write-queue.ts). */
  write(ops: WriteOp[]): Awaitable<WriteOutcome>;
  ingestDiagnoses(sourceId: number, items: IngestItem[]): Awaitable<number>;
  /** Every text from the log that an older masking stored, masked again (remask.ts); how many rows changed. */
  remask(version: number, mask: Masking): Awaitable<Remasked>;
  counts(): Awaitable<{ sources: number; builds: number; diagnoses: number }>;
  /** A failure of this database as a StoreError naming it; anything else as it is. */
  explain(err: unknown): unknown;
  close(): Awaitable<void>;
}
