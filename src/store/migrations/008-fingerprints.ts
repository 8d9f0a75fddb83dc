// Migration 008: sources found by their content fingerprint. Frozen once shipped: change the schema in a new file.

/**
 * `analyze` asks, for every file it has not read at that path, whether a source of the same fingerprint was read
 * (a copy on another machine or in another folder): without an index each question reads the whole table, and a
 * folder of 20,000 job logs asks 20,000 of them. Partial: stdin, followed files and streams have none.
 */
export const sql = `
CREATE INDEX sources_fingerprint ON sources(fingerprint) WHERE fingerprint IS NOT NULL;
`;
