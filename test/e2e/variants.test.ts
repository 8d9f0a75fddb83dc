// The real CLI on logs the samples do not cover: other Bamboo versions, locales, agents and exports, and damaged files.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { ndjson, ROOT, runCli, tempDir } from '../helpers/cli.js';
import { AGENT_ENV, CASES } from './variant-cases.js';

const DIR = join(ROOT, 'test', 'fixtures', 'variants');
const fixture = (name: string) => join(DIR, name);
const tmp = tempDir();

async function analyze(path: string) {
  const r = await runCli(['analyze', path, '--no-db', '--format', 'ndjson']);
  return { ...r, out: ndjson(r.stdout) };
}

const only = (out: Record<string, any>[], rule: string) => {
  const found = out.filter((d) => d.rule === rule);
  expect(found, `${rule} in ${JSON.stringify(out.map((d) => d.rule))}`).toHaveLength(1);
  return found[0];
};

describe('variant logs through the real CLI', () => {
  for (const c of CASES) {
    it(`${c.file}: ${c.why}`, async () => {
      const r = await analyze(fixture(c.file));
      expect(r.code, r.stderr).toBe(1);
      const d = only(r.out, c.rule);
      expect(d).toMatchObject({ severity: 'error', source: fixture(c.file), ...c.expect });
      for (const line of d.evidence) expect(line).not.toMatch(/[\r\n]$/);
      const others = r.out.filter((o) => o !== d);
      if (c.folded) expect(others.map((o) => [o.rule, o.severity, o.note])).toEqual([['task-nonzero-exit', 'info', `explained by ${c.rule} in the same task`]]);
      else expect(others).toEqual([]);
    });
  }

  it('windows-agent-crlf.log: the fix names the agent home D:\\bamboo-agent-home', async () => {
    const d = only((await analyze(fixture('windows-agent-crlf.log'))).out, 'disk-full');
    expect(d.fix).toContain('D:\\bamboo-agent-home');
  });

  it('two-jobs-concatenated.log: keeps the jobs apart, the second does not inherit the first one\'s runner', async () => {
    const r = await analyze(fixture('two-jobs-concatenated.log'));
    expect(r.stderr).toContain('1 input, 2 builds');
    expect(only(r.out, 'docker-pull-access-denied')).toMatchObject({
      build: 'ACME-WEB-JOB1-57', scenario: 'docker-runner-remote-agent', line: 135, runner: { kind: 'docker', image: 'registry.acme.example/ci/build-node:20' },
    });
    expect(only(r.out, 'gradle-test-failures')).toMatchObject({
      build: 'ACME-WEB-IT-57', scenario: 'agent-environment', line: 175, agent: { name: 'build-linux-04' }, runner: AGENT_ENV,
    });
  });

  it('two jobs glued by cat (the first file had no final newline): the second job is still named and placed', async () => {
    const glued = join(tmp, 'glued.log');
    writeFileSync(glued, readFileSync(fixture('two-jobs-concatenated.log'), 'utf8').replace('JOB1-57.\nsimple', 'JOB1-57.simple'));
    const r = await analyze(glued);
    expect(only(r.out, 'docker-pull-access-denied')).toMatchObject({ build: 'ACME-WEB-JOB1-57', line: 135 });
    expect(only(r.out, 'gradle-test-failures')).toMatchObject({ build: 'ACME-WEB-IT-57', number: 57, scenario: 'agent-environment', line: 174 });
  });

  it("TABs expanded to spaces (pasted into a ticket, as Atlassian's KB prints lines), typed or a UI copy: the same diagnoses", async () => {
    const spaced = join(tmp, 'pasted.log');
    writeFileSync(spaced, readFileSync(fixture('bamboo5-local-agent.log'), 'utf8').replace(/^(\w+)\t(.+?)\t/gm, '$1    $2    '));
    const d = only((await analyze(spaced)).out, 'git-host-key-verification-failed');
    expect(d).toMatchObject({ build: 'MOB-NIGHTLY-JOB1-229', agent: { type: 'local' }, scenario: 'agent-environment', line: 11, time: '2016-04-04T15:33:29' });
    const copied = join(tmp, 'pasted-ui-copy.log');
    writeFileSync(copied, readFileSync(fixture('korean-ui-copy.log'), 'utf8').replaceAll('\t', '   '));
    const m = only((await analyze(copied)).out, 'maven-build-failure');
    expect(m).toMatchObject({ build: 'QTRAC-REL4-JOB1-7', scenario: 'agent-environment', line: 13, time: '2023-03-20T13:11:40' });
  });

  it('REST exports appended to one file (one job result a line): both jobs are read', async () => {
    const json = readFileSync(fixture('rest-html-log-service-agent.json'), 'utf8');
    const appended = join(tmp, 'results.jsonl');
    writeFileSync(appended, `${JSON.stringify(JSON.parse(json))}\n${JSON.stringify(JSON.parse(json.replaceAll('301', '302')))}\n`);
    const r = await analyze(appended);
    expect(r.out.filter((d) => d.rule === 'docker-pull-access-denied').map((d) => [d.build, d.line, d.scenario])).toEqual([
      ['SVC-BUILD-JOB1-301', 8, 'docker-runner-service-agent'],
      ['SVC-BUILD-JOB1-302', 8, 'docker-runner-service-agent'],
    ]);
  });

  it('a 3 MB line (a minified bundle on stdout) is read past: the failure after it keeps its line and job', async () => {
    const lines = readFileSync(fixture('bamboo5-local-agent.log'), 'utf8').split('\n');
    lines.splice(9, 0, `build\t04-Apr-2016 15:33:28\t${'var a=function(){return 1};'.repeat(120_000)}`);
    const big = join(tmp, 'long-line.log');
    writeFileSync(big, lines.join('\n'));
    const r = await analyze(big);
    expect(r.code).toBe(1);
    expect(only(r.out, 'git-host-key-verification-failed')).toMatchObject({ build: 'MOB-NIGHTLY-JOB1-229', line: 12, scenario: 'agent-environment' });
  });

  it('an empty file: no build, no diagnosis, exit 0', async () => {
    const empty = join(tmp, 'empty.log');
    writeFileSync(empty, '');
    const r = await analyze(empty);
    expect([r.code, r.stdout]).toEqual([0, '']);
    expect(r.stderr).toBe(`${empty}: empty, nothing to read\nbamboo-doctor: 1 input, 0 builds, 0 diagnoses (0 errors)\n`);
  });

  it('binary files (an archive named .log, UTF-16 text) are errors naming the file; the other inputs are still read', async () => {
    const zip = join(tmp, 'artifacts.log');
    writeFileSync(zip, Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00', 'latin1'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))]));
    const utf16 = join(tmp, 'saved-by-notepad.log');
    writeFileSync(utf16, Buffer.from(`\ufeff${readFileSync(fixture('bamboo5-local-agent.log'), 'utf8')}`, 'utf16le'));
    const r = await runCli(['analyze', zip, utf16, fixture('bamboo5-local-agent.log'), '--no-db', '--format', 'ndjson']);
    expect(r.code).toBe(2);
    for (const file of [zip, utf16]) expect(r.stderr).toContain(`error: ${file}: this is binary data`);
    expect(ndjson(r.stdout).map((d) => d.build)).toEqual(['MOB-NIGHTLY-JOB1-229', 'MOB-NIGHTLY-JOB1-229']);
  });
});

describe('variant logs into a database', () => {
  const db = join(tmp, 'variants.db');
  let first: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    first = await runCli(['analyze', DIR, '--db', db, '--format', 'ndjson']);
  });

  it('stores one build per job with its state, agent and runner', () => {
    expect(first.code).toBe(1);
    const conn = new Database(db, { readonly: true });
    const rows = conn.prepare('SELECT build_key, state, agent_type, runner_kind FROM builds ORDER BY build_key').all();
    conn.close();
    expect(rows).toEqual([
      // An agent's own log: only remote agents have one.
      { build_key: `${fixture('atlassian-bamboo-windows-agent.log')}#1`, state: 'unknown', agent_type: 'remote', runner_kind: 'unknown' },
      { build_key: '2981890-3145731-3637262', state: 'failed', agent_type: 'remote', runner_kind: 'agent' },
      { build_key: 'ACME-API-JOB1-88', state: 'failed', agent_type: 'remote', runner_kind: 'docker' },
      { build_key: 'ACME-INST-WIN-412', state: 'failed', agent_type: 'remote', runner_kind: 'agent' },
      { build_key: 'ACME-WEB-BUNDLE-904', state: 'failed', agent_type: 'remote', runner_kind: 'agent' },
      { build_key: 'ACME-WEB-IT-57', state: 'failed', agent_type: 'remote', runner_kind: 'agent' },
      { build_key: 'ACME-WEB-JOB1-57', state: 'failed', agent_type: 'remote', runner_kind: 'docker' },
      { build_key: 'LAGER-BE-JOB1-77', state: 'failed', agent_type: 'remote', runner_kind: 'agent' },
      { build_key: 'MOB-NIGHTLY-JOB1-229', state: 'failed', agent_type: 'local', runner_kind: 'agent' },
      { build_key: 'PLAT-IMG-JOB1-19', state: 'failed', agent_type: 'remote', runner_kind: 'docker' },
      // UI copies that name the agent ("Base Agent") but show no "Remote agent on host" line: the type is not told.
      { build_key: 'QTRAC-REL4-JOB1-7', state: 'failed', agent_type: 'unknown', runner_kind: 'agent' },
      { build_key: 'QTRAC-REL4-JOB1-8', state: 'failed', agent_type: 'unknown', runner_kind: 'agent' },
      { build_key: 'SVC-BUILD-JOB1-301', state: 'failed', agent_type: 'remote', runner_kind: 'docker' },
      { build_key: 'ZAIKO-NIGHT-JOB1-311', state: 'failed', agent_type: 'elastic', runner_kind: 'agent' },
    ]);
  });

  it('shows a stored build of a cut download with its evidence, and adds nothing on a second run', async () => {
    const show = await runCli(['show', 'QTRAC-REL4-JOB1-8', '--db', db]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.10.1:compile');
    const again = await runCli(['analyze', DIR, '--db', db, '--format', 'ndjson']);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('13 skipped');
  });
});
