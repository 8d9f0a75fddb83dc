// The source-control, network, build-tool and test-summary rules on small realistic job logs: the multi-line
// window of git-host-key-verification-failed, the scenario and fix each picks for where the job ran, and which
// rule speaks for a failure when several could (test failures vs. goal failures, the generic exit code).
import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../src/model.js';
import { loadRules } from '../../src/rules/load.js';
import { RuleSet } from '../../src/rules/rule-set.js';
import { diagnoseLines } from '../../src/diagnose/rule-tests.js';

const ruleSet = new RuleSet(loadRules());

const T = (msg: string, type = 'simple') => `${type}\t04-Nov-2025 16:12:40\t${msg}`;
const KEY = 'ACME-TOOLS-JOB1-31';
const IMAGE = 'registry.acme.example/ci/build-node:20';

interface Where {
  /** The agent named in the build header. */
  agent: string;
  /** The agent's installation folder (from "Build working directory is …"). */
  install: string;
  /** Extra `docker run` arguments of a Docker Runner; undefined for the agent environment. */
  runner?: string;
  /** The agent user's home, printed by `env` in the agent environment. */
  home?: string;
}

const REMOTE: Where = { agent: 'build-linux-03', install: '/home/bamboo/bamboo-agent-home', home: '/home/bamboo' };
const RUNNER: Where = { agent: 'build-linux-03', install: '/home/bamboo/bamboo-agent-home', runner: '' };
const CONTAINER: Where = { agent: '3c81b2c1a728', install: '/var/atlassian/application-data/bamboo-agent' };
const ELASTIC: Where = { agent: 'Elastic Agent on i-0f3c2a1b9d6e4c7a8', install: '/home/bamboo/bamboo-agent-home' };

/** The `docker run` of a Docker Runner, as Bamboo logs it before "Executing build". */
function runnerLine(where: Where, dir: string): string {
  const cmd = `/usr/bin/docker run --volume ${dir}:${dir} --volume ${where.install}/temp:${where.install}/temp ${where.runner}--detach --name 3e941325-9958 ${IMAGE} tail -f /dev/null`;
  return T(`Beginning to execute external process for build 'Acme - Tools - Default Job #31 (${KEY})'\\n ... running command line: \\n${cmd}\\n ... in: ${dir}`, 'command');
}

/** Header, working directory, optional runner, a script task 'Fetch tags' running `body`, its result, the end. */
function job(where: Where, body: string[], result: 'Success' | 'Failed' = 'Failed'): string[] {
  const dir = `${where.install}/xml-data/build-dir/ACME-TOOLS-JOB1`;
  const wrapper = where.runner === undefined ? `/bin/sh ${where.install}/temp/${KEY}-ScriptBuildTask-1.sh` : `/tmp/runInDocker42.sh ${where.install}/temp/${KEY}-ScriptBuildTask-1.sh`;
  return [
    T(`Build Acme - Tools - Default Job #31 (${KEY}) started building on agent ${where.agent}, bamboo version: 9.6.1`),
    ...(where.agent.startsWith('Elastic') ? [] : [T(`Remote agent on host ${where.agent}`)]),
    T(`Build working directory is ${dir}`),
    ...(where.runner === undefined ? [] : [runnerLine(where, dir)]),
    T(`Executing build Acme - Tools - Default Job #31 (${KEY})`),
    T("Starting task 'Fetch tags' of type 'com.atlassian.bamboo.plugins.scripttask:task.builder.script'"),
    ...(where.home ? [T('+ env', 'error'), T(`HOME=${where.home}`, 'build')] : []),
    ...body,
    ...(result === 'Failed' ? [T(`Failing task since return code of [${wrapper}] was 128 while expected 0`)] : []),
    T(`Finished task 'Fetch tags' with result: ${result}`),
    T(`Finished building ${KEY}.`),
  ];
}

const find = (ds: Diagnosis[], rule: string) => ds.find((d) => d.rule === rule);
const filler = (n: number) => Array.from({ length: n }, (_, i) => T(` * [new tag]         v2.${i}.0    -> v2.${i}.0`, 'error'));

const hostKey = T('Host key verification failed.', 'error');
const cannotRead = T('fatal: Could not read from remote repository.', 'error');

