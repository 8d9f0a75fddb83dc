// The agents list of the server (/agent, /agent/remote) serves as --agents does: the agent type comes from Bamboo.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ndjson, tempDir } from '../helpers/cli.js';
import { FakeBamboo, type FakeOptions } from '../helpers/fake-bamboo.js';
import { sampleResult } from '../helpers/fake-bamboo-data.js';
import { runMain } from '../helpers/main.js';

describe('agents from the server', () => {
  let fake: FakeBamboo;
  const dir = tempDir('bamboo-doctor-agents-');
  afterEach(() => fake.stop());
  const agentOf = async (options: FakeOptions, ...more: string[]) => {
    fake = await new FakeBamboo(options).add(sampleResult('agent-environment')).start();
    const r = await runMain(['fetch', '--server', fake.url, '--no-db', '--format', 'ndjson', ...more]);
    return { ...r, agent: ndjson(r.stdout).find((d) => d.rule === 'docker-pull-access-denied')!.agent, scenario: ndjson(r.stdout)[0].scenario };
  };

  it('takes the type of the agent a log names from the lists, the remote list too', async () => {
    const fromLog = await agentOf({});
    expect(fromLog.agent).toMatchObject({ name: 'build-linux-03', type: 'remote' });
    const listed = await agentOf({ agents: [{ id: 1, name: 'Default Agent', type: 'LOCAL' }], remoteAgents: [{ id: 2553817, name: 'build-linux-03', type: 'ELASTIC', active: true, enabled: true, busy: true }] });
    expect(listed.agent).toMatchObject({ name: 'build-linux-03', type: 'elastic' });
    expect(fake.seen(/^GET \/rest\/api\/latest\/agent/).map((r) => r.url)).toEqual(['/rest/api/latest/agent', '/rest/api/latest/agent/remote']);
  });

  it('adds --agents files to what the server lists', async () => {
    const facts = join(dir, 'facts.yaml');
    writeFileSync(facts, 'build-linux-03:\n  service: true\n  home: /srv/bamboo\n');
    const r = await agentOf({ agents: [{ id: 2553817, name: 'build-linux-03', type: 'EPHEMERAL' }] }, '--agents', facts);
    expect(r.agent).toMatchObject({ name: 'build-linux-03', type: 'ephemeral', service: true });
  });

  it('goes on with the types from the logs when the list is refused (403: not an admin)', async () => {
    const r = await agentOf({ agents: 403 });
    expect(r.stderr).toContain('the agents list (/rest/api/latest/agent): 403 Forbidden: this needs the Administrator (or Restricted administrator) permission, which listing agents takes: no credentials were given');
    expect(r.stderr).toContain('agent types come from the logs alone (or give --agents)');
    expect(r.agent.type).toBe('remote');
    expect(r.code).toBe(1);
  });
});
