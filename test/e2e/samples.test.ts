// The real CLI on every bundled sample: the expected rule, scenario, build, agent, runner, line, time and fix.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { ndjson, ROOT, runCli, tempDir } from '../helpers/cli.js';

const EXPECTED = join(ROOT, 'test', 'e2e', 'expected');
const samples = readdirSync(EXPECTED).map((f) => f.replace(/\.json$/, ''));

/** What each scenario's fix must name: the concrete paths and lines of that scenario. */
const FIX_ITEMS: Record<string, string[]> = {
  'docker-runner-remote-agent': ['${system.HOME}: ${system.HOME}', '/var/run/docker.sock: /var/run/docker.sock', 'Volumes', '/home/bamboo'],
  'docker-runner-docker-agent': [
    '-v /var/atlassian/application-data/bamboo-agent:/var/atlassian/application-data/bamboo-agent',
    '-v /var/run/docker.sock:/var/run/docker.sock',
    'not a named volume',
    '${system.HOME}: ${system.HOME}',
  ],
  'docker-runner-service-agent': ["'${system.HOME}:${system.HOME}' is not a path", '/home/<agent user>/.docker: /root/.docker', '/var/run/docker.sock: /var/run/docker.sock', 'root on the agent host'],
  'docker-runner-elastic-agent': ['docker login', 'Instance startup script', '${system.HOME}: ${system.HOME}'],
  'agent-environment': ['docker login ghcr.io', '/home/bamboo/.docker/config.json', 'ghcr.io/acme/private-tool'],
};

describe.each(samples)('sample %s', (name) => {
  const expected = JSON.parse(readFileSync(join(EXPECTED, `${name}.json`), 'utf8'));
  let out: Record<string, any>[];
  let code: number;

  beforeAll(async () => {
    const r = await runCli(['analyze', join('samples', `${name}.log`), '--format', 'ndjson', '--no-db']);
    code = r.code;
    out = ndjson(r.stdout);
  });

  it('gives the expected diagnoses with their context', () => {
    const errors = out.filter((d) => d.severity === 'error');
    expect(errors).toHaveLength(expected.diagnoses.length);
    for (const want of expected.diagnoses) {
      const got = out.find((d) => d.rule === want.rule);
      expect(got, want.rule).toBeDefined();
      expect(got).toMatchObject(want);
    }
    expect(code).toBe(expected.diagnoses.length ? 1 : 0);
  });

  it('the first cause line of the failure is the real error; task-nonzero-exit shows it and quotes it in its fix', () => {
    for (const want of expected.diagnoses) {
      const got = out.find((d) => d.rule === want.rule)!;
      // The bundled samples fail in a task (a Docker task's pull) or while the job is set up (the runner's volume).
      expect(got.cause[0]).toEqual({ line: got.line, text: got.evidence[0] });
      const exit = out.find((d) => d.rule === 'task-nonzero-exit' && d.task?.name === got.task?.name);
      if (!exit) continue;
      expect(exit.cause[0]).toEqual(got.cause[0]);
      expect(exit.signature).toBe(got.signature);
      expect(exit.fix).toContain(`It most likely failed on: ${got.evidence[0]}`);
      expect(exit.fix).not.toContain('just above this line');
    }
  });

  it('names the concrete fix items of its scenario', () => {
    for (const want of expected.diagnoses) {
      const got = out.find((d) => d.rule === want.rule)!;
      for (const item of FIX_ITEMS[want.scenario] ?? []) expect(got.fix, `${want.scenario}: ${item}`).toContain(item);
      expect(got.fix).not.toMatch(/not in the log>/);
    }
  });
});

