// What `fetch` and `watch` remember between runs: per server, plan and purpose, the result number up to which all is done.

import { now } from './statements.js';
import type { SqlReader } from './sql.js';

/**
 * `newest` is not simply the newest result seen: it is the highest number below which every result was handled
 * (analysed, or nothing to fetch). A result still in progress, or one whose log could not be read for a passing
 * reason, holds it back, so the next run lists it again rather than losing it. On either database: several
 * machines fetching from one server into one PostgreSQL database share the mark.
 */
export class FetchState {
  constructor(
    private readonly sql: SqlReader,
    /** The server's URL (no credentials): two servers may have plans with the same keys. */
    private readonly server: string,
    /** '' for reading logs; what is written back (`comment`, `label`, `comment+label`) has its own mark. */
    private readonly purpose: string,
  ) {}

  /** The number up to which every result of the plan is done; null before the plan's first fetch. */
  async newest(plan: string): Promise<number | null> {
    const [row] = await this.sql.all<{ newest: number }>('SELECT newest FROM fetch_state WHERE server = ? AND plan = ? AND purpose = ?', [this.server, plan, this.purpose]);
    return row?.newest ?? null;
  }

  async remember(plan: string, newest: number): Promise<void> {
    await this.sql.run(
      `INSERT INTO fetch_state (server, plan, purpose, newest, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (server, plan, purpose) DO UPDATE SET newest = excluded.newest, updated_at = excluded.updated_at`,
      [this.server, plan, this.purpose, newest, now()],
    );
  }

  /** The job result is stored from a log read to its end: fetching it again would add nothing. */
  async storedComplete(buildKey: string): Promise<boolean> {
    return (await this.sql.all('SELECT 1 AS one FROM builds WHERE build_key = ? AND finished = 1', [buildKey])).length > 0;
  }
}
