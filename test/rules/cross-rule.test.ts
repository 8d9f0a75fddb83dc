// What a rule file's own tests cannot express, on synthetic job logs run through the whole shipped rule pack: how the
// rules of one job interact (the generic exit code folded into the rule that explains its task), the evidence lines
// and repeat counts of a diagnosis, and that a green job gets no diagnosis from any rule. Which scenario each rule
// picks, its fix, its window and its captures are tested in the rule files (tests.scenarios, match, no-match).
import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../src/model.js';
import { loadRules } from '../../src/rules/load.js';
import { RuleSet } from '../../src/rules/rule-set.js';
import { diagnoseLines } from '../../src/diagnose/rule-tests.js';

const ruleSet = new RuleSet(loadRules());

const T = (msg: string, type = 'simple') => `${type}\t03-Nov-2025 09:41:08\t${msg}`;
const KEY = 'ACME-WEB-JOB1-57';
const HOME = '/home/bamboo/bamboo-agent-home';

interface Job {
  /** A `docker run` of the Docker Runner before "Executing build". */
  runner?: boolean;
  /** The exit code of the failing script task; null for a task that succeeds. */
  exitCode?: number | null;
}

/** A remote agent's job: header, working directory, optional Docker Runner, one script task printing `body`, the end. */
function job(body: string[], { runner = false, exitCode = 1 }: Job = {}): string[] {
  const dir = `${HOME}/xml-data/build-dir/ACME-WEB-JOB1`;
  const script = `${HOME}/temp/${KEY}-ScriptBuildTask-1.sh`;
  const run = `Beginning to execute external process for build 'Acme - Web - Default Job #57 (${KEY})'\\n ... running command line: \\n/usr/bin/docker run --volume ${dir}:${dir} --detach --name 3e941325-9958 registry.acme.example/ci/build-node:20 tail -f /dev/null\\n ... in: ${dir}`;
  return [
    T(`Build Acme - Web - Default Job #57 (${KEY}) started building on agent build-linux-01, bamboo version: 9.6.1`),
    T('Remote agent on host build-linux-01'),
    T(`Build working directory is ${dir}`),
    ...(runner ? [T(run, 'command')] : []),
    T(`Executing build Acme - Web - Default Job #57 (${KEY})`),
    T("Starting task 'Build' of type 'com.atlassian.bamboo.plugins.scripttask:task.builder.script'"),
    ...body,
    ...(exitCode === null ? [] : [T(`Failing task since return code of [${runner ? '/tmp/runInDocker123.sh' : '/bin/sh'} ${script}] was ${exitCode} while expected 0`)]),
    T(`Finished task 'Build' with result: ${exitCode === null ? 'Success' : 'Failed'}`),
    T(`Finished building ${KEY}.`),
  ];
}

const find = (ds: Diagnosis[], rule: string) => ds.find((d) => d.rule === rule);
const build = (lines: string[]) => lines.map((l) => T(l, 'build'));
const filler = (n: number) => build(Array.from({ length: n }, (_, i) => `[INFO] compiling module ${i}`));
const killed = T('/tmp/runInDocker123.sh: line 7:   412 Killed                  mvn -B verify', 'error');
const hostKey = [T('Host key verification failed.', 'error'), T('fatal: Could not read from remote repository.', 'error')];

describe('evidence of a multi-line rule: every line of its window', () => {
  it('out-of-memory-killed: Killed and the exit code 137 within 12 lines', () => {
    const d = find(diagnoseLines(ruleSet, job([killed, ...filler(10)], { runner: true, exitCode: 137 })), 'out-of-memory-killed')!;
    expect(d.severity).toBe('error');
    expect(d.evidence).toHaveLength(2);
    expect(d.evidence[1]).toMatch(/was 137 while expected 0/);
  });

  it('git-host-key-verification-failed: the host key line and the fatal line after it', () => {
    const d = find(diagnoseLines(ruleSet, job(hostKey, { exitCode: 128 })), 'git-host-key-verification-failed')!;
    expect(d.evidence).toEqual(['Host key verification failed.', 'fatal: Could not read from remote repository.']);
  });
});

