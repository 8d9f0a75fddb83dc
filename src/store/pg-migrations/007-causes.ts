// PostgreSQL migration 007 (SQLite's 007): cause lines and failure signatures, generic rules, the green baseline. Frozen once shipped.

/** As SQLite's 007 (see its comment). */
export const sql = `
ALTER TABLE diagnoses ADD COLUMN cause TEXT COLLATE "C";
ALTER TABLE diagnoses ADD COLUMN cause_pool TEXT COLLATE "C";
ALTER TABLE diagnoses ADD COLUMN signature TEXT COLLATE "C";
ALTER TABLE diagnoses ADD COLUMN generic INTEGER NOT NULL DEFAULT 0;
UPDATE diagnoses SET generic = 1 WHERE rule IN ('task-nonzero-exit', 'npm-error', 'maven-build-failure', 'gradle-build-failure');
ALTER TABLE builds ADD COLUMN signature TEXT COLLATE "C";
CREATE INDEX builds_signature ON builds(signature, started) WHERE signature IS NOT NULL;
CREATE INDEX diagnoses_causes_of_job ON diagnoses(plan, job) WHERE cause_pool IS NOT NULL;
DROP INDEX diagnoses_build_severity;
CREATE INDEX diagnoses_build_explains ON diagnoses(build_id, severity, generic);
CREATE TABLE signatures (
  hash     TEXT COLLATE "C" PRIMARY KEY,
  template TEXT COLLATE "C" NOT NULL
);
CREATE TABLE green_lines (
  plan        TEXT COLLATE "C" NOT NULL,
  job         TEXT COLLATE "C" NOT NULL,
  hash        TEXT COLLATE "C" NOT NULL,
  template    TEXT COLLATE "C" NOT NULL,
  sample      TEXT COLLATE "C" NOT NULL,
  first_build TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (plan, job, hash)
);
`;
