// `bamboo-doctor reanalyze` with the real CLI: stale diagnoses replaced in place, nothing duplicated,
// rows of unchanged rules untouched, a vanished source reported, rules not loaded left alone.
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const SAMPLES = ['agent-environment', 'docker-runner-docker-agent', 'docker-runner-elastic-agent', 'docker-runner-remote-agent', 'docker-runner-service-agent'];

/** A rule outside the built-in folder (as a team's --rules folder) that fires once in every sample. */
const EXTRA_RULE = `id: vcs-collector-seen
title: The build's working directory was logged
severity: info
category: test
keywords: [Build working directory is]
patterns: ['^Build working directory is /']
scenarios:
  - id: any
    title: Anywhere
    fix: Nothing to do.
tests:
  match: [{ line: 'Build working directory is /home/bamboo/bamboo-agent-home/xml-data/build-dir/A-B-JOB1' }]
  no-match: ['Build working directory is C:\\bamboo-agent-home\\xml-data\\build-dir\\A-B-JOB1']
`;

describe('reanalyze', () => {
  let dir: string;
  let db: string;
  let extra: string;
  const query = (sql: string, ...params: unknown[]) => {
    const d = new Database(db, { readonly: true });
    try {
      return d.prepare(sql).all(...params) as Record<string, unknown>[];
    } finally {
      d.close();
    }
  };
  const reanalyze = (...args: string[]) => runCli(['reanalyze', '--db', db, ...args], { cwd: dir });
  const snapshot = () => query('SELECT * FROM diagnoses ORDER BY id');

  beforeAll(async () => {
    dir = tempDir('bamboo-doctor-reanalyze-');
    mkdirSync(join(dir, 'logs'));
    for (const s of SAMPLES) copyFileSync(join('samples', `${s}.log`), join(dir, 'logs', `${s}.log`));
    extra = join(dir, 'team-rules');
    mkdirSync(extra);
    writeFileSync(join(extra, 'vcs-collector-seen.yaml'), EXTRA_RULE);
    db = join(dir, 'history.db');
    const r = await runCli(['analyze', 'logs', '--db', db], { cwd: dir });
    expect(r.stderr).toContain('5 inputs');
  });

  it('changes nothing when every row was made by the loaded rules', async () => {
    const before = snapshot();
    const r = await reanalyze();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^5 sources re-read: \d+ unchanged\n$/);
    expect(snapshot()).toEqual(before);
  });

  it('replaces a stale diagnosis in place and leaves the other rows and builds untouched', async () => {
    const version = JSON.parse((await runCli(['rules', 'list', '--format', 'json'])).stdout).find((r: { id: string }) => r.id === 'docker-pull-access-denied').version;
    const writable = new Database(db);
    writable.prepare("UPDATE diagnoses SET rule_version = 'old', fix = 'an old fix' WHERE build_key = 'PAY-API-BUILD-88' AND rule = 'docker-pull-access-denied'").run();
    writable.close();
    const before = snapshot();
    const builds = query('SELECT build_key, analyzed_at FROM builds ORDER BY id');
    const stale = before.find((d) => d.rule_version === 'old')!;

    const r = await reanalyze();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/logs\/docker-runner-elastic-agent\.log: 1 replaced\n5 sources re-read: 1 replaced, \d+ unchanged\n$/);
    const after = snapshot();
    expect(after).toHaveLength(before.length);
    const replaced = after.find((d) => d.id === stale.id)!;
    expect(replaced).toMatchObject({ rule: 'docker-pull-access-denied', build_key: 'PAY-API-BUILD-88', rule_version: version, source: 'logs/docker-runner-elastic-agent.log' });
    expect(replaced.fix).toContain('Instance startup script');
    expect(after.filter((d) => d.id !== stale.id)).toEqual(before.filter((d) => d.id !== stale.id));
    const buildsAfter = query('SELECT build_key, analyzed_at FROM builds ORDER BY id');
    expect(buildsAfter.filter((b) => b.build_key !== 'PAY-API-BUILD-88')).toEqual(builds.filter((b) => b.build_key !== 'PAY-API-BUILD-88'));
  });

  it('adds the diagnoses of a new rule once, and keeps them when that rule is not loaded', async () => {
    const first = await reanalyze('--rules', extra);
    expect(first.stdout).toMatch(/5 sources re-read: 5 added, \d+ unchanged\n$/);
    const withRule = snapshot();
    expect(withRule.filter((d) => d.rule === 'vcs-collector-seen')).toHaveLength(5);
    const again = await reanalyze('--rules', extra);
    expect(again.stdout).not.toMatch(/added|replaced|removed/);
    expect(snapshot()).toEqual(withRule);
    const without = await reanalyze('--format', 'json');
    expect(JSON.parse(without.stdout).totals).toMatchObject({ kept: 5, added: 0, replaced: 0, removed: 0, missing: 0 });
    expect(snapshot()).toEqual(withRule);
  });

  it('reports a source that no longer exists, keeps its diagnoses, and reads the rest', async () => {
    const before = snapshot();
    rmSync(join(dir, 'logs', 'agent-environment.log'));
    const r = await reanalyze('--rules', extra);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/agent-environment\.log: no longer there, its diagnoses are kept as they are\n/);
    expect(r.stdout).toMatch(/4 sources re-read, 1 no longer there: \d+ unchanged\n$/);
    expect(snapshot()).toEqual(before);
  });

  it('--since limits it to sources with builds from then on', async () => {
    const r = await reanalyze('--since', '2025-10-20', '--format', 'json');
    const sources = JSON.parse(r.stdout).sources.map((s: { path: string; status: string }) => [s.path.replace(/.*\//, ''), s.status]);
    expect(sources).toEqual([
      ['agent-environment.log', 'missing'],
      ['docker-runner-remote-agent.log', 'read'],
      ['docker-runner-service-agent.log', 'read'],
    ]);
  });
});
