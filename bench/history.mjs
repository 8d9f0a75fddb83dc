// History query benchmark: fills a temp database with 1 M generated diagnoses and times the history
// queries with the history indexes (migration 002), with only migration 001's indexes, and with none.
// Run: npm run bench:history   (N=200000 npm run bench:history for a quicker look); npm run bench times the first query.

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Store } from '../dist/store/store.js';
import { sql as initialSql } from '../dist/store/migrations/001-initial.js';
import { sql as historySql } from '../dist/store/migrations/002-history-indexes.js';
import { resolveFilter } from '../dist/history/filters.js';
import { historyRows, trendOf } from '../dist/history/query.js';
import { unexplainedBuilds } from '../dist/store/failure-sql.js';
import { sqliteReader } from '../dist/store/sql.js';
import { localIso } from '../dist/history/time.js';
import { AGENTS, RULES, YEAR_MS, fillDiagnoses, historyDatabase, rand, skewed } from './lib/history-data.mjs';
import { interleave, measureCli, median } from './lib/measure.mjs';

const RUNS = 7;

/** Diagnoses per second written into the full table with the indexes in place (analyze writes a few per build). */
function insertRate(db, n = 20_000) {
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

const TARGET = 'history --by rule --since 30d';
const QUERIES = {
  [TARGET]: (db, f) => historyRows(db, { by: ['rule'], filter: f('30d') }),
  '  … its 8-week sparklines (text)': (db, f) => trendOf(db, ['rule'], f('30d'), 'week', { to: localIso(new Date()), last: 8 }),
  'history --by rule --since 7d': (db, f) => historyRows(db, { by: ['rule'], filter: f('7d') }),
  'history --by agent --since 30d': (db, f) => historyRows(db, { by: ['agent'], filter: f('30d') }),
  'history --by rule,agent --since 30d --top 20': (db, f) => historyRows(db, { by: ['rule', 'agent'], filter: f('30d'), top: 20 }),
  'history --by day --rule rule-00-docker --since 30d': (db, f) => historyRows(db, { by: ['day'], filter: { ...f('30d'), rule: ['rule-00-docker'] } }),
  'history --by week --since 90d': (db, f) => historyRows(db, { by: ['week'], filter: f('90d') }),
  'history --by rule (all time)': (db, f) => historyRows(db, { by: ['rule'], filter: f(null) }),
  'history --unexplained --since 30d': (db, f) => unexplainedBuilds(db, f('30d'), 50),
};

/** The median time (ms) of a query, after one run that warms the page cache and the statement. */
async function time(sql, query) {
  const filter = (since) => resolveFilter(since ? { since } : {});
  await query(sql, filter);
  const ms = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await query(sql, filter);
    ms.push(performance.now() - t);
  }
  return median(ms);
}

/** Every query, through a reader of its own (statements prepared for the indexes there are now). */
async function timeAll(db) {
  const sql = sqliteReader(db);
  const out = {};
  for (const [name, query] of Object.entries(QUERIES)) out[name] = await time(sql, query);
  return out;
}

/** One run of an async query in this process: wall and CPU seconds (as runInProcess, awaited). */
async function runAwaited(fn) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await fn();
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - started) / 1000, cpu: (used.user + used.system) / 1e6, rss: null };
}

/**
 * `history --by rule --since 30d` over n diagnoses: the query in this process after one warm-up run, and the
 * whole command (start-up included); wall and CPU milliseconds, medians of RUNS.
 */
export async function historyTarget(n) {
  const path = historyDatabase(n);
  const store = new Store(path);
  const filter = (since) => resolveFilter(since ? { since } : {});
  const sql = sqliteReader(store.db);
  await QUERIES[TARGET](sql, filter);
  const [query] = await interleave([{ id: TARGET, once: () => runAwaited(() => QUERIES[TARGET](sql, filter)) }], RUNS);
  store.close();
  const cli = await measureCli(['history', '--by', 'rule', '--since', '30d', '--db', path], { runs: RUNS });
  return { n, queryMs: query.seconds * 1000, queryCpuMs: query.cpu * 1000, cliMs: cli.seconds * 1000, cliCpuMs: cli.cpu === null ? null : cli.cpu * 1000 };
}

async function main(n) {
  const dir = mkdtempSync(join(tmpdir(), 'bamboo-doctor-bench-'));
  const store = new Store(join(dir, 'history.db'));
  const db = store.db;
  const { insertMs, indexMs } = fillDiagnoses(db, n);
  const counts = store.counts();
  const size = statSync(join(dir, 'history.db')).size;
  console.log(`${counts.diagnoses.toLocaleString('en')} diagnoses in ${counts.builds.toLocaleString('en')} builds, ${(size / 2 ** 20).toFixed(0)} MB;`);
  console.log(`inserted in ${(insertMs / 1000).toFixed(1)} s, indexes built in ${(indexMs / 1000).toFixed(1)} s; median of ${RUNS} runs, ms:\n`);

  // No ANALYZE: a user's database has no planner statistics either.
  const withHistory = await timeAll(db);
  const insertWithHistory = insertRate(db);
  // Back to migration 001's indexes only: drop what 002 created, restore what it dropped.
  const created = [...historySql.matchAll(/CREATE INDEX (\w+)/g)].map((m) => m[1]);
  const dropped = [...historySql.matchAll(/DROP INDEX (\w+)/g)].map((m) => m[1]);
  for (const name of created) db.exec(`DROP INDEX IF EXISTS ${name}`);
  for (const stmt of initialSql.split(';').filter((s) => dropped.some((d) => s.includes(`CREATE INDEX ${d} `)))) db.exec(stmt);
  const with001 = await timeAll(db);
  const insert001 = insertRate(db);
  for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('diagnoses', 'builds')").all()) {
    db.exec(`DROP INDEX ${name}`);
  }
  const none = await timeAll(db);

  const w = Math.max(...Object.keys(QUERIES).map((k) => k.length));
  console.log(`${'query'.padEnd(w)}  ${'002 indexes'.padStart(11)}  ${'001 only'.padStart(9)}  ${'none'.padStart(8)}`);
  for (const name of Object.keys(QUERIES)) {
    const f = (v) => v.toFixed(1).padStart(8);
    console.log(`${name.padEnd(w)}  ${f(withHistory[name]).padStart(11)}  ${f(with001[name]).padStart(9)}  ${f(none[name])}`);
  }
  console.log(`\ninsert, one transaction of 20,000 diagnoses: ${insertWithHistory} rows/s with 002's indexes, ${insert001} with 001's`);
  const target = withHistory[TARGET];
  console.log(`\ngoal: ${TARGET} under 100 ms over ${(n / 1e6).toFixed(1)} M diagnoses: ${target.toFixed(1)} ms, ${target < 100 ? 'met' : 'NOT met'}`);
  store.close();
  rmSync(dir, { recursive: true, force: true });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main(Number(process.env.N ?? 1_000_000));