describe('git-host-key-verification-failed: the fatal line must follow within 3 lines', () => {
  it('fires with both lines as evidence when the fatal line follows directly', () => {
    const d = find(diagnoseLines(ruleSet, job(REMOTE, [hostKey, cannotRead])), 'git-host-key-verification-failed');
    expect(d).toMatchObject({ severity: 'error', captures: { gitError: 'Could not read from remote repository' } });
    expect(d!.evidence).toEqual(['Host key verification failed.', 'fatal: Could not read from remote repository.']);
  });

  it('fires at the edge of the window (fatal 3 lines later)', () => {
    const ds = diagnoseLines(ruleSet, job(REMOTE, [hostKey, ...filler(2), cannotRead]));
    expect(find(ds, 'git-host-key-verification-failed')).toBeDefined();
  });

  it('does not fire when the fatal line comes 4 lines later, nor on the fatal line alone', () => {
    expect(find(diagnoseLines(ruleSet, job(REMOTE, [hostKey, ...filler(3), cannotRead])), 'git-host-key-verification-failed')).toBeUndefined();
    expect(find(diagnoseLines(ruleSet, job(REMOTE, [cannotRead])), 'git-host-key-verification-failed')).toBeUndefined();
  });

  it('folds the generic exit code of the same task into it', () => {
    const ds = diagnoseLines(ruleSet, job(REMOTE, [hostKey, cannotRead]));
    expect(find(ds, 'task-nonzero-exit')).toMatchObject({ severity: 'info', note: 'explained by git-host-key-verification-failed in the same task' });
  });
});

describe('git-host-key-verification-failed: which known_hosts, by where git ran', () => {
  const run = (where: Where) => find(diagnoseLines(ruleSet, job(where, [hostKey, cannotRead])), 'git-host-key-verification-failed')!;

  it("in the agent environment names the agent user's known_hosts from the log, and Bamboo's trusted keys for checkouts", () => {
    const d = run(REMOTE);
    expect(d.scenario).toBe('agent-environment');
    expect(d.fix).toContain('/home/bamboo/.ssh/known_hosts');
    expect(d.fix).toContain('sudo -u bamboo -H');
    expect(d.fix).toContain('Administration → Security → Trusted keys');
    expect(d.fix).not.toContain('/root/.ssh');
  });

  it('names the task the evidence came from, although the job has ended when the fix is written', () => {
    expect(run(REMOTE).fix).toContain('Failing task: Fetch tags (com.atlassian.bamboo.plugins.scripttask:task.builder.script).');
  });

  it("in a Docker Runner names the container user's home and a volume for ~/.ssh", () => {
    const d = run(RUNNER);
    expect(d.scenario).toBe('docker-runner');
    expect(d.fix).toContain(`Docker Runner (${IMAGE})`);
    expect(d.fix).toMatch(/host \/home\/<agent user>\/\.ssh → container \/root\/\.ssh/);
    expect(d.fix).toContain(`image: ${IMAGE}`);
    expect(d.fix).toContain('Trusted keys');
  });

  it('on a container agent and on an elastic agent picks their own scenarios', () => {
    expect(run(CONTAINER).scenario).toBe('container-agent');
    expect(run(CONTAINER).fix).toContain('docker exec -u bamboo');
    expect(run(ELASTIC).scenario).toBe('elastic-agent');
    expect(run(ELASTIC).fix).toContain('Instance startup script');
  });

  it('without a build header lists the candidates instead of guessing', () => {
    const d = find(diagnoseLines(ruleSet, [hostKey, cannotRead]), 'git-host-key-verification-failed')!;
    expect(d.scenario).toBe('undetermined');
    expect(d.candidates).toEqual(['windows-agent', 'docker-runner', 'container-agent', 'elastic-agent', 'agent-environment']);
  });
});

