// Migration 005: per Bamboo server, plan and purpose, the newest result number up to which `fetch` has done everything.

/**
 * `purpose` is '' for reading logs into the database, or what a run writes back to Bamboo (`comment`, `label`,
 * `comment+label`): a run that comments must see results an earlier run only read.
 */
export const sql = `
CREATE TABLE fetch_state (
  server     TEXT NOT NULL,
  plan       TEXT NOT NULL,
  purpose    TEXT NOT NULL,
  newest     INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (server, plan, purpose)
);
`;
