// Migration 001: sources, builds and diagnoses. Frozen once shipped: change the schema in a new file.

export const sql = `
CREATE TABLE sources (
  id          INTEGER PRIMARY KEY,
  path        TEXT NOT NULL,
  kind        TEXT NOT NULL,
  size        INTEGER,
  mtime_ms    INTEGER,
  fingerprint TEXT,
  lines       INTEGER,
  status      TEXT NOT NULL,
  error       TEXT,
  ingested_at TEXT NOT NULL
);
CREATE INDEX sources_path ON sources(path);

CREATE TABLE builds (
  id              INTEGER PRIMARY KEY,
  build_key       TEXT NOT NULL UNIQUE,
  keyed           INTEGER NOT NULL,
  plan            TEXT,
  job             TEXT,
  number          INTEGER,
  state           TEXT NOT NULL,
  bamboo_version  TEXT,
  agent_name      TEXT,
  agent_type      TEXT NOT NULL,
  agent_container INTEGER,
  agent_service   INTEGER,
  agent_home      TEXT,
  runner_kind     TEXT NOT NULL,
  runner_image    TEXT,
  runner_volumes  TEXT NOT NULL,
  started         TEXT,
  source_id       INTEGER REFERENCES sources(id),
  source_path     TEXT NOT NULL,
  analyzed_at     TEXT NOT NULL
);
CREATE INDEX builds_started ON builds(started);

CREATE TABLE diagnoses (
  id           INTEGER PRIMARY KEY,
  build_id     INTEGER NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
  rule         TEXT NOT NULL,
  rule_version TEXT NOT NULL,
  title        TEXT NOT NULL,
  severity     TEXT NOT NULL,
  category     TEXT NOT NULL,
  scenario     TEXT NOT NULL,
  candidates   TEXT,
  task_name    TEXT,
  task_type    TEXT,
  source       TEXT NOT NULL,
  line         INTEGER NOT NULL,
  time         TEXT,
  at           TEXT NOT NULL,
  count        INTEGER NOT NULL,
  evidence     TEXT NOT NULL,
  captures     TEXT NOT NULL,
  fix          TEXT NOT NULL,
  note         TEXT,
  build_key    TEXT NOT NULL,
  plan         TEXT,
  job          TEXT,
  agent_name   TEXT,
  agent_type   TEXT NOT NULL,
  runner_kind  TEXT NOT NULL,
  UNIQUE (build_id, rule)
);
CREATE INDEX diagnoses_rule_at ON diagnoses(rule, at);
CREATE INDEX diagnoses_at ON diagnoses(at);
`;
