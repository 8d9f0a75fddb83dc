// Migration 005: per Bamboo server and plan, the newest result number up to which `fetch` has done every result.

export const sql = `
CREATE TABLE fetch_state (
  server     TEXT NOT NULL,
  plan       TEXT NOT NULL,
  newest     INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (server, plan)
);
`;
