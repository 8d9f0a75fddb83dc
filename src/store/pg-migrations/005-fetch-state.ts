// PostgreSQL migration 005 (SQLite's 005): what `fetch` has done per server, plan and purpose. Frozen once shipped.

export const sql = `
CREATE TABLE fetch_state (
  server     TEXT COLLATE "C" NOT NULL,
  plan       TEXT COLLATE "C" NOT NULL,
  purpose    TEXT COLLATE "C" NOT NULL,
  newest     INTEGER NOT NULL,
  updated_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (server, plan, purpose)
);
`;
