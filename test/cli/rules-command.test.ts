// The real CLI's `rules list|test|lint|hits`: the shipped rules pass their own tests and lint; broken ones are named.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/rules/load.js';
import { runCli, tempDir } from '../helpers/cli.js';

const BROKEN = `id: broken-rule
title: A rule whose own test fails
severity: error
category: test
keywords: [boom]
patterns: ['boom (?<what>\\w+) exploded']
scenarios:
  - id: any-agent
    title: Anywhere
    fix: "Fix {{what}}"
tests:
  match:
    - line: boom core exploded
    - { line: "boom reactor exploded", captures: { what: core } }
  no-match: ["boom reactor is fine"]
`;

function ruleDir(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('rules test', () => {
  it('runs every shipped rule test and passes', async () => {
    const rules = loadRules();
    const tests = rules.reduce((n, r) => n + r.tests.match.length + r.tests['no-match'].length + (r.tests.scenarios?.length ?? 0), 0);
    const r = await runCli(['rules', 'test']);
    expect(r.stdout).not.toMatch(/^FAIL/m);
    expect(r.stdout).toContain(`bamboo-doctor: ${rules.length} rules, ${tests} tests: all passed`);
    expect(r.code).toBe(0);
  });

  it('exits 1 and names the file, line, test and expectation of a failing rule test', async () => {
    const dir = ruleDir({ 'broken-rule.yaml': BROKEN });
    const r = await runCli(['rules', 'test', '--rules', dir]);
    expect(r.code).toBe(1);
    const file = join(dir, 'broken-rule.yaml');
    expect(r.stdout).toContain(`FAIL ${file}:14  broken-rule  match[1]: expected capture what = "core", got "reactor"`);
    expect(r.stdout).toContain('    line: "boom reactor exploded"');
    expect(r.stdout).toMatch(/tests: 1 failed in 1 rule\n$/);
  });

  it('names a scenario test that gets another scenario, with its file line', async () => {
    const withScenario = BROKEN.replace(
      '  no-match: ["boom reactor is fine"]\n',
      '  no-match: ["boom reactor is fine"]\n  scenarios:\n    - { lines: ["boom core exploded"], context: { runner.kind: docker }, expect: { scenario: any-agent, fix-includes: "Fix reactor" } }\n',
    );
    const dir = ruleDir({ 'broken-rule.yaml': withScenario });
    const r = await runCli(['rules', 'test', '--rules', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAIL ${join(dir, 'broken-rule.yaml')}:17  broken-rule  scenarios[0]: expected the fix includes "Fix reactor"`);
    expect(r.stdout).toMatch(/tests: 2 failed in 1 rule\n$/);
  });

  it('exits 2 on a rule file that does not load', async () => {
    const dir = ruleDir({ 'broken-rule.yaml': BROKEN.replace('severity: error', 'severity: fatal') });
    const r = await runCli(['rules', 'test', '--rules', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken-rule\.yaml: severity: /);
  });
});

describe('rules lint', () => {
  it('passes on the shipped rules', async () => {
    const r = await runCli(['rules', 'lint']);
    expect(r.stdout).toMatch(/rule files, 0 findings\n$/);
    expect(r.code).toBe(0);
  });

  it('exits 1 and lists each finding with file, line and check', async () => {
    const bad = BROKEN.replace("'boom (?<what>\\w+) exploded'", "'(?<what>\\w+) exploded'").replace('[boom]', '[boom, kaboom]');
    const dir = ruleDir({ 'broken-rule.yaml': bad, 'not-yaml.yaml': 'id: [unclosed' });
    const r = await runCli(['rules', 'lint', '--rules', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${join(dir, 'broken-rule.yaml')}:6  [super-linear]  patterns.0: \\w+ is retried`);
    expect(r.stdout).toContain(`${join(dir, 'broken-rule.yaml')}:5  [keyword]  keywords.1: 'kaboom'`);
    expect(r.stdout).toMatch(new RegExp(`${join(dir, 'not-yaml\\.yaml')}  \\[schema\\]  YAML error at line 1`));
  });
});

describe('rules list', () => {
  it('prints id, title, severity, category and scenarios as JSON', async () => {
    const r = await runCli(['rules', 'list', '--format', 'json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    // The rule files, and the built-in unexplained-failure (raised by a failed build no rule explains).
    expect(rows.length).toBe(loadRules().length + 1);
    expect(rows.find((x) => x.id === 'unexplained-failure')).toMatchObject({ severity: 'error', scenarios: ['setup', 'task', 'unknown'] });
    const pull = rows.find((x) => x.id === 'docker-pull-access-denied');
    expect(pull).toMatchObject({ severity: 'error', category: 'docker', title: expect.any(String) });
    expect(pull!.scenarios).toEqual(expect.arrayContaining(['docker-runner-remote-agent', 'agent-environment']));
  });
});

describe('rules hits', () => {
  it('counts the hits of a rule per log and build', async () => {
    const dir = ruleDir({
      'broken-rule.yaml': BROKEN.replace('captures: { what: core }', 'captures: { what: reactor }'),
    });
    const log = join(tempDir(), 'build.log');
    writeFileSync(log, 'build\t05-Nov-2025 07:55:04\tboom core exploded\nbuild\t05-Nov-2025 07:55:05\tboom core exploded\n');
    const r = await runCli(['rules', 'hits', log, '--rules', dir, '--format', 'json']);
    expect(r.code).toBe(0);
    const row = (JSON.parse(r.stdout) as Record<string, unknown>[]).find((x) => x.rule === 'broken-rule');
    expect(row).toEqual({ rule: 'broken-rule', severity: 'error', logs: 1, builds: 1, hits: 2 });
  });

  it('needs logs', async () => {
    const r = await runCli(['rules', 'hits']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rules hits needs at least one log/);
  });
});
