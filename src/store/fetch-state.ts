// What `fetch` and `watch` remember between runs: per server, plan and purpose, the result number up to which all is done.

import type { Store } from './store.js';

/**
 * `newest` is not simply the newest result seen: it is the highest number below which every result was handled
 * (analysed, or nothing to fetch). A result still in progress, or one whose log could not be read for a passing
 * reason, holds it back, so the next run lists it again rather than losing it.
 */
export class FetchState {
  private readonly stmts;

  constructor(
    store: Store,
    /** The server's URL (no credentials): two servers may have plans with the same keys. */
    private readonly server: string,
    /** '' for reading logs; what is written back (`comment`, `label`, `comment+label`) has its own mark. */
    private readonly purpose: string,
  ) {
    const db = store.db;
    this.stmts = {
      newest: db.prepare('SELECT newest FROM fetch_state WHERE server = ? AND plan = ? AND purpose = ?').pluck(),
      remember: db.prepare(`
        INSERT INTO fetch_state (server, plan, purpose, newest, updated_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (server, plan, purpose) DO UPDATE SET newest = excluded.newest, updated_at = excluded.updated_at`),
      complete: db.prepare('SELECT 1 FROM builds WHERE build_key = ? AND finished = 1').pluck(),
    };
  }

  /** The number up to which every result of the plan is done; null before the plan's first fetch. */
  newest(plan: string): number | null {
    return (this.stmts.newest.get(this.server, plan, this.purpose) as number | undefined) ?? null;
  }

  remember(plan: string, newest: number): void {
    this.stmts.remember.run(this.server, plan, this.purpose, newest, new Date().toISOString());
  }

  /** The job result is stored from a log read to its end: fetching it again would add nothing. */
  storedComplete(buildKey: string): boolean {
    return this.stmts.complete.get(buildKey) === 1;
  }
}
