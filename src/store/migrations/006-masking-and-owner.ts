// Migration 006: which masking a diagnosis went through, and which process is reading a source. Frozen once shipped.

/**
 * `diagnoses.masked`: the version of the secret masking the row's evidence, captures and fix went through (0: stored
 * before masking existed); `reanalyze` masks rows below the current one. `sources.owner`: `host:pid` of the run
 * reading it, so a source left `reading` by a run that was killed can be told from one another process reads now.
 */
export const sql = `
ALTER TABLE diagnoses ADD COLUMN masked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN owner TEXT;
`;
