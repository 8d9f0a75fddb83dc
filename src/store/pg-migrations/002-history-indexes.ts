// PostgreSQL migration 002 (SQLite's 002): indexes for history queries. Frozen once shipped.

/** As SQLite's 002 (see its comment). */
export const sql = `
DROP INDEX diagnoses_at;
DROP INDEX diagnoses_rule_at;
CREATE INDEX diagnoses_time ON diagnoses(at, rule, build_id, severity, plan, job, agent_name, agent_type, runner_kind, scenario);
CREATE INDEX diagnoses_rule_time ON diagnoses(rule, at, build_id);
CREATE INDEX diagnoses_build_severity ON diagnoses(build_id, severity);
CREATE INDEX builds_failed ON builds(started) WHERE state = 'failed';
`;
