// Migration 007: cause lines and failure signatures, generic rules, and the green baseline of each job.

/**
 * diagnoses.cause holds the cause lines shown (JSON [{line, text}]), cause_pool the ranked candidates they were
 * chosen from (to rank again when successful builds of the job teach new noise), signature the hash of the first
 * cause line's template. builds.signature is the build's own (that of its failure), indexed for `history
 * --unexplained` and `--by signature`; diagnoses_causes_of_job finds the causes of a job to rank again (only rows
 * that have them: a small index); signatures maps a hash to its template text. generic marks diagnoses of
 * catch-all rules, which do not count as explaining a failure: diagnoses_build_explains (which replaces 002's
 * diagnoses_build_severity) answers "has this build an error diagnosis of a specific rule" from the index alone
 * (without it, history --unexplained read every diagnosis row of a failed build). green_lines: per plan and job, the templates of
 * error-like lines of successful builds, with a sample line (LogJuicer's baseline).
 */
export const sql = `
ALTER TABLE diagnoses ADD COLUMN cause TEXT;
ALTER TABLE diagnoses ADD COLUMN cause_pool TEXT;
ALTER TABLE diagnoses ADD COLUMN signature TEXT;
ALTER TABLE diagnoses ADD COLUMN generic INTEGER NOT NULL DEFAULT 0;
UPDATE diagnoses SET generic = 1 WHERE rule IN ('task-nonzero-exit', 'npm-error', 'maven-build-failure', 'gradle-build-failure');
ALTER TABLE builds ADD COLUMN signature TEXT;
CREATE INDEX builds_signature ON builds(signature, started) WHERE signature IS NOT NULL;
CREATE INDEX diagnoses_causes_of_job ON diagnoses(plan, job) WHERE cause_pool IS NOT NULL;
DROP INDEX diagnoses_build_severity;
CREATE INDEX diagnoses_build_explains ON diagnoses(build_id, severity, generic);
CREATE TABLE signatures (
  hash     TEXT PRIMARY KEY,
  template TEXT NOT NULL
);
CREATE TABLE green_lines (
  plan        TEXT NOT NULL,
  job         TEXT NOT NULL,
  hash        TEXT NOT NULL,
  template    TEXT NOT NULL,
  sample      TEXT NOT NULL,
  first_build TEXT NOT NULL,
  PRIMARY KEY (plan, job, hash)
);
`;
