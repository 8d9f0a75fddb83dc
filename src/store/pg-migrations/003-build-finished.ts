// PostgreSQL migration 003 (SQLite's 003): whether a build's log was read to its end. Frozen once shipped.

export const sql = `
ALTER TABLE builds ADD COLUMN finished INTEGER NOT NULL DEFAULT 0;
`;