describe('task-nonzero-exit yields to a specific rule in the same task', () => {
  const folded = (ds: Diagnosis[], by: string) =>
    expect(find(ds, 'task-nonzero-exit')).toMatchObject({ severity: 'info', note: `explained by ${by} in the same task` });

  it('is folded to info when docker-pull-access-denied explains the task', () => {
    const pull = T("docker: Error response from daemon: pull access denied for acme/private, repository does not exist or may require 'docker login'.", 'error');
    const ds = diagnoseLines(ruleSet, job([pull], { exitCode: 125 }));
    expect(find(ds, 'docker-pull-access-denied')?.severity).toBe('error');
    folded(ds, 'docker-pull-access-denied');
  });

  it('is folded when out-of-memory-killed explains the task, and stays an error when the 137 came after its window', () => {
    folded(diagnoseLines(ruleSet, job([T('Killed', 'error')], { exitCode: 137 })), 'out-of-memory-killed');
    const late = diagnoseLines(ruleSet, job([killed, ...filler(12)], { runner: true, exitCode: 137 }));
    expect(find(late, 'out-of-memory-killed')).toBeUndefined();
    expect(find(late, 'task-nonzero-exit')).toMatchObject({ severity: 'error', captures: { code: '137' } });
  });

  it('is folded by git-host-key-verification-failed and by maven-test-failures', () => {
    folded(diagnoseLines(ruleSet, job(hostKey, { exitCode: 128 })), 'git-host-key-verification-failed');
    const surefire = build([
      '[INFO] Tests run: 12, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.31 s - in com.acme.tools.ParserTest',
      '[ERROR] Tests run: 3, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.014 s <<< FAILURE! - in com.acme.tools.ExportTest',
      '[ERROR] Tests run: 15, Failures: 1, Errors: 0, Skipped: 0',
      '[INFO] BUILD FAILURE',
      '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.2.5:test (default-test) on project acme-tools: There are test failures.',
    ]);
    const ds = diagnoseLines(ruleSet, job(surefire));
    // One diagnosis for the three failure lines of the task (the green module's summary is not one of them).
    expect(find(ds, 'maven-test-failures')).toMatchObject({ severity: 'error', count: 3 });
    folded(ds, 'maven-test-failures');
  });

  it('is not folded by a warning-level rule, nor by a specific rule of another task', () => {
    const other = [
      T("Starting task 'Pull' of type 'com.atlassian.bamboo.plugins.scripttask:task.builder.script'"),
      T('Error response from daemon: manifest for acme/app:9.9 not found: manifest unknown: manifest unknown', 'error'),
      T("Finished task 'Pull' with result: Success"),
    ];
    const lines = job([T('npm run build', 'build')]);
    lines.splice(4, 0, ...other); // before the failing task 'Build'
    const ds = diagnoseLines(ruleSet, lines);
    expect(find(ds, 'docker-manifest-unknown')?.task?.name).toBe('Pull');
    expect(find(ds, 'task-nonzero-exit')).toMatchObject({ severity: 'error', task: { name: 'Build' } });
  });
});

describe('repeat counts', () => {
  it('gradle-test-failures counts the failed test and the summary as one diagnosis', () => {
    const ds = diagnoseLines(ruleSet, job(build([
      'com.acme.tools.ExportTest > writesCsv FAILED',
      '12 tests completed, 1 failed',
      'FAILURE: Build failed with an exception.',
      '* What went wrong:',
      "Execution failed for task ':test'.",
      `> There were failing tests. See the report at: file://${HOME}/xml-data/build-dir/ACME-WEB-JOB1/build/reports/tests/test/index.html`,
    ])));
    expect(find(ds, 'gradle-test-failures')).toMatchObject({ captures: { total: '12', failed: '1' }, count: 2 });
    expect(find(ds, 'gradle-build-failure')).toBeUndefined();
  });
});

describe('green jobs', () => {
  it('passing test summaries of Surefire, Gradle, Jest and pytest give no diagnosis from any rule', () => {
    const ds = diagnoseLines(ruleSet, job([
      T('[INFO] Tests run: 12, Failures: 0, Errors: 0, Skipped: 0', 'build'),
      T('[WARNING] Tests run: 4, Failures: 0, Errors: 0, Skipped: 4', 'build'),
      T('Tests:       164 passed, 164 total', 'build'),
      T('Test Suites: 12 passed, 12 total', 'build'),
      T('======================= 5 passed, 2 warnings in 1.03s =======================', 'build'),
      T('BUILD SUCCESSFUL in 43s', 'build'),
      T('npm warn ERESOLVE overriding peer dependency', 'error'),
    ], { exitCode: null }));
    expect(ds).toEqual([]);
  });
});
