// A job context and a diagnosis made by hand, for storage tests (one build of plan A-B on a remote Linux agent).

import { emptyContext, type Diagnosis, type JobContext } from '../../src/model.js';

export function jobContext(build: string | null, extra: Partial<JobContext> = {}): JobContext {
  const c = emptyContext();
  c.build = build;
  c.plan = 'A-B';
  c.state = 'failed';
  c.agent = { name: 'linux-01', type: 'remote', container: false, service: null, home: '/home/bamboo', os: 'linux' };
  c.runner = { kind: 'docker', image: 'maven:3.9', volumes: [{ host: '/a', container: '/a' }], arguments: [] };
  return Object.assign(c, extra);
}

export function diagnosis(rule: string, extra: Partial<Diagnosis> = {}): Diagnosis {
  return {
    rule, title: rule, severity: 'error', category: 'docker', scenario: 's', build: 'A-B-JOB1-1', plan: 'A-B', job: 'JOB1', number: 1,
    agent: { name: 'linux-01', type: 'remote', container: false, service: null, home: '/home/bamboo', os: 'linux' },
    runner: { kind: 'docker', image: 'maven:3.9', volumes: [] }, task: { name: 't', type: null }, source: 'x.log', line: 3,
    time: '2025-11-03T09:41:08', evidence: ['boom'], captures: { a: 'b' }, count: 2, fix: 'do it', ruleVersion: 'abc', ...extra,
  };
}
