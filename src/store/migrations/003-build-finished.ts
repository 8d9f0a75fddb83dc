// Migration 003: whether a build's log was read to its end, so a partial copy never replaces a complete one.

export const sql = `
ALTER TABLE builds ADD COLUMN finished INTEGER NOT NULL DEFAULT 0;
`;
