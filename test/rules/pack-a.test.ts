// The Docker, agent and Bamboo-task rules on small realistic log fragments: multi-line windows, folding of the
// generic exit rule, and the scenario each Docker rule picks for Docker Runner / agent environment / container agent.
import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../src/model.js';
import { loadRules } from '../../src/rules/load.js';
import { RuleSet } from '../../src/rules/rule-set.js';
import { diagnoseLines } from '../../src/diagnose/rule-tests.js';

const ruleSet = new RuleSet(loadRules());

const T = (msg: string, type = 'simple') => `${type}\t03-Nov-2025 09:41:08\t${msg}`;
const KEY = 'ACME-WEB-JOB1-57';

interface Where {
  agent: string;
  home: string;
  /** A `docker run` of the Docker Runner before "Executing build", with these extra arguments. */
  runner?: string;
}

const REMOTE: Where = { agent: 'build-linux-01', home: '/home/bamboo/bamboo-agent-home' };
const CONTAINER: Where = { agent: '3c81b2c1a728', home: '/var/atlassian/application-data/bamboo-agent' };

/** Header, working directory, optional Docker Runner, one script task with `body`, its failure, the build end. */
function job(where: Where, body: string[], exitCode = 1): string[] {
  const dir = `${where.home}/xml-data/build-dir/ACME-WEB-JOB1`;
  const wrapper = where.runner === undefined ? `/bin/sh ${where.home}/temp/${KEY}-ScriptBuildTask-1.sh` : `/tmp/runInDocker123.sh ${where.home}/temp/${KEY}-ScriptBuildTask-1.sh`;
  const runner =
    where.runner === undefined
      ? []
      : [
          T(
            `Beginning to execute external process for build 'Acme - Web - Default Job #57 (${KEY})'\\n ... running command line: \\n/usr/bin/docker run --volume ${dir}:${dir} --volume ${where.home}/temp:${where.home}/temp ${where.runner}--detach --name 3e941325-9958 registry.acme.example/ci/build-node:20 tail -f /dev/null\\n ... in: ${dir}`,
            'command',
          ),
        ];
  return [
    T(`Build Acme - Web - Default Job #57 (${KEY}) started building on agent ${where.agent}, bamboo version: 9.6.1`),
    T(`Remote agent on host ${where.agent}`),
    T(`Build working directory is ${dir}`),
    ...runner,
    T(`Executing build Acme - Web - Default Job #57 (${KEY})`),
    T("Starting task 'Build' of type 'com.atlassian.bamboo.plugins.scripttask:task.builder.script'"),
    ...body,
    T(`Failing task since return code of [${wrapper}] was ${exitCode} while expected 0`),
    T("Finished task 'Build' with result: Failed"),
    T(`Finished building ${KEY}.`),
  ];
}

const find = (ds: Diagnosis[], rule: string) => ds.find((d) => d.rule === rule);
const filler = (n: number) => Array.from({ length: n }, (_, i) => T(`[INFO] compiling module ${i}`, 'build'));

describe('out-of-memory-killed: Killed followed by exit code 137 within the window', () => {
  // bash reports the kill with the script's path: the runner's wrapper in a Docker Runner, the task script otherwise.
  const killed = T('/tmp/runInDocker123.sh: line 7:   412 Killed                  mvn -B verify', 'error');
  const killedOnAgent = T(`${CONTAINER.home}/temp/${KEY}-ScriptBuildTask-1.sh: line 7:   412 Killed   mvn -B verify`, 'error');

  it('fires when the 137 comes within 12 lines of Killed, with both lines as evidence', () => {
    const ds = diagnoseLines(ruleSet, job({ ...REMOTE, runner: '' }, [killed, ...filler(10)], 137));
    const d = find(ds, 'out-of-memory-killed');
    expect(d).toMatchObject({ severity: 'error', scenario: 'docker-runner', captures: { process: 'mvn -B verify' } });
    expect(d!.evidence).toHaveLength(2);
    expect(d!.evidence[1]).toMatch(/was 137 while expected 0/);
  });

  it('does not fire when the 137 comes after the window', () => {
    const ds = diagnoseLines(ruleSet, job({ ...REMOTE, runner: '' }, [killed, ...filler(12)], 137));
    expect(find(ds, 'out-of-memory-killed')).toBeUndefined();
    expect(find(ds, 'task-nonzero-exit')).toMatchObject({ severity: 'error', captures: { code: '137' } });
  });

  it('does not fire on Killed followed by another exit code', () => {
    expect(find(diagnoseLines(ruleSet, job(REMOTE, [killed], 1)), 'out-of-memory-killed')).toBeUndefined();
  });

  it('in a Docker Runner tells how to raise the container memory, showing the run arguments the log has', () => {
    const ds = diagnoseLines(ruleSet, job({ ...REMOTE, runner: '--memory=2g ' }, [killed], 137));
    const fix = find(ds, 'out-of-memory-killed')!.fix;
    expect(fix).toContain('docker-run-arguments:');
    expect(fix).toContain('- --memory=8g');
    expect(fix).toMatch(/Extra docker run\s+arguments seen in this log: --memory=2g\./);
    expect(fix).toContain('image: registry.acme.example/ci/build-node:20');
  });

  it('on an agent in a container tells how to raise that container memory instead', () => {
    const ds = diagnoseLines(ruleSet, job(CONTAINER, [killedOnAgent], 137));
    const d = find(ds, 'out-of-memory-killed')!;
    expect(d.scenario).toBe('container-agent');
    expect(d.fix).toContain('docker update --memory 8g');
  });
});

