// PostgreSQL migration 004 (SQLite's 004): the agent host's OS with each build. Frozen once shipped.

export const sql = `
ALTER TABLE builds ADD COLUMN agent_os TEXT COLLATE "C" NOT NULL DEFAULT 'unknown';
`;
