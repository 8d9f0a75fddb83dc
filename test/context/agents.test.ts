import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyContext, type JobContext } from '../../src/model.js';
import { AgentInventory, loadAgents } from '../../src/context/agents.js';
import { ROOT, ndjson, runCli, tempDir } from '../helpers/cli.js';

const AGENTS = join(ROOT, 'test', 'fixtures', 'agents');
const REST = join(AGENTS, 'agents.json');
const FACTS = join(AGENTS, 'agent-facts.yaml');

function ctxOf(name: string, agent: Partial<JobContext['agent']> = {}): JobContext {
  const ctx = emptyContext();
  ctx.agent = { ...ctx.agent, name, ...agent };
  return ctx;
}

describe('loadAgents', () => {
  it('reads the REST agents list, mapping LOCAL/REMOTE/ELASTIC/EPHEMERAL', () => {
    const inv = loadAgents([REST]);
    expect(inv.size).toBe(8);
    expect(inv.get('Default Agent')).toEqual({ type: 'local' });
    expect(inv.get('build-linux-01')).toEqual({ type: 'remote' });
    expect(inv.get('Elastic Agent on i-0a1b2c3d4e5f67890')).toEqual({ type: 'elastic' });
    expect(inv.get('k8s-ephemeral-7f9c')).toEqual({ type: 'ephemeral' });
  });

  it('merges local facts into the inventory by exact name', () => {
    const inv = loadAgents([REST, FACTS]);
    expect(inv.get('build-linux-02')).toEqual({
      type: 'remote',
      home: '/home/bamboo',
      installDir: '/opt/bambooagent/bamboo-agent-home',
      service: true,
      container: false,
    });
    expect(inv.get('k8s-ephemeral-7f9c')).toEqual({ type: 'ephemeral', container: true });
    expect(inv.get('BUILD-LINUX-02')).toBeUndefined();
  });

  it('names the file and line of a misspelt fact, and of an agent without a name', () => {
    const dir = tempDir();
    const facts = join(dir, 'facts.yaml');
    writeFileSync(facts, 'linux-01:\n  home: /home/bamboo\n  servcie: true\n');
    expect(() => loadAgents([facts])).toThrow(`${facts}:3: linux-01.servcie: unknown field (expected type, home`);
    const rest = join(dir, 'agents.json');
    writeFileSync(rest, '[\n  { "id": 1, "name": "a", "type": "REMOTE" },\n  { "id": 2, "type": "REMOTE" }\n]\n');
    expect(() => loadAgents([rest])).toThrow(new RegExp(`^${rest}:3: 1\\.name: .*expected an agent object`));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '[\n  { "name": "a",\n');
    expect(() => loadAgents([broken])).toThrow(/broken\.json:\d+: not valid YAML\/JSON/);
    writeFileSync(broken, '"just a string"\n');
    expect(() => loadAgents([broken])).toThrow(/broken\.json:1: expected the JSON array of GET \/rest\/api\/latest\/agent/);
  });
});

describe('AgentInventory.enrich', () => {
  const inv = loadAgents([REST, FACTS]);

  it('fills the type, home and flags the log did not tell', () => {
    const ctx = ctxOf('build-linux-02');
    inv.enrich(ctx);
    expect(ctx.agent).toEqual({ name: 'build-linux-02', type: 'remote', home: '/home/bamboo', service: true, container: false, os: 'unknown' });
    expect(ctx.agentHomeDir).toBe('/opt/bambooagent/bamboo-agent-home');
  });

  it('lets the log win, refining only remote into elastic or ephemeral', () => {
    const local = ctxOf('build-linux-01', { type: 'local', home: '/Users/ci' });
    inv.enrich(local);
    expect(local.agent).toMatchObject({ type: 'local', home: '/Users/ci' });
    const remote = ctxOf('k8s-ephemeral-7f9c', { type: 'remote' });
    inv.enrich(remote);
    expect(remote.agent.type).toBe('ephemeral');
  });

  it("replaces the tracker's container=false guess with the user's fact, never the log's true", () => {
    const guessed = ctxOf('k8s-ephemeral-7f9c', { container: false });
    inv.enrich(guessed);
    expect(guessed.agent.container).toBe(true);
    const seen = ctxOf('build-linux-02', { container: true, service: true });
    inv.enrich(seen);
    expect(seen.agent).toMatchObject({ container: true, service: true });
  });

  it('leaves an agent it does not know alone', () => {
    const ctx = ctxOf('someone-else');
    new AgentInventory().enrich(ctx);
    inv.enrich(ctx);
    expect(ctx.agent).toEqual(ctxOf('someone-else').agent);
  });
});

describe('analyze --agents (real CLI)', () => {
  const rules = join(ROOT, 'test', 'fixtures', 'rules');
  const agentLog = join(ROOT, 'test', 'fixtures', 'agent-logs', 'atlassian-bamboo.log');

  it('gives an agent-log diagnosis the agent type from the inventory and home from the facts', async () => {
    const r = await runCli(['analyze', agentLog, '--no-db', '--format', 'ndjson', '--rules', rules, '--agents', REST, '--agents', FACTS]);
    const [d] = ndjson(r.stdout).filter((x) => x.rule === 'test-agent-heartbeat');
    expect(d).toMatchObject({ build: null, scenario: 'any-agent', agent: { name: 'build-linux-02', type: 'remote', home: '/home/bamboo', service: true } });
    expect(d.fix).toBe('Agent build-linux-02 (remote, home /home/bamboo) lost the server after 11 minutes.');
  });

  it('without the inventory the agent\'s own log still shows a remote agent, but not its home', async () => {
    const r = await runCli(['analyze', agentLog, '--no-db', '--format', 'ndjson', '--rules', rules]);
    const [d] = ndjson(r.stdout).filter((x) => x.rule === 'test-agent-heartbeat');
    expect(d).toMatchObject({ scenario: 'any-agent', agent: { name: 'build-linux-02', type: 'remote', home: null } });
  });

  it('fills the type of a build-log agent, and exits 2 naming a bad --agents file', async () => {
    const sample = join(ROOT, 'samples', 'docker-runner-docker-agent.log');
    const r = await runCli(['analyze', sample, '--no-db', '--format', 'ndjson', '--agents', REST]);
    const [d] = ndjson(r.stdout).filter((x) => x.rule === 'docker-pull-access-denied');
    expect(d.agent).toMatchObject({ name: '3c81b2c1a728', type: 'remote', container: true });
    const bad = join(tempDir(), 'agents.yaml');
    writeFileSync(bad, 'linux-01:\n  container: maybe\n');
    const e = await runCli(['analyze', sample, '--no-db', '--agents', bad]);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain(`${bad}:2: linux-01.container:`);
    expect(e.stdout).toBe('');
  });
});
