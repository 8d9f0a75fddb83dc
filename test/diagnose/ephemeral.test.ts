// Agents in Kubernetes pods get pod-template fixes, never the docker run / docker exec fixes of container agents.
import { describe, expect, it } from 'vitest';
import { emptyContext } from '../../src/model.js';
import { loadRules } from '../../src/rules/load.js';
import { RuleSet } from '../../src/rules/rule-set.js';
import { diagnoseLines } from '../../src/diagnose/rule-tests.js';
import { evaluate } from '../../src/diagnose/scenario.js';
import { placeholdersIn, renderTemplate } from '../../src/rules/template.js';

const ruleSet = new RuleSet(loadRules());
const T = (msg: string, type = 'simple') => `${type}\t12-Jan-2026 14:02:10\t${msg}`;

// Synthetic job on atlassian/bamboo-agent-base; `env` printed by a script task shows the pod's variables.
const job = (env: string[]) => [
  T('Build Acme - Web - Default Job #9 (ACME-WEB-JOB1-9) started building on agent 1a2b3c4d5e6f'),
  T('Remote agent on host 1a2b3c4d5e6f'),
  T('Build working directory is /var/atlassian/application-data/bamboo-agent/xml-data/build-dir/ACME-WEB-JOB1'),
  T('Executing build Acme - Web - Default Job #9 (ACME-WEB-JOB1-9)'),
  T("Starting task 'Build' of type 'com.atlassian.bamboo.plugins.scripttask:task.builder.script'"),
  ...env.map((e) => T(e, 'build')),
  T('cp: error writing \'/var/atlassian/application-data/bamboo-agent/xml-data/build-dir/ACME-WEB-JOB1/out.tar\': No space left on device', 'error'),
  T("Finished task 'Build' with result: Failed"),
  T('Finished building ACME-WEB-JOB1-9.'),
];
const diskFull = (env: string[]) => diagnoseLines(ruleSet, job(env)).find((d) => d.rule === 'disk-full')!;

describe('agents in Kubernetes pods', () => {
  it('gives a container agent started with docker run its docker exec fix', () => {
    const d = diskFull([]);
    expect(d).toMatchObject({ scenario: 'container-agent', agent: { container: true, type: 'remote' } });
    expect(d.fix).toContain('docker exec -u bamboo 1a2b3c4d5e6f');
  });

  it('gives the same agent in an ephemeral pod the pod-template fix', () => {
    for (const env of [['KUBERNETES_SERVICE_HOST=10.96.0.1'], ['BAMBOO_EPHEMERAL_AGENT_DATA=BAMBOO_SERVER=http://localhost#bamboo.agent.ephemeral.for.key=ACME-WEB-JOB1-9']]) {
      const d = diskFull(env);
      expect(d).toMatchObject({ scenario: 'ephemeral-agent', agent: { container: true, type: 'ephemeral' } });
      expect(d.fix).not.toMatch(/docker (?:exec|run)/);
    }
  });

  it('evaluates agent.kubernetes, and never lets a pod fit agent.container: true', () => {
    const pod = emptyContext();
    pod.agent.type = 'ephemeral';
    pod.agent.container = true;
    const sc = (when: Record<string, boolean>) => ({ id: 'x', title: 'x', when, fix: 'x' });
    expect(evaluate(sc({ 'agent.kubernetes': true }), pod)).toBe('yes');
    expect(evaluate(sc({ 'agent.container': true }), pod)).toBe('no');
    expect(evaluate(sc({ 'agent.kubernetes': true }), emptyContext())).toBe('open');
  });
});

describe('pod template variables in fix texts', () => {
  it("writes {{{NAME}}} as Bamboo's {{NAME}} and does not take it for a placeholder", () => {
    const fix = "- name: '{{{BAMBOO_AGENT_CONTAINER_NAME}}}' on {{agent.name|the agent}}, home {{agent.home|${system.HOME}}}";
    expect(placeholdersIn(fix)).toEqual(['agent.name', 'agent.home']);
    expect(renderTemplate(fix, emptyContext(), {})).toBe("- name: '{{BAMBOO_AGENT_CONTAINER_NAME}}' on the agent, home ${system.HOME}");
  });

  it('keeps the agent container name of the ephemeral template in the shipped docker-daemon-unreachable fix', () => {
    const rule = loadRules().find((r) => r.id === 'docker-daemon-unreachable')!;
    const fix = renderTemplate(rule.scenarios.find((s) => s.id === 'ephemeral-agent')!.fix, emptyContext(), {});
    expect(fix).toContain("- name: '{{BAMBOO_AGENT_CONTAINER_NAME}}'");
  });
});
