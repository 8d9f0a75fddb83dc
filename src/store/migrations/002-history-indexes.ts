// Migration 002: indexes for history queries. Frozen once shipped: change the schema in a new file.

/**
 * `history --since …` reads a time range: diagnoses_time holds, after `at`, every column a history query
 * groups or filters by, so a range is answered from the index alone (no 1 KB table row read per diagnosis).
 * diagnoses_rule_time covers `--by rule` over all time and `--rule X --since …`. They start like 001's
 * diagnoses_at and diagnoses_rule_at, which go (one less index to keep up per insert). The last two serve
 * `history --unexplained`: failed builds by time, and "has this build an error diagnosis". Figures:
 * bench/history.mjs.
 */
export const sql = `
DROP INDEX diagnoses_at;
DROP INDEX diagnoses_rule_at;
CREATE INDEX diagnoses_time ON diagnoses(at, rule, build_id, severity, plan, job, agent_name, agent_type, runner_kind, scenario);
CREATE INDEX diagnoses_rule_time ON diagnoses(rule, at, build_id);
CREATE INDEX diagnoses_build_severity ON diagnoses(build_id, severity);
CREATE INDEX builds_failed ON builds(started) WHERE state = 'failed';
`;
