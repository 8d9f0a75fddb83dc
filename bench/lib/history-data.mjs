// The bench's history data (generated): N diagnoses of the year before now, skewed as real installations are.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../../dist/store/store.js';
import { localIso } from '../../dist/history/time.js';
import { DATA, rng } from './measure.mjs';

export const rand = rng(42);
/** Zipf-like: a few rules and agents cause most failures, as in real installations. */
export const skewed = (n) => Math.min(n - 1, Math.floor(n * rand() ** 2.5));

export const RULES = Array.from({ length: 60 }, (_, i) => `rule-${String(i).padStart(2, '0')}-${['docker', 'maven', 'npm', 'git', 'agent'][i % 5]}`);
export const AGENTS = Array.from({ length: 300 }, (_, i) => (i < 40 ? `Elastic Agent on i-0${(1e9 + i * 7919).toString(16)}` : `build-linux-${String(i).padStart(3, '0')}`));
const AGENT_TYPE = (a) => (a < 40 ? 'elastic' : a < 60 ? 'local' : a < 70 ? 'ephemeral' : 'remote');
const PLANS = Array.from({ length: 400 }, (_, i) => `P${i % 37}-PLAN${i}`);
const SCENARIOS = ['docker-runner-remote-agent', 'docker-runner-elastic-agent', 'agent-environment', 'undetermined'];
const RUNNERS = ['docker', 'agent', 'unknown'];
export const YEAR_MS = 365 * 86_400_000;

/** Inserts n diagnoses (in builds of 1–3) with the indexes dropped, then rebuilds them: ~6× faster than in place. */
export function fillDiagnoses(db, n) {
  const started = Date.now();
  const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('builds', 'diagnoses')").all();
  for (const i of indexes) db.exec(`DROP INDEX ${i.name}`);
  const build = db.prepare(`INSERT INTO builds (id, build_key, keyed, plan, job, number, state, agent_name, agent_type, runner_kind,
    runner_volumes, started, source_path, analyzed_at) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?)`);
  const diag = db.prepare(`INSERT INTO diagnoses (build_id, rule, rule_version, title, severity, category, scenario, source, line, time,
    at, count, evidence, captures, fix, build_key, plan, job, agent_name, agent_type, runner_kind)
    VALUES (?, ?, 'v1', ?, ?, 'docker', ?, ?, ?, ?, ?, 1, ?, '{}', ?, ?, ?, ?, ?, ?, ?)`);
  const now = Date.now();
  db.transaction(() => {
    let rows = 0;
    for (let b = 1; rows < n; b++) {
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
        if (rows++ >= n) break;
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

/**
 * A database of n diagnoses in bench/data, made again when older than half a day: the diagnoses are dated
 * from the moment of filling, and `--since 30d` must keep finding a month of them.
 */
export function historyDatabase(n) {
  const path = join(DATA, `history-${n}.db`);
  // A stamp of its own: opening the database (WAL) touches the file's mtime.
  const stamp = `${path}.filled`;
  if (existsSync(path) && existsSync(stamp) && Date.now() - Number(readFileSync(stamp, 'utf8')) < 12 * 3600_000) return path;
  for (const s of ['', '-wal', '-shm']) rmSync(path + s, { force: true });
  mkdirSync(DATA, { recursive: true });
  process.stderr.write(`filling ${path} with ${n.toLocaleString('en')} diagnoses …\n`);
  const store = new Store(path);
  fillDiagnoses(store.db, n);
  store.close();
  writeFileSync(stamp, String(Date.now()));
  return path;
}