describe('task-nonzero-exit yields to a specific rule in the same task', () => {
  it('is folded to info when docker-pull-access-denied explains the task', () => {
    const pull = T("docker: Error response from daemon: pull access denied for acme/private, repository does not exist or may require 'docker login'.", 'error');
    const ds = diagnoseLines(ruleSet, job(REMOTE, [pull], 125));
    expect(find(ds, 'docker-pull-access-denied')?.severity).toBe('error');
    expect(find(ds, 'task-nonzero-exit')).toMatchObject({ severity: 'info', note: 'explained by docker-pull-access-denied in the same task' });
  });

  it('is folded to info when out-of-memory-killed explains the task', () => {
    const ds = diagnoseLines(ruleSet, job(REMOTE, [T('Killed', 'error')], 137));
    expect(find(ds, 'task-nonzero-exit')).toMatchObject({ severity: 'info', note: 'explained by out-of-memory-killed in the same task' });
  });

  it('is not folded by a warning-level rule, nor by a specific rule of another task', () => {
    const other = [
      T("Starting task 'Pull' of type 'com.atlassian.bamboo.plugins.scripttask:task.builder.script'"),
      T('Error response from daemon: manifest for acme/app:9.9 not found: manifest unknown: manifest unknown', 'error'),
      T("Finished task 'Pull' with result: Success"),
    ];
    const lines = job(REMOTE, [T('npm run build', 'build')]);
    lines.splice(4, 0, ...other); // before the failing task 'Build'
    const ds = diagnoseLines(ruleSet, lines);
    expect(find(ds, 'docker-manifest-unknown')?.task?.name).toBe('Pull');
    expect(find(ds, 'task-nonzero-exit')).toMatchObject({ severity: 'error', task: { name: 'Build' } });
  });
});

describe('Docker rules pick the scenario of where the job ran', () => {
  const lines: Record<string, string> = {
    'docker-socket-permission-denied':
      'Got permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Post "http://%2Fvar%2Frun%2Fdocker.sock/v1.24/images/create?fromImage=test&tag=latest": dial unix /var/run/docker.sock: connect: permission denied',
    'docker-daemon-unreachable': 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    'docker-cli-missing': '/bin/sh: 1: docker: not found',
    'docker-registry-x509': 'Error response from daemon: Get "https://registry.acme.example/v2/": x509: certificate signed by unknown authority',
  };
  const cases: [string, Where, Record<string, string>][] = [
    [
      'Docker Runner on a remote agent',
      { ...REMOTE, runner: '' },
      { 'docker-socket-permission-denied': 'docker-runner', 'docker-daemon-unreachable': 'docker-runner', 'docker-cli-missing': 'docker-runner', 'docker-registry-x509': 'docker-runner' },
    ],
    [
      'Docker Runner on an agent in a container',
      { ...CONTAINER, runner: '' },
      {
        'docker-socket-permission-denied': 'docker-runner-docker-agent',
        'docker-daemon-unreachable': 'docker-runner',
        'docker-cli-missing': 'docker-runner',
        'docker-registry-x509': 'docker-runner-docker-agent',
      },
    ],
    [
      'agent environment on a remote agent',
      REMOTE,
      { 'docker-socket-permission-denied': 'agent-environment', 'docker-daemon-unreachable': 'agent-environment', 'docker-cli-missing': 'agent-environment', 'docker-registry-x509': 'agent-environment' },
    ],
    [
      'agent in a container without a Docker Runner',
      CONTAINER,
      { 'docker-socket-permission-denied': 'container-agent', 'docker-daemon-unreachable': 'container-agent', 'docker-cli-missing': 'container-agent', 'docker-registry-x509': 'agent-environment' },
    ],
  ];

  for (const [name, where, expected] of cases) {
    it(name, () => {
      for (const [rule, scenario] of Object.entries(expected)) {
        const d = find(diagnoseLines(ruleSet, job(where, [T(lines[rule], 'error')])), rule);
        expect(d, rule).toBeDefined();
        expect(`${rule}: ${d!.scenario}`).toBe(`${rule}: ${scenario}`);
        expect(d!.fix, rule).not.toMatch(/not in the log>/);
      }
    });
  }

  it('lists the candidate scenarios when a fragment does not tell where it ran', () => {
    const d = find(diagnoseLines(ruleSet, [T(lines['docker-socket-permission-denied'], 'error')]), 'docker-socket-permission-denied')!;
    expect(d.scenario).toBe('undetermined');
    expect(d.candidates).toEqual(['docker-runner-docker-agent', 'docker-runner', 'container-agent', 'agent-environment', 'unknown']);
  });

  it('names the agent user and the service restart in the agent environment', () => {
    const d = find(diagnoseLines(ruleSet, job(REMOTE, [T('HOME=/home/bamboo', 'build'), T(lines['docker-socket-permission-denied'], 'error')])), 'docker-socket-permission-denied')!;
    expect(d.fix).toContain('sudo usermod -aG docker bamboo');
    expect(d.fix).toContain('sudo systemctl restart');
  });
});
