// PostgreSQL migration 006 (SQLite's 006): which masking a diagnosis went through, which process reads a source. Frozen once shipped.

export const sql = `
ALTER TABLE diagnoses ADD COLUMN masked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN owner TEXT COLLATE "C";
`;
