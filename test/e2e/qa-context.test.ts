// --agents (the REST agents list plus local facts) with --specs (a plan-level docker block and job overrides) on a
// REST results list whose logs lack the runner's docker run line: each job gets its own block and its agent's facts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without types (the converter the bench uses too)
import { jobResult, logToEntries, resultsList } from '../../bench/log-to-rest.mjs';
import { ndjson, ROOT, runCli, tempDir } from '../helpers/cli.js';

const FIXTURES = join(ROOT, 'test', 'fixtures');
const BAMBOO_YML = join(FIXTURES, 'specs', 'bamboo-specs', 'bamboo.yml');
const NO_RUNNER = readFileSync(join(FIXTURES, 'specs', 'acme-web-57-no-runner-line.log'), 'utf8');

/** The same failing job as another job of the plan, on another agent. */
function asJob(job: string, number: number, name: string, agent: string): { key: string; text: string } {
  const key = `ACME-WEB-${job}-${number}`;
  const text = NO_RUNNER.replaceAll('ACME-WEB-JOB1-57', key)
    .replaceAll('ACME-WEB-JOB1', `ACME-WEB-${job}`)
    .replaceAll('#57', `#${number}`)
    .replaceAll('Default Job', name)
    .replaceAll('build-linux-01', agent);
  return { key, text };
}

describe('--agents and --specs on a REST results list', () => {
  let denied: Record<string, Record<string, any>>;

  beforeAll(async () => {
    const jobs = [
      asJob('JOB1', 57, 'Default Job', 'build-linux-01'), // own docker block; REMOTE in the REST list
      asJob('SB', 12, 'Storybook', 'build-linux-02'), // inherits the plan's block; facts: run as a service
      asJob('IMG', 12, 'Docker image', 'k8s-ephemeral-7f9c'), // own block without defaults; EPHEMERAL, facts: in a container
    ];
    const list = join(tempDir(), 'results.json');
    writeFileSync(list, JSON.stringify(resultsList(jobs.map((j) => jobResult(j.key, 'Failed', logToEntries(j.text))))));
    const r = await runCli([
      'analyze', list, '--no-db', '--format', 'ndjson',
      '--agents', join(FIXTURES, 'agents', 'agents.json'), '--agents', join(FIXTURES, 'agents', 'agent-facts.yaml'),
      '--specs', join(FIXTURES, 'specs'),
    ]);
    expect(r.code).toBe(1);
    denied = Object.fromEntries(ndjson(r.stdout).filter((d) => d.rule === 'docker-pull-access-denied').map((d) => [d.build, d]));
  });

  it("gives a job with its own block that block's runner, and quotes it with the volumes to add", () => {
    const d = denied['ACME-WEB-JOB1-57'];
    expect(d).toMatchObject({ scenario: 'docker-runner-remote-agent', agent: { name: 'build-linux-01', type: 'remote' } });
    expect(d.runner.image).toBe('registry.acme.example/ci/build-node:20');
    expect(d.runner.volumes).toContainEqual({ host: '/opt/bamboo-cache/npm', container: '/root/.npm' });
    expect(d.fix).toContain(`docker:  # the job's own block (${BAMBOO_YML}:21)`);
    expect(d.fix).toContain('${system.HOME}: ${system.HOME}  # add');
  });

  it("gives a job without a block of its own the plan's, and the agent facts' service flag its scenario", () => {
    const d = denied['ACME-WEB-SB-12'];
    expect(d).toMatchObject({ scenario: 'docker-runner-service-agent', agent: { name: 'build-linux-02', service: true, home: '/home/bamboo' } });
    expect(d.runner).toMatchObject({ kind: 'docker', image: 'registry.acme.example/ci/build-node:18' });
    expect(d.fix).toContain(`docker:  # the plan's block, which the job inherits (${BAMBOO_YML}:7)`);
    expect(d.fix).toContain('/home/bamboo: /home/bamboo  # add');
    expect(d.fix).toContain('/home/bamboo/.docker: /root/.docker  # add');
  });

  it('refines a remote agent into the REST list\'s EPHEMERAL type and takes "in a container" from the facts', () => {
    const d = denied['ACME-WEB-IMG-12'];
    expect(d).toMatchObject({ agent: { name: 'k8s-ephemeral-7f9c', type: 'ephemeral', container: true } });
    // A Kubernetes pod is no container started with docker run: the fix that recreates the agent container never fits it.
    expect([d.scenario, ...(d.candidates ?? [])]).not.toContain('docker-runner-docker-agent');
    expect(d.runner.volumes).toEqual([{ host: '${bamboo.working.directory}', container: '/workspace' }]);
    expect(d.fix).not.toContain('docker run -d');
  });
});
