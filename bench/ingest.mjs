// Ingest rows: the same NDJSON diagnoses stored by `bamboo-doctor ingest` into a new SQLite file and into a new
// PostgreSQL database (BENCH_PG, else BAMBOO_DOCTOR_TEST_PG: `scripts/with-pg.sh npm run bench` starts one).
// The records are synthetic (generated here, shaped as analyze --format ndjson prints them), two per build.
//
//   npm run bench:ingest     (BENCH_INGEST_BUILDS=20000 to change the size); also part of npm run bench

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { interleave, runChecked, CLI } from './lib/measure.mjs';

const BUILDS = Number(process.env.BENCH_INGEST_BUILDS ?? 20_000);
export const PG_URL = process.env.BENCH_PG || process.env.BAMBOO_DOCTOR_TEST_PG || null;

function record(n, rule) {
  return JSON.stringify({
    rule, title: `Synthetic ${rule}`, severity: 'error', category: 'docker', scenario: 'docker-runner-remote-agent',
    build: `LOAD-PLAN-JOB${n % 7}-${n}`, plan: 'LOAD-PLAN', job: `JOB${n % 7}`, number: n,
    agent: { name: `build-linux-${n % 20}`, type: 'remote', container: false, service: false, home: '/home/bamboo', os: 'linux' },
    runner: { kind: 'docker', image: 'maven:3.9', volumes: [{ host: '/home/bamboo/.m2', container: '/root/.m2' }] },
    task: { name: 'Pull', type: 'com.atlassian.bamboo.plugins.scripttask:task.builder.script' },
    source: `logs/LOAD-PLAN-JOB${n % 7}-${n}.log`, line: 5, time: `2025-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}T09:41:07`,
    evidence: ["Error response from daemon: pull access denied for registry.example/app, repository does not exist or may require 'docker login'"],
    captures: { image: 'registry.example/app' }, count: 1,
    fix: 'Add the registry credentials to the agent user (docker login registry.example as that user), or give the Docker task credentials. '.repeat(3),
    ruleVersion: 'synthetic',
  });
}

/** A new PostgreSQL database for one run, and how to drop it. */
export async function pgDatabase(admin, n) {
  const name = `bd_bench_${process.pid}_${n}`;
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** The rows: diagnoses per second into each database, medians of BENCH_RUNS runs taken in rounds. */
export async function ingestRows() {
  const dir = mkdtempSync(join(tmpdir(), 'bd-bench-ingest-'));
  const file = join(dir, 'diagnoses.ndjson');
  const lines = [];
  for (let n = 1; n <= BUILDS; n++) lines.push(record(n, 'docker-pull-access-denied'), record(n, 'task-nonzero-exit'));
  writeFileSync(file, `${lines.join('\n')}\n`);
  const admin = PG_URL ? new pg.Pool({ connectionString: PG_URL, max: 1 }) : null;
  const cleanup = [];
  let runs = 0;
  const specs = [
    { id: 'ingest-sqlite', name: 'ingest into SQLite (new database)', once: () => runChecked(process.execPath, [CLI, 'ingest', file, '--db', join(dir, `run-${runs++}.db`)]) },
  ];
  if (admin) {
    specs.push({
      id: 'ingest-postgres',
      name: 'ingest into PostgreSQL (new database)',
      once: async () => {
        const db = await pgDatabase(admin, runs++);
        cleanup.push(db.drop);
        return runChecked(process.execPath, [CLI, 'ingest', file, '--db', db.url]);
      },
    });
  }
  try {
    const measured = await interleave(specs);
    return measured.map((m, i) => ({ id: specs[i].id, name: specs[i].name, diagnoses: lines.length, ...(m.error ? { seconds: null, note: `failed: ${m.error.message}` } : { seconds: m.seconds, cpu: m.cpu, rss: m.rss, note: '' }) }));
  } finally {
    for (const drop of cleanup) await drop().catch(() => {});
    await admin?.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One line a row, and the PostgreSQL ÷ SQLite ratio. */
export function formatIngest(rows) {
  const out = rows.map((r) => `  ${r.name.padEnd(46)}${r.seconds === null ? `  ${r.note}` : `${r.seconds.toFixed(2).padStart(7)} s  ${Math.round(r.diagnoses / r.seconds).toLocaleString('en').padStart(8)} diagnoses/s  peak RSS ${r.rss?.toFixed(0) ?? '?'} MB`}`);
  const [sqlite, postgres] = ['ingest-sqlite', 'ingest-postgres'].map((id) => rows.find((r) => r.id === id && r.seconds !== null));
  if (sqlite && postgres) out.push(`  PostgreSQL ÷ SQLite: ${(sqlite.seconds / postgres.seconds).toFixed(2)}×`);
  if (!PG_URL) out.push('  no PostgreSQL row: set BENCH_PG=postgres://…, or run scripts/with-pg.sh npm run bench');
  return out.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`ingest: ${(BUILDS * 2).toLocaleString('en')} NDJSON diagnoses in ${BUILDS.toLocaleString('en')} builds\n${formatIngest(await ingestRows())}\n`);
}