describe('analyze into SQLite', () => {
  it('adds nothing when the same inputs are analysed twice, even with --force', async () => {
    const db = join(tempDir(), 'twice.db');
    const first = await runCli(['analyze', 'samples', '--db', db, '--format', 'json']);
    expect(first.code).toBe(1);
    const counts = () => {
      const conn = new Database(db, { readonly: true });
      const n = (t: string) => (conn.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
      const c = { builds: n('builds'), diagnoses: n('diagnoses') };
      conn.close();
      return c;
    };
    const after1 = counts();
    expect(after1.builds).toBeGreaterThanOrEqual(samples.length);
    expect(after1.diagnoses).toBeGreaterThanOrEqual(5);
    const second = await runCli(['analyze', 'samples', '--db', db, '--format', 'json']);
    expect(second.stderr).toMatch(/skipped/);
    expect(JSON.parse(second.stdout)).toEqual([]);
    expect(counts()).toEqual(after1);
    await runCli(['analyze', 'samples', '--db', db, '--force', '--format', 'json']);
    expect(counts()).toEqual(after1);
  });

  it('keeps a build read to its end when a cut copy of the same build is read later', async () => {
    const dir = tempDir();
    const db = join(dir, 'cut.db');
    const cut = join(dir, 'cut.log');
    writeFileSync(cut, readFileSync(join(ROOT, 'samples', 'docker-runner-remote-agent.log'), 'utf8').split('\n').slice(0, 40).join('\n'));
    await runCli(['analyze', 'samples/docker-runner-remote-agent.log', '--db', db]);
    const r = await runCli(['analyze', cut, '--db', db]);
    expect(r.stderr).toContain('1 build(s) kept as stored');
    const conn = new Database(db, { readonly: true });
    const build = conn.prepare("SELECT state, finished, source_path FROM builds WHERE build_key = 'ACME-WEB-JOB1-57'").get();
    const rules = conn.prepare('SELECT rule FROM diagnoses ORDER BY rule').pluck().all();
    conn.close();
    expect(build).toMatchObject({ state: 'failed', finished: 1 });
    expect(rules).toContain('docker-pull-access-denied');
  });

  it('uses BAMBOO_DOCTOR_DB when no --db is given', async () => {
    const db = join(tempDir(), 'env.db');
    const r = await runCli(['analyze', 'samples/agent-environment.log'], { env: { BAMBOO_DOCTOR_DB: db } });
    expect(r.stderr).toContain(db);
    const conn = new Database(db, { readonly: true });
    const row = conn.prepare('SELECT rule, scenario, build_key FROM diagnoses').get();
    conn.close();
    expect(row).toEqual({ rule: 'docker-pull-access-denied', scenario: 'agent-environment', build_key: 'ACME-TOOLS-JOB1-31' });
  });
});

describe('text output', () => {
  it('shows title, where, the evidence line with its number, and the fix', async () => {
    const r = await runCli(['analyze', 'samples/docker-runner-remote-agent.log', '--no-db']);
    expect(r.stdout).toContain('[docker-pull-access-denied]');
    expect(r.stdout).toContain('ACME-WEB-JOB1-57');
    expect(r.stdout).toContain('build-linux-01 (remote');
    expect(r.stdout).toContain('Docker Runner registry.acme.example/ci/build-node:20');
    expect(r.stdout).toMatch(/samples\/docker-runner-remote-agent\.log:135/);
    expect(r.stdout).toContain('> Error response from daemon: pull access denied');
    expect(r.stdout).toContain('fix:');
  });

  it('exits 2 naming a missing input, after analysing the others', async () => {
    const r = await runCli(['analyze', 'samples/agent-environment.log', 'no/such.log', '--no-db', '--format', 'ndjson']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no/such.log: no such file or folder');
    expect([...new Set(ndjson(r.stdout).map((d) => d.build))]).toEqual(['ACME-TOOLS-JOB1-31']);
  });
});

describe('stdin fragments', () => {
  it('two separate runs on stdin keep their own rows', async () => {
    const db = join(tempDir(), 'stdin.db');
    const line = "docker: Error response from daemon: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed\n";
    await runCli(['analyze', '-', '--db', db], { input: line });
    await runCli(['analyze', '-', '--db', db], { input: line });
    const conn = new Database(db, { readonly: true });
    const keys = conn.prepare('SELECT build_key FROM builds').pluck().all() as string[];
    conn.close();
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(key).toMatch(/^-@\d{4}-\d{2}-\d{2}T.*#1$/);
  });
});
