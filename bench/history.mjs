// History query benchmark: fills a temp database with 1 M generated diagnoses and times the history
// queries with the history indexes (migration 002), with only migration 001's indexes, and with none.
// Run: npm run bench:history   (N=200000 npm run bench:history for a quicker look)

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../dist/store/store.js';
import { sql as initialSql } from '../dist/store/migrations/001-initial.js';
import { sql as historySql } from '../dist/store/migrations/002-history-indexes.js';
import { resolveFilter } from '../dist/history/filters.js';
import { historyRows, trendOf } from '../dist/history/query.js';
import { unexplainedBuilds } from '../dist/history/unexplained.js';
import { localIso } from '../dist/history/time.js';

const N = Number(process.env.N ?? 1_000_000);
const RUNS = 7;
const dir = mkdtempSync(join(tmpdir(), 'bamboo-doctor-bench-'));
const store = new Store(join(dir, 'history.db'));
const db = store.db;

// A deterministic generator, so runs compare.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
/** Zipf-like: a few rules and agents cause most failures, as in real installations. */
const skewed = (n) => Math.min(n - 1, Math.floor(n * rand() ** 2.5));

const RULES = Array.from({ length: 60 }, (_, i) => `rule-${String(i).padStart(2, '0')}-${['docker', 'maven', 'npm', 'git', 'agent'][i % 5]}`);
const AGENTS = Array.from({ length: 300 }, (_, i) => (i < 40 ? `Elastic Agent on i-0${(1e9 + i * 7919).toString(16)}` : `build-linux-${String(i).padStart(3, '0')}`));
const AGENT_TYPE = (a) => (a < 40 ? 'elastic' : a < 60 ? 'local' : a < 70 ? 'ephemeral' : 'remote');
const PLANS = Array.from({ length: 400 }, (_, i) => `P${i % 37}-PLAN${i}`);
const SCENARIOS = ['docker-runner-remote-agent', 'docker-runner-elastic-agent', 'agent-environment', 'undetermined'];
const RUNNERS = ['docker', 'agent', 'unknown'];
const YEAR_MS = 365 * 86_400_000;

function fill() {
  const started = Date.now();
  const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('builds', 'diagnoses')").all();
  for (const i of indexes) db.exec(`DROP INDEX ${i.name}`); // bulk insert first, index after: ~6× faster
  const build = db.prepare(`INSERT INTO builds (id, build_key, keyed, plan, job, number, state, agent_name, agent_type, runner_kind,
    runner_volumes, started, source_path, analyzed_at) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?)`);
  const diag = db.prepare(`INSERT INTO diagnoses (build_id, rule, rule_version, title, severity, category, scenario, source, line, time,
    at, count, evidence, captures, fix, build_key, plan, job, agent_name, agent_type, runner_kind)
    VALUES (?, ?, 'v1', ?, ?, 'docker', ?, ?, ?, ?, ?, 1, ?, '{}', ?, ?, ?, ?, ?, ?, ?)`);
  const now = Date.now();
  db.transaction(() => {
    let rows = 0;
    for (let b = 1; rows < N; b++) {
      const plan = PLANS[skewed(PLANS.length)];
      const job = `JOB${1 + (b % 3)}`;
      const key = `${plan}-${job}-${b}`;
      const a = skewed(AGENTS.length);
      const at = localIso(new Date(now - rand() * YEAR_MS));
      const failed = rand() < 0.97;
      const runner = RUNNERS[b % 3];
      build.run(b, key, plan, job, b, failed ? 'failed' : 'successful', AGENTS[a], AGENT_TYPE(a), runner, at, `logs/${key}.log`, now);
      if (failed && rand() < 0.15) continue; // an unexplained failure
      const rules = new Set(Array.from({ length: 1 + Math.floor(rand() * 3) }, () => RULES[skewed(RULES.length)]));
      for (const rule of rules) {
        if (rows++ >= N) break;
        const evidence = JSON.stringify([`Error response from daemon: pull access denied for registry.example/${plan.toLowerCase()}/app, repository does not exist`]);
        diag.run(b, rule, `Title of ${rule}`, failed ? 'error' : 'info', SCENARIOS[b % 4], `logs/${key}.log`, 100 + (b % 900), at, at, evidence,
          'Log in as the agent user, then add ${system.HOME} and the docker socket to the runner volumes.', key, plan, job, AGENTS[a], AGENT_TYPE(a), runner);
      }
    }
  })();
  const insertMs = Date.now() - started;
  const t = Date.now();
  for (const i of indexes) db.exec(i.sql);
  return { insertMs, indexMs: Date.now() - t };
}

