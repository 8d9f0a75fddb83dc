// compileRule on plain definitions, and a rule's own scenario tests (tests.scenarios) run by testRule.
import { describe, expect, it } from 'vitest';
import { compileRule } from '../../src/rules/load.js';
import { diagnoseLines, testRule } from '../../src/diagnose/rule-tests.js';
import { RuleSet } from '../../src/rules/rule-set.js';
import { RuleError } from '../../src/errors.js';

const T = (msg: string, type = 'simple') => `${type}\t03-Nov-2025 09:41:08\t${msg}`;

/** A two-scenario rule: in a Docker Runner, or on the agent; the fix names the agent home. */
function definition(scenarios: unknown[] = []): Record<string, unknown> {
  return {
    id: 'boom-rule',
    title: 'Boom',
    severity: 'error',
    category: 'test',
    keywords: ['boom'],
    patterns: ['boom (?<what>\\w+) exploded'],
    scenarios: [
      { id: 'docker-runner', title: 'Runner', when: { 'runner.kind': 'docker' }, fix: 'Rebuild the image {{runner.image|<image>}} without {{what}}' },
      { id: 'agent-environment', title: 'Agent', when: { 'runner.kind': 'agent' }, fix: 'Clean {{agent.home|~<agent user>}} of {{what}}' },
    ],
    tests: { match: [{ line: 'boom core exploded', captures: { what: 'core' } }], 'no-match': ['boom is fine'], scenarios },
  };
}

/** A job on a remote agent, with or without a Docker Runner, whose only task prints `body`. */
function job(runner: boolean, body: string): string[] {
  const dir = '/home/bamboo/bamboo-agent-home/xml-data/build-dir/ACME-WEB-JOB1';
  const run = `Beginning to execute external process for build 'W'\\n ... running command line: \\n/usr/bin/docker run --volume ${dir}:${dir} --detach acme/build:1 tail -f /dev/null`;
  return [
    T('Build Acme - Web - Default Job #57 (ACME-WEB-JOB1-57) started building on agent build-01, bamboo version: 9.6.1'),
    T(`Build working directory is ${dir}`),
    ...(runner ? [T(run, 'command')] : []),
    T('Executing build Acme - Web - Default Job #57 (ACME-WEB-JOB1-57)'),
    T("Starting task 'Build' of type 'com.atlassian.bamboo.plugins.scripttask:task.builder.script'"),
    T(body, 'error'),
    T("Finished task 'Build' with result: Failed"),
    T('Finished building ACME-WEB-JOB1-57.'),
  ];
}

describe('compileRule', () => {
  it('compiles a definition without a file: captures, a version from its content, the file named <inline rule>', () => {
    const rule = compileRule(definition());
    expect(rule).toMatchObject({ id: 'boom-rule', file: '<inline rule>', captureNames: ['what'] });
    expect(rule.version).toMatch(/^[0-9a-f]{12}$/);
    expect(compileRule(definition()).version).toBe(rule.version);
  });

  it('names the field of a definition error', () => {
    const bad = { ...definition(), severity: 'fatal' };
    expect(() => compileRule(bad)).toThrow(RuleError);
    expect(() => compileRule(bad, { file: 'mine.yaml' })).toThrow(/^mine\.yaml: severity: /);
  });

  it('rejects a scenario test naming no scenario of the rule, an unknown context field, or a value the field never takes', () => {
    const test = (patch: Record<string, unknown>) => [{ lines: ['boom x exploded'], expect: { scenario: 'docker-runner' }, ...patch }];
    expect(() => compileRule(definition(test({ expect: { scenario: 'nowhere' } })))).toThrow(
      /tests\.scenarios\.0\.expect\.scenario: 'nowhere' is not a scenario of this rule \(docker-runner, agent-environment, undetermined\)/,
    );
    expect(() => compileRule(definition(test({ context: { 'agent.flavour': 'sweet' } })))).toThrow(/tests\.scenarios\.0\.context\.agent\.flavour: unknown field/);
    expect(() => compileRule(definition(test({ context: { 'runner.kind': 'podman' } })))).toThrow(/'podman' is not one of docker, agent, unknown/);
    expect(() => compileRule(definition([{ lines: ['x'], log: 'x', expect: { scenario: 'docker-runner' } }]))).toThrow(/give either `log` or `lines`/);
  });
});

