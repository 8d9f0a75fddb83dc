// lintRules on small rule files written to a temp folder: each check finds its problem, names file, line and field.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fieldLine } from '../../src/rules/field-line.js';
import { lintRules, type LintFinding } from '../../src/rules/lint.js';
import { tempDir } from '../helpers/cli.js';

const GOOD = `id: my-rule
title: A rule
severity: error
category: test
keywords: [boom]
patterns: ['boom (?<what>\\w+) exploded']
scenarios:
  - id: any-agent
    title: Anywhere
    fix: "Fix {{what}} on {{agent.name|the agent}}"
tests:
  match:
    - { line: "error\\t05-Nov-2025 07:55:04\\tboom reactor exploded", captures: { what: reactor } }
    - line: boom core exploded
  no-match: ["build\\t05-Nov-2025 07:55:04\\tboom reactor is fine"]
  scenarios:
    - { lines: ["boom core exploded"], expect: { scenario: any-agent, fix-includes: Fix core } }
`;

/** Writes rule files into a fresh folder and lints it. */
function lint(files: Record<string, string>): { dir: string; findings: LintFinding[] } {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, findings: lintRules([dir]).findings };
}

const checks = (findings: LintFinding[]) => findings.map((f) => f.check);

describe('lintRules', () => {
  it('finds nothing in a clean rule', () => {
    expect(lint({ 'my-rule.yaml': GOOD }).findings).toEqual([]);
  });

  it('reports a consequence-of naming no rule, or the rule itself; built-in ids are known', () => {
    const linked = GOOD.replace('keywords: [boom]', 'consequence-of: [maven-build-failure, no-such-rule, my-rule]\nkeywords: [boom]');
    const { dir, findings } = lint({ 'my-rule.yaml': linked });
    expect(findings.map((f) => [f.check, f.message, f.line])).toEqual([
      ['consequence-of', "consequence-of.1: no rule 'no-such-rule'", 5],
      ['consequence-of', 'consequence-of.2: a rule cannot be its own consequence', 5],
    ]);
    expect(findings[0].file).toBe(join(dir, 'my-rule.yaml'));
  });

  it('reports a pattern that is quadratic on a long line, with its field and line', () => {
    const { dir, findings } = lint({ 'my-rule.yaml': GOOD.replace("'boom (?<what>\\w+) exploded'", "'(?<what>[^\\s,]+) boom'") });
    const f = findings.find((x) => x.check === 'super-linear')!;
    expect(f).toMatchObject({ file: join(dir, 'my-rule.yaml'), line: 6, rule: 'my-rule' });
    expect(f.message).toMatch(/^patterns\.0: \[\^\\s,\]\+ is retried from every position/);
  });

  it('reports exponential backtracking in a followed-by step', () => {
    const rule = GOOD.replace('scenarios:', "followed-by:\n  - keywords: [tail]\n    patterns: ['tail (?:a+)+b']\nscenarios:");
    const { findings } = lint({ 'my-rule.yaml': rule });
    const f = findings.find((x) => x.check === 'super-linear' && /exponential/.test(x.message));
    expect(f?.message).toMatch(/^followed-by\.0\.patterns\.0: /);
    expect(f?.line).toBe(9);
  });

  it('reports a repeated group whose alternatives overlap, which scslre does not look for', () => {
    for (const pattern of ['^boom (?<what>(a|aa)+)$', 'boom (?<what>(\\w|\\d)+)!', 'boom (?<what>(?:ab|a|b)*)$']) {
      const { findings } = lint({ 'my-rule.yaml': GOOD.replace("'boom (?<what>\\w+) exploded'", () => `'${pattern}'`).replace(/, captures: \{ what: reactor \}/, '') });
      const f = findings.find((x) => x.check === 'super-linear' && /exponentially many ways/.test(x.message));
      expect(f?.message, pattern).toMatch(/^patterns\.0: .* can match (the same text|what the others match in a row), so .* exponential backtracking/);
    }
    expect(lint({ 'my-rule.yaml': GOOD.replace("'boom (?<what>\\w+) exploded'", "'boom (?<what>(?:foo|bar)+) exploded'") }).findings.filter((x) => x.check === 'super-linear')).toEqual([]);
  });

  it('reports a keyword that no matched text holds', () => {
    const { findings } = lint({ 'my-rule.yaml': GOOD.replace('keywords: [boom]', 'keywords: [boom, kaboom]') });
    expect(findings).toEqual([expect.objectContaining({ check: 'keyword', line: 5, message: expect.stringMatching(/^keywords\.1: 'kaboom' is in no text/) })]);
  });

  it('reports a rule whose no-match tests never reach its patterns', () => {
    const { findings } = lint({ 'my-rule.yaml': GOOD.replace('boom reactor is fine', 'all quiet') });
    expect(findings).toEqual([expect.objectContaining({ check: 'near-miss', line: 15, message: expect.stringMatching(/^tests\.no-match: /) })]);
  });

  it('reports a rule with no no-match tests at all', () => {
    const { findings } = lint({ 'my-rule.yaml': GOOD.replace(/ {2}no-match:.*\n/, '') });
    expect(checks(findings)).toEqual(['near-miss']);
    expect(findings[0].message).toMatch(/^tests\.no-match: /);
  });

  it('reports schema errors, scenario ids that are not kebab-case and unknown placeholders as findings', () => {
    const { findings } = lint({
      'bad-severity.yaml': GOOD.replace('my-rule', 'bad-severity').replace('severity: error', 'severity: fatal'),
      'bad-scenario.yaml': GOOD.replace('my-rule', 'bad-scenario').replace('any-agent', 'Any_Agent'),
      'bad-placeholder.yaml': GOOD.replace('my-rule', 'bad-placeholder').replace('{{what}}', '{{nope}}'),
      'my-rule.yaml': GOOD,
    });
    const by = Object.fromEntries(findings.map((f) => [f.file.replace(/^.*\//, ''), f]));
    expect(by['bad-severity.yaml']).toMatchObject({ check: 'schema', line: 3, message: expect.stringMatching(/^severity: /) });
    expect(by['bad-scenario.yaml']).toMatchObject({ check: 'scenario-id', line: 8, message: 'scenarios.0.id: kebab-case id' });
    expect(by['bad-placeholder.yaml']).toMatchObject({ check: 'placeholder', line: 10 });
    expect(by['bad-placeholder.yaml'].message).toMatch(/unknown placeholder \{\{nope\}\}/);
    expect(findings).toHaveLength(3);
  });

  it('reports a duplicate scenario id', () => {
    const twice = GOOD.replace('tests:', '  - id: any-agent\n    title: Again\n    fix: again\ntests:');
    expect(lint({ 'my-rule.yaml': twice }).findings).toEqual([
      expect.objectContaining({ check: 'scenario-id', message: "scenarios.1.id: duplicate scenario id 'any-agent' (also scenarios.0)" }),
    ]);
  });

  it('reports an id used in two folders and goes on linting', () => {
    const a = tempDir();
    const b = join(tempDir(), 'more');
    mkdirSync(b);
    writeFileSync(join(a, 'my-rule.yaml'), GOOD);
    writeFileSync(join(b, 'my-rule.yaml'), GOOD.replace('keywords: [boom]', 'keywords: [boom, kaboom]'));
    const { files, findings } = lintRules([a, b]);
    expect(files).toBe(2);
    expect(checks(findings).sort()).toEqual(['duplicate-id', 'keyword']);
    expect(findings.find((f) => f.check === 'duplicate-id')).toMatchObject({ file: join(b, 'my-rule.yaml'), line: 1 });
  });
});

describe('lintRules: scenario tests', () => {
  const NO_SCENARIO_TESTS = GOOD.replace(/ {2}scenarios:\n.*\n$/, '');
  const SECOND = '  - id: docker-runner\n    title: In a runner\n    when: { runner.kind: docker }\n    fix: In the runner\ntests:';

  it('asks a rule for one scenario test per scenario', () => {
    const { findings } = lint({ 'my-rule.yaml': NO_SCENARIO_TESTS });
    expect(findings).toEqual([
      expect.objectContaining({ check: 'scenario-test', line: 8, message: expect.stringMatching(/^scenarios\.0\.id: scenario 'any-agent' has no scenario test/) }),
    ]);
  });

  it('names each scenario no test expects, once a rule has scenario tests', () => {
    const { findings } = lint({ 'my-rule.yaml': GOOD.replace('tests:', SECOND) });
    expect(findings).toEqual([expect.objectContaining({ check: 'scenario-test', line: 11, message: expect.stringMatching(/^scenarios\.1\.id: scenario 'docker-runner'/) })]);
  });

  it("asks a rule with a built-in rule's id (a user's copy of it) the same: no rule goes without scenario tests", () => {
    const copy = (text: string) => text.replaceAll('my-rule', 'disk-full');
    expect(checks(lint({ 'disk-full.yaml': copy(NO_SCENARIO_TESTS) }).findings)).toEqual(['scenario-test']);
    expect(checks(lint({ 'disk-full.yaml': copy(GOOD.replace('tests:', SECOND)) }).findings)).toEqual(['scenario-test']);
  });

  it('reports a scenario test that names no scenario of the rule as a finding with its line', () => {
    const { findings } = lint({ 'my-rule.yaml': GOOD.replace('scenario: any-agent,', 'scenario: nowhere,') });
    expect(findings).toEqual([expect.objectContaining({ check: 'scenario-test', line: 17, message: expect.stringMatching(/^tests\.scenarios\.0\.expect\.scenario: 'nowhere' is not a scenario of this rule/) })]);
  });
});

describe('fieldLine', () => {
  it('finds the line of a nested field, and of the nearest parent of a missing one', () => {
    const dir = tempDir();
    const file = join(dir, 'my-rule.yaml');
    writeFileSync(file, GOOD);
    expect(fieldLine(file, 'tests.match.1')).toBe(14);
    expect(fieldLine(file, 'scenarios.0.fix')).toBe(10);
    expect(fieldLine(file, 'tests.no-match.7')).toBe(15);
    expect(fieldLine(file, '')).toBeNull();
  });
});
