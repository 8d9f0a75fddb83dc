import { describe, expect, it } from 'vitest';
import { emptyContext, type JobContext } from '../../src/model.js';
import { chooseScenario, renderFix, UNDETERMINED, type Phase } from '../../src/diagnose/scenario.js';
import { renderTemplate } from '../../src/rules/template.js';
import { loadRules } from '../../src/rules/load.js';

const rule = loadRules().find((r) => r.id === 'docker-pull-access-denied')!;

function ctx(change: (c: JobContext) => void): JobContext {
  const c = emptyContext();
  change(c);
  return c;
}

describe('chooseScenario on docker-pull-access-denied', () => {
  // Evidence from inside a task, as most pulls are; the set-up phase has its own test.
  const pick = (c: JobContext, phase: Phase = 'task') => chooseScenario(rule.scenarios, c, phase);

  it('picks each scenario from its evidence', () => {
    const docker = (c: JobContext) => (c.runner.kind = 'docker');
    expect(pick(ctx((c) => (docker(c), (c.agent.type = 'remote')))).id).toBe('docker-runner-remote-agent');
    expect(pick(ctx((c) => (docker(c), (c.agent.type = 'remote'), (c.agent.container = true)))).id).toBe('docker-runner-docker-agent');
    expect(pick(ctx((c) => (docker(c), (c.agent.type = 'remote'), (c.agent.service = true)))).id).toBe('docker-runner-service-agent');
    expect(pick(ctx((c) => (docker(c), (c.agent.type = 'elastic')))).id).toBe('docker-runner-elastic-agent');
    expect(pick(ctx((c) => ((c.runner.kind = 'agent'), (c.agent.type = 'remote')))).id).toBe('agent-environment');
    expect(pick(ctx((c) => ((c.runner.kind = 'agent'), (c.agent.type = 'elastic')))).id).toBe('elastic-agent-environment');
  });

  it("picks the runner's own image pull when the pull fails while Bamboo sets the job up", () => {
    const runnerStarting = ctx((c) => ((c.runner.kind = 'docker'), (c.agent.type = 'remote')));
    expect(pick(runnerStarting, 'setup').id).toBe('docker-runner-image-pull');
    expect(pick(runnerStarting, 'task').id).toBe('docker-runner-remote-agent');
  });

  it('does not guess when the log shows neither the runner nor the agent type', () => {
    const choice = pick(emptyContext(), 'unknown');
    expect(choice.id).toBe(UNDETERMINED);
    expect(choice.candidates.map((s) => s.id)).toEqual([
      'docker-runner-elastic-agent',
      'docker-runner-image-pull',
      'docker-runner-docker-agent',
      'docker-runner-service-agent',
      'docker-runner-remote-agent',
      'elastic-agent-environment',
      'agent-environment',
    ]);
    const fix = renderFix(choice, emptyContext(), {});
    expect(fix).toContain('does not show enough');
    expect(fix).toContain('Applies when: the build header names the agent "Elastic Agent on i-…"');
    expect(fix).toContain('[agent-environment]');
  });

  it('stays open on the agent type when a runner is seen but the agent type is not', () => {
    const choice = pick(ctx((c) => (c.runner.kind = 'docker')));
    expect(choice.id).toBe(UNDETERMINED);
    expect(choice.candidates.map((s) => s.id)).toEqual(['docker-runner-elastic-agent', 'docker-runner-docker-agent', 'docker-runner-service-agent', 'docker-runner-remote-agent']);
  });

  it('picks the agent environment for a known local or remote agent without a runner', () => {
    expect(pick(ctx((c) => ((c.runner.kind = 'agent'), (c.agent.type = 'local')))).id).toBe('agent-environment');
    // Without the agent type, an elastic instance (whose logins do not survive it) stays a candidate.
    expect(pick(ctx((c) => (c.runner.kind = 'agent'))).candidates.map((sc) => sc.id)).toEqual(['elastic-agent-environment', 'agent-environment']);
  });
});

describe('renderTemplate', () => {
  const c = ctx((x) => {
    x.agent.home = '/home/bamboouser';
    x.runner.image = 'maven:3.9';
  });
  it('fills context fields, derived fields and captures, with fallbacks', () => {
    expect(renderTemplate('{{agent.home}} {{agent.user}} {{runner.image}} {{image}}', c, { image: 'a/b' })).toBe('/home/bamboouser bamboouser maven:3.9 a/b');
    expect(renderTemplate('{{agent.name|the agent}} / {{build}}', c, {})).toBe('the agent / <build: not in the log>');
  });
});

describe('evidence flags', () => {
  it('count as false once the agent is seen, and stay open in a fragment that shows no agent', () => {
    const seen = ctx((c) => ((c.runner.kind = 'docker'), (c.agent.name = 'linux-01'), (c.agent.type = 'remote')));
    expect(chooseScenario(rule.scenarios, seen, 'task').id).toBe('docker-runner-remote-agent');
    const fragment = ctx((c) => (c.runner.kind = 'docker'));
    expect(chooseScenario(rule.scenarios, fragment, 'task').candidates.map((s) => s.id)).toContain('docker-runner-service-agent');
  });
});