describe('testRule: scenario tests', () => {
  it('passes when the log picks the scenario and the fix holds the words', () => {
    const rule = compileRule(
      definition([
        { lines: job(true, 'boom core exploded'), expect: { scenario: 'docker-runner', 'fix-includes': ['acme/build:1', 'without core'] } },
        { log: `${job(false, 'boom disk exploded').join('\n')}\n`, expect: { scenario: 'agent-environment', 'fix-excludes': 'image' } },
      ]),
    );
    expect(testRule(rule)).toEqual([]);
  });

  it('sets what the log does not show from the test context', () => {
    const rule = compileRule(
      definition([
        { lines: ['boom core exploded'], context: { 'runner.kind': 'agent', 'agent.home': '/home/ci' }, expect: { scenario: 'agent-environment', 'fix-includes': 'Clean /home/ci of core' } },
        { lines: ['boom core exploded'], expect: { scenario: 'undetermined', candidates: ['docker-runner', 'agent-environment'] } },
      ]),
    );
    expect(testRule(rule)).toEqual([]);
  });

  it('names the scenario it got, the words the fix lacks or holds, and a log the rule does not match', () => {
    const rule = compileRule(
      definition([
        { lines: job(false, 'boom core exploded'), expect: { scenario: 'docker-runner' } },
        { lines: job(true, 'boom core exploded'), expect: { scenario: 'docker-runner', 'fix-includes': ['acme/build:1', 'apt-get'], 'fix-excludes': 'core' } },
        { lines: ['all quiet'], expect: { scenario: 'docker-runner' } },
        { lines: ['boom core exploded'], expect: { scenario: 'docker-runner' } },
      ]),
    );
    expect(testRule(rule).map((f) => `${f.test}: ${f.expected}`)).toEqual([
      'scenarios[0]: scenario docker-runner, got agent-environment',
      'scenarios[1]: the fix includes "apt-get"',
      'scenarios[1]: the fix does not include "core"',
      'scenarios[2]: the rule matches',
      'scenarios[3]: scenario docker-runner, got undetermined (candidates docker-runner, agent-environment)',
    ]);
  });

  it("checks the candidates of an undetermined log, in the rule's order, and takes them only with scenario: undetermined", () => {
    const undetermined = (candidates: string[]) => compileRule(definition([{ lines: ['boom core exploded'], expect: { scenario: 'undetermined', candidates } }]));
    expect(testRule(undetermined(['docker-runner', 'agent-environment']))).toEqual([]);
    expect(testRule(undetermined(['agent-environment', 'docker-runner'])).map((f) => f.expected)).toEqual([
      'candidates to include agent-environment, docker-runner in that order, got (candidates docker-runner, agent-environment)',
    ]);
    const runner = [...job(true, 'boom core exploded')];
    const wrong = compileRule(definition([{ lines: runner, expect: { scenario: 'undetermined', candidates: ['agent-environment', 'docker-runner'] } }]));
    expect(testRule(wrong).map((f) => f.expected)).toEqual(['scenario undetermined, got docker-runner']);
    expect(() => compileRule(definition([{ lines: ['x'], expect: { scenario: 'docker-runner', candidates: ['docker-runner', 'agent-environment'] } }]))).toThrow(/candidates go with scenario: undetermined/);
  });
});

describe('consequence-of and severity-by-capture', () => {
  const base = (id: string, extra: Record<string, unknown>, pattern: string, keyword: string) => ({
    ...definition(),
    id,
    keywords: [keyword],
    patterns: [pattern],
    scenarios: [{ id: 'any', title: 'any', fix: 'fix' }],
    tests: { match: [{ line: keyword }], 'no-match': ['nothing'] },
    ...extra,
  });
  const precise = compileRule(base('precise', {}, 'Permission denied \\(publickey\\)', 'Permission denied (publickey)'));
  const broad = compileRule(base('broad', { 'consequence-of': ['precise'] }, 'remote end hung up', 'remote end hung up'));
  const artifact = compileRule(
    base('artifact', { severity: 'warning', 'severity-by-capture': { required: 'error' } }, 'Unable to publish (?<what>\\w+)(?<required>, required)?', 'Unable to publish'),
  );
  const ruleSet = new RuleSet([precise, broad, artifact]);
  const find = (lines: string[], id: string) => diagnoseLines(ruleSet, lines).find((d) => d.rule === id);

  it('lowers a rule to info when a rule it is a consequence of fired in the same task, and only then', () => {
    expect(find(['git@github.com: Permission denied (publickey).', 'fatal: the remote end hung up unexpectedly'], 'broad')).toMatchObject({
      severity: 'info',
      note: 'consequence of precise',
    });
    expect(find(['fatal: the remote end hung up unexpectedly'], 'broad')?.severity).toBe('error');
  });

  it('takes the severity a capture sets when the evidence has it', () => {
    expect(find(['Unable to publish logs'], 'artifact')?.severity).toBe('warning');
    expect(find(['Unable to publish logs, required'], 'artifact')?.severity).toBe('error');
  });

  it('rejects a severity-by-capture or a fix section naming no capture', () => {
    expect(() => compileRule(base('bad', { 'severity-by-capture': { nope: 'error' } }, 'x (?<a>\\d)', 'x 1'))).toThrow(/severity-by-capture\.nope: not a capture/);
    const section = { scenarios: [{ id: 'any', title: 'any', fix: '{{#nope}}x{{/nope}}' }] };
    expect(() => compileRule(base('bad', section, 'x (?<a>\\d)', 'x 1'))).toThrow(/section \{\{#nope\}\} tests no capture/);
  });
});
