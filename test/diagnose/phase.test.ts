// The phase a rule's evidence came in, from the log: Bamboo's set-up (the runner starting), a task, or after.
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/rules/load.js';
import { RuleSet } from '../../src/rules/rule-set.js';
import { diagnoseLines } from '../../src/diagnose/rule-tests.js';

const ruleSet = new RuleSet(loadRules());
const T = (msg: string, type = 'simple') => `${type}\t03-Nov-2025 09:41:08\t${msg}`;
const denied = T("docker: Error response from daemon: pull access denied for registry.acme.example/ci/build-node, repository does not exist or may require 'docker login': denied: requested access to the resource is denied", 'error');
const start = [
  T('Build Acme - Web - Default Job #57 (ACME-WEB-JOB1-57) started building on agent build-linux-01, bamboo version: 9.6.1'),
  T('Remote agent on host build-linux-01'),
  T('Build working directory is /home/bamboo/bamboo-agent-home/xml-data/build-dir/ACME-WEB-JOB1'),
  T(
    "Beginning to execute external process for build 'Acme - Web - Default Job #57 (ACME-WEB-JOB1-57)'\\n ... running command line: \\n/usr/bin/docker run --volume /home/bamboo/bamboo-agent-home/xml-data/build-dir/ACME-WEB-JOB1:/home/bamboo/bamboo-agent-home/xml-data/build-dir/ACME-WEB-JOB1 --detach --name 1f2e --net=host registry.acme.example/ci/build-node:20 tail -f /dev/null",
    'command',
  ),
];
const pick = (lines: string[]) => diagnoseLines(ruleSet, lines).find((d) => d.rule === 'docker-pull-access-denied')!;

describe('phase', () => {
  it('a pull denied while the Docker Runner starts is about the runner image, not the runner volumes', () => {
    const d = pick([...start, T("Unable to find image 'registry.acme.example/ci/build-node:20' locally", 'error'), denied]);
    expect(d.scenario).toBe('docker-runner-image-pull');
    expect(d.task).toBeNull();
    expect(d.fix).toContain('registry.acme.example/ci/build-node:20');
    expect(d.fix).toContain('-H docker login registry.acme.example');
    expect(d.fix).toContain('runner volumes cannot');
  });

  it('the same line inside a task of the running job is the Docker task case', () => {
    const d = pick([
      ...start,
      T('Executing build Acme - Web - Default Job #57 (ACME-WEB-JOB1-57)'),
      T("Starting task 'Pull' of type 'com.atlassian.bamboo.plugins.bamboo-docker-plugin:task.docker.cli'"),
      T('/usr/bin/docker --config /home/bamboo/.dockercfg-bamboo-3f2a pull registry.acme.example/ci/build-node:20', 'command'),
      denied,
    ]);
    expect(d.scenario).toBe('docker-runner-remote-agent');
    expect(d.task).toEqual({ name: 'Pull', type: 'com.atlassian.bamboo.plugins.bamboo-docker-plugin:task.docker.cli' });
  });
});
