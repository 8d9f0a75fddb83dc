// Finished jobs wait here to be written between chunks of reading, many to a transaction: the line loop never
// waits for the database, and a bounded queue makes the reading wait (backpressure) when the database is slower.

import type { WriteOp, WriteOutcome } from './writes.js';

/** What the queue writes through: the storage port's write side (SQLite answers at once, PostgreSQL later). */
export interface OpWriter {
  write(ops: WriteOp[]): WriteOutcome | Promise<WriteOutcome>;
}

/** Ops (a job counts its diagnoses too) held before the reading must wait for a write: ~1-2 MB of jobs. */
export const QUEUE_LIMIT = 1000;

export class WriteQueue {
  private ops: WriteOp[] = [];
  /** What to call once the queued ops are committed, in their order. */
  private written: (() => void)[] = [];
  private weight = 0;
  private writing: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  constructor(
    private readonly writer: OpWriter,
    private readonly limit = QUEUE_LIMIT,
  ) {}

  /** Queues an op; `written` is called once the batch holding it is committed (not when it failed). */
  push(op: WriteOp, written?: () => void): void {
    this.ops.push(op);
    if (written) this.written.push(written);
    this.weight += 1 + (op.kind === 'job' ? op.diagnoses.length : op.kind === 'replace' ? op.changed.length : 0);
  }

  /** True when the reading should wait for `flush()` before it goes on. */
  get full(): boolean {
    return this.weight >= this.limit;
  }

  get pending(): number {
    return this.ops.length;
  }

  /**
   * Writes everything queued, in order after the writes under way, and waits for all of them. A failed write is
   * thrown here and by every later call: what was queued after it is not written over a gap.
   */
  flush(): Promise<void> {
    this.start();
    return this.settled(this.writing);
  }

  /**
   * Between chunks: when the queue is full (or, live, whenever it holds something) its batch starts to be
   * written, and the reading waits only for the batch before it, so one batch is written while the next is read.
   */
  between(live: boolean): Promise<void> | undefined {
    if (!this.full && !(live && this.ops.length)) return undefined;
    const before = this.writing;
    this.start();
    return this.settled(before);
  }

  private start(): void {
    if (this.ops.length === 0) return;
    const ops = this.ops;
    const written = this.written;
    this.ops = [];
    this.written = [];
    this.weight = 0;
    this.writing = this.writing
      .then(async () => {
        if (this.failure !== null) return;
        await this.writer.write(ops);
        for (const done of written) done();
      })
      .catch((err) => void (this.failure ??= err));
  }

  private settled(write: Promise<void>): Promise<void> {
    return write.then(() => {
      if (this.failure !== null) throw this.failure;
    });
  }
}