/** Diagnoses per second written into the full table with the indexes in place (analyze writes a few per build). */
function insertRate(n = 20_000) {
  const top = db.prepare('SELECT max(id) AS id FROM builds').get().id;
  const build = db.prepare(`INSERT INTO builds (id, build_key, keyed, state, agent_type, runner_kind, runner_volumes, source_path, analyzed_at, started)
    VALUES (?, ?, 1, 'failed', 'remote', 'docker', '[]', 'x.log', 'now', ?)`);
  const diag = db.prepare(`INSERT INTO diagnoses (build_id, rule, rule_version, title, severity, category, scenario, source, line, at, count,
    evidence, captures, fix, build_key, agent_name, agent_type, runner_kind) VALUES (?, ?, 'v1', 't', 'error', 'docker', 's', 'x.log', 1, ?, 1,
    '[]', '{}', 'fix', ?, ?, 'remote', 'docker')`);
  const t = Date.now();
  db.transaction(() => {
    for (let i = 1; i <= n; i++) {
      const at = localIso(new Date(Date.now() - rand() * YEAR_MS));
      build.run(top + i, `INSERTED-${top + i}`, at);
      diag.run(top + i, RULES[skewed(RULES.length)], at, `INSERTED-${top + i}`, AGENTS[skewed(AGENTS.length)]);
    }
  })();
  const rate = Math.round(n / ((Date.now() - t) / 1000));
  db.exec(`DELETE FROM builds WHERE id > ${top}`); // cascades to the diagnoses
  return rate.toLocaleString('en');
}

const QUERIES = {
  'history --by rule --since 30d': (f) => historyRows(db, { by: ['rule'], filter: f('30d') }),
  '  … its 8-week sparklines (text)': (f) => trendOf(db, ['rule'], f('30d'), 'week', { to: localIso(new Date()), last: 8 }),
  'history --by rule --since 7d': (f) => historyRows(db, { by: ['rule'], filter: f('7d') }),
  'history --by agent --since 30d': (f) => historyRows(db, { by: ['agent'], filter: f('30d') }),
  'history --by rule,agent --since 30d --top 20': (f) => historyRows(db, { by: ['rule', 'agent'], filter: f('30d'), top: 20 }),
  'history --by day --rule rule-00-docker --since 30d': (f) => historyRows(db, { by: ['day'], filter: { ...f('30d'), rule: ['rule-00-docker'] } }),
  'history --by week --since 90d': (f) => historyRows(db, { by: ['week'], filter: f('90d') }),
  'history --by rule (all time)': (f) => historyRows(db, { by: ['rule'], filter: f(null) }),
  'history --unexplained --since 30d': (f) => unexplainedBuilds(db, f('30d'), 50),
};

function time(fn) {
  const filter = (since) => resolveFilter(since ? { since } : {});
  fn(filter); // warm the page cache and the statement
  const ms = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    fn(filter);
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return ms.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

const timeAll = () => Object.fromEntries(Object.entries(QUERIES).map(([name, fn]) => [name, time(fn)]));

const { insertMs, indexMs } = fill();
const counts = store.counts();
const size = statSync(join(dir, 'history.db')).size;
console.log(`${counts.diagnoses.toLocaleString('en')} diagnoses in ${counts.builds.toLocaleString('en')} builds, ${(size / 2 ** 20).toFixed(0)} MB;`);
console.log(`inserted in ${(insertMs / 1000).toFixed(1)} s, indexes built in ${(indexMs / 1000).toFixed(1)} s; median of ${RUNS} runs, ms:\n`);

// No ANALYZE: a user's database has no planner statistics either.
const withHistory = timeAll();
const insertWithHistory = insertRate();
// Back to migration 001's indexes only: drop what 002 created, restore what it dropped.
const created = [...historySql.matchAll(/CREATE INDEX (\w+)/g)].map((m) => m[1]);
const dropped = [...historySql.matchAll(/DROP INDEX (\w+)/g)].map((m) => m[1]);
for (const name of created) db.exec(`DROP INDEX ${name}`);
for (const stmt of initialSql.split(';').filter((s) => dropped.some((d) => s.includes(`CREATE INDEX ${d} `)))) db.exec(stmt);
const with001 = timeAll();
const insert001 = insertRate();
for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('diagnoses', 'builds')").all()) {
  db.exec(`DROP INDEX ${name}`);
}
const none = timeAll();

const w = Math.max(...Object.keys(QUERIES).map((k) => k.length));
console.log(`${'query'.padEnd(w)}  ${'002 indexes'.padStart(11)}  ${'001 only'.padStart(9)}  ${'none'.padStart(8)}`);
for (const name of Object.keys(QUERIES)) {
  const f = (v) => v.toFixed(1).padStart(8);
  console.log(`${name.padEnd(w)}  ${f(withHistory[name]).padStart(11)}  ${f(with001[name]).padStart(9)}  ${f(none[name])}`);
}
console.log(`\ninsert, one transaction of 20,000 diagnoses: ${insertWithHistory} rows/s with 002's indexes, ${insert001} with 001's`);
const target = withHistory['history --by rule --since 30d'];
console.log(`\ngoal: history --by rule --since 30d under 100 ms over ${(N / 1e6).toFixed(1)} M diagnoses: ${target.toFixed(1)} ms, ${target < 100 ? 'met' : 'NOT met'}`);
store.close();
rmSync(dir, { recursive: true, force: true });
