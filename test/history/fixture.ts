// A real SQLite file with known builds and diagnoses, written through Store.saveJob, for history tests.

import { join } from 'node:path';
import { emptyContext, type AgentType, type BuildState, type Diagnosis, type JobContext, type RunnerKind, type Severity } from '../../src/model.js';
import { Store } from '../../src/store/store.js';
import type { WriteOp } from '../../src/store/writes.js';
import { PgStore } from '../../src/store/pg-store.js';
import type { SqlReader } from '../../src/store/sql.js';
import { newDatabase } from '../helpers/databases.js';
import { tempDir } from '../helpers/cli.js';

interface Spec {
  key: string;
  agent: [string, AgentType];
  runner: RunnerKind;
  state: BuildState;
  started: string;
  /** rule, severity, scenario, time, count */
  diagnoses: [string, Severity, string, string, number?][];
}

const AGENT_LIN1: [string, AgentType] = ['lin-1', 'remote'];
const AGENT_LIN2: [string, AgentType] = ['lin-2', 'remote'];
const AGENT_EL1: [string, AgentType] = ['Elastic Agent on i-1', 'elastic'];
const AGENT_LOC: [string, AgentType] = ['loc', 'local'];

/**
 * ISO weeks: 2025-10-06/07 W41, 10-14/15 W42, 10-20/21/22 W43, 10-28 W44.
 * By rule: r-docker 4 diagnoses in 4 builds (one fired 5 times), r-maven 2, r-disk 2.
 * Failed builds: 7, of which A-P-J1-7 (none) and B-Q-J2-8 (a warning only) are unexplained.
 */
export const BUILDS: Spec[] = [
  { key: 'A-P-J1-1', agent: AGENT_LIN1, runner: 'docker', state: 'failed', started: '2025-10-06T10:00:00', diagnoses: [['r-docker', 'error', 'sc-remote', '2025-10-06T10:05:00', 5]] },
  {
    key: 'A-P-J1-2', agent: AGENT_LIN2, runner: 'docker', state: 'failed', started: '2025-10-07T11:00:00',
    diagnoses: [['r-docker', 'error', 'sc-remote', '2025-10-07T11:01:00'], ['r-maven', 'warning', 'sc-any', '2025-10-07T11:02:00']],
  },
  { key: 'A-P-J2-3', agent: AGENT_EL1, runner: 'docker', state: 'failed', started: '2025-10-14T09:00:00', diagnoses: [['r-docker', 'error', 'sc-elastic', '2025-10-14T09:10:00']] },
  { key: 'B-Q-J1-4', agent: AGENT_LIN1, runner: 'agent', state: 'failed', started: '2025-10-15T12:00:00', diagnoses: [['r-maven', 'error', 'sc-any', '2025-10-15T12:30:00']] },
  { key: 'B-Q-J1-5', agent: AGENT_LOC, runner: 'agent', state: 'failed', started: '2025-10-20T08:00:00', diagnoses: [['r-disk', 'error', 'sc-local', '2025-10-20T08:01:00']] },
  { key: 'B-Q-J1-6', agent: AGENT_LIN2, runner: 'agent', state: 'successful', started: '2025-10-21T08:00:00', diagnoses: [['r-docker', 'info', 'sc-remote', '2025-10-21T08:02:00']] },
  { key: 'A-P-J1-7', agent: AGENT_LIN1, runner: 'docker', state: 'failed', started: '2025-10-22T10:00:00', diagnoses: [] },
  { key: 'B-Q-J2-8', agent: AGENT_EL1, runner: 'agent', state: 'failed', started: '2025-10-28T23:59:30', diagnoses: [['r-disk', 'warning', 'sc-any', '2025-10-28T23:59:40']] },
];

export function contextOf(spec: { key: string; agent: [string, AgentType]; runner: RunnerKind; state: BuildState; started: string }): JobContext {
  const c = emptyContext();
  const parts = spec.key.split('-');
  c.build = spec.key;
  c.plan = parts.slice(0, 2).join('-');
  c.job = parts[2];
  c.number = Number(parts[3]);
  c.state = spec.state;
  c.started = spec.started;
  c.agent = { name: spec.agent[0], type: spec.agent[1], container: false, service: null, home: '/home/bamboo', os: 'linux' };
  c.runner = { kind: spec.runner, image: spec.runner === 'docker' ? 'maven:3.9' : null, volumes: [], arguments: [] };
  return c;
}

export function diagnosisOf(ctx: JobContext, rule: string, severity: Severity, scenario: string, time: string, count = 1, evidence = [`${rule} happened`]): Diagnosis {
  return {
    rule, title: `Title of ${rule}`, severity, category: 'test', scenario, build: ctx.build, plan: ctx.plan, job: ctx.job, number: ctx.number,
    agent: { ...ctx.agent }, runner: { kind: ctx.runner.kind, image: ctx.runner.image, volumes: [] }, task: { name: 'Build', type: null },
    source: `logs/${ctx.build}.log`, line: 42, time, evidence, captures: {}, count, fix: `Fix ${rule} for ${scenario}`, ruleVersion: 'v1',
  };
}

/** The builds as the store's write ops (one finished job each), for a database of either kind. */
export function fixtureOps(builds: Spec[] = BUILDS): WriteOp[] {
  return builds.map((spec) => {
    const ctx = contextOf(spec);
    const diagnoses = spec.diagnoses.map(([rule, sev, sc, at, count]) => diagnosisOf(ctx, rule, sev, sc, at, count));
    return { kind: 'job', sourceId: null, sourcePath: `logs/${spec.key}.log`, ctx, ordinal: 0, diagnoses };
  });
}

/** The builds written into a new database of the kind, and its queries (for tests that run on both). */
export async function fixtureStore(kind: 'sqlite' | 'postgres', builds: Spec[] = BUILDS): Promise<{ sql: SqlReader; close: () => Promise<void> }> {
  const t = await newDatabase(kind);
  const store = kind === 'sqlite' ? new Store(t.db) : await PgStore.open(t.db);
  await store.write(fixtureOps(builds));
  return { sql: store.sql(), close: async () => void (await store.close()) };
}

/** Writes the builds into a fresh database file; returns its path. */
export function fixtureDb(builds: Spec[] = BUILDS): string {
  const path = join(tempDir('bamboo-doctor-history-'), 'history.db');
  const store = new Store(path);
  store.write(fixtureOps(builds));
  store.close();
  return path;
}