describe('dns-resolution-failed: the Docker Runner fix is about the runner network', () => {
  const lookup = T("fatal: unable to access 'https://bitbucket.acme.example/scm/tools/acme-tools.git/': Could not resolve host: bitbucket.acme.example", 'error');

  it('in a Docker Runner proposes --dns / --network=host and shows the run arguments the log has', () => {
    const d = find(diagnoseLines(ruleSet, job({ ...RUNNER, runner: '--memory=2g ' }, [lookup])), 'dns-resolution-failed')!;
    expect(d).toMatchObject({ scenario: 'docker-runner', captures: { host: 'bitbucket.acme.example' } });
    expect(d.fix).toContain('docker-run-arguments:');
    expect(d.fix).toContain('--dns=<your DNS server IP>');
    expect(d.fix).toContain('--network=host');
    expect(d.fix).toContain('Extra runner arguments seen: --memory=2g');
    expect(d.fix).toContain(`docker run --rm ${IMAGE} getent hosts bitbucket.acme.example`);
  });

  it('in the agent environment checks the host resolver instead', () => {
    const d = find(diagnoseLines(ruleSet, job(REMOTE, [lookup])), 'dns-resolution-failed')!;
    expect(d.scenario).toBe('agent-environment');
    expect(d.fix).toContain('getent hosts bitbucket.acme.example');
    expect(d.fix).not.toContain('docker-run-arguments');
  });
});

describe('which rule speaks for a build-tool failure', () => {
  const mvn = (lines: string[]) => lines.map((l) => T(l, 'build'));

  it('Surefire failures go to maven-test-failures (first failing class), not to the goal failure nor a green module', () => {
    const ds = diagnoseLines(ruleSet, job(REMOTE, mvn([
      '[INFO] Tests run: 12, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.31 s - in com.acme.tools.ParserTest',
      '[ERROR] Tests run: 3, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.014 s <<< FAILURE! - in com.acme.tools.ExportTest',
      '[ERROR] Tests run: 15, Failures: 1, Errors: 0, Skipped: 0',
      '[INFO] BUILD FAILURE',
      '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.2.5:test (default-test) on project acme-tools: There are test failures.',
    ])));
    expect(find(ds, 'maven-test-failures')).toMatchObject({ severity: 'error', count: 3, captures: { run: '3', failures: '1', testClass: 'com.acme.tools.ExportTest' } });
    expect(find(ds, 'maven-build-failure')).toBeUndefined();
    expect(find(ds, 'task-nonzero-exit')).toMatchObject({ severity: 'info', note: 'explained by maven-test-failures in the same task' });
  });

  it('a failed Gradle test task goes to gradle-test-failures, not to gradle-build-failure', () => {
    const ds = diagnoseLines(ruleSet, job(REMOTE, mvn([
      'com.acme.tools.ExportTest > writesCsv FAILED',
      '12 tests completed, 1 failed',
      'FAILURE: Build failed with an exception.',
      '* What went wrong:',
      "Execution failed for task ':test'.",
      '> There were failing tests. See the report at: file:///home/bamboo/bamboo-agent-home/xml-data/build-dir/ACME-TOOLS-JOB1/build/reports/tests/test/index.html',
    ])));
    expect(find(ds, 'gradle-test-failures')).toMatchObject({ captures: { total: '12', failed: '1' }, count: 2 });
    expect(find(ds, 'gradle-build-failure')).toBeUndefined();
  });

  it("a Connection refused from the application's own tests is not taken for the artifact repository", () => {
    const ds = diagnoseLines(ruleSet, job(REMOTE, mvn([
      '06:41:58.114 [main] WARN  c.a.o.p.RetryingDataSource -- Attempt 1 of 3 failed: java.net.ConnectException: Connection refused',
      'org.apache.http.conn.HttpHostConnectException: Connect to localhost:8089 [localhost/127.0.0.1] failed: Connection refused (Connection refused)',
    ])));
    expect(find(ds, 'connection-refused-repository')).toBeUndefined();
  });
});

describe('green jobs', () => {
  it('passing test summaries of Surefire, Gradle, Jest and pytest give no diagnosis at all', () => {
    const ds = diagnoseLines(ruleSet, job(REMOTE, [
      T('[INFO] Tests run: 12, Failures: 0, Errors: 0, Skipped: 0', 'build'),
      T('[WARNING] Tests run: 4, Failures: 0, Errors: 0, Skipped: 4', 'build'),
      T('Tests:       164 passed, 164 total', 'build'),
      T('Test Suites: 12 passed, 12 total', 'build'),
      T('======================= 5 passed, 2 warnings in 1.03s =======================', 'build'),
      T('BUILD SUCCESSFUL in 43s', 'build'),
      T('npm warn ERESOLVE overriding peer dependency', 'error'),
    ], 'Success'));
    expect(ds).toEqual([]);
  });
});
