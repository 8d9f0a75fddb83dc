// Migration 008: sources found by their content fingerprint; which masking green lines and signatures went through.
// Frozen once shipped: change the schema in a new file.

/**
 * `analyze` asks, for every file it has not read at that path, whether a source of the same fingerprint was read
 * (a copy on another machine or in another folder): without an index each question reads the whole table, and a
 * folder of 20,000 job logs asks 20,000 of them. Partial: stdin, followed files and streams have none.
 *
 * `green_lines.masked`, `signatures.masked`: as 006's `diagnoses.masked`, the version of the secret masking their text
 * from the log (sample, template) went through; 0 for rows stored before. `reanalyze` masks the rows below the
 * current version, and only those: a column, not a pass over every row at each run.
 */
export const sql = `
CREATE INDEX sources_fingerprint ON sources(fingerprint) WHERE fingerprint IS NOT NULL;
ALTER TABLE green_lines ADD COLUMN masked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE signatures ADD COLUMN masked INTEGER NOT NULL DEFAULT 0;
`;
