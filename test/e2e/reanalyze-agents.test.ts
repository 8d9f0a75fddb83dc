// reanalyze keeps what --agents (and --specs) added at analysis time when it is given them again.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';

function stored(db: string): { agent_type: string; scenario: string } {
  const conn = new Database(db, { readonly: true });
  const row = conn
    .prepare("SELECT b.agent_type, d.scenario FROM builds b JOIN diagnoses d ON d.build_id = b.id WHERE d.rule = 'docker-pull-access-denied'")
    .get() as { agent_type: string; scenario: string };
  conn.close();
  return row;
}

describe('reanalyze --agents', () => {
  it('re-diagnoses with the inventory, so an elastic agent stays elastic', async () => {
    const dir = tempDir();
    const db = join(dir, 'r.db');
    const facts = join(dir, 'agents.yaml');
    writeFileSync(facts, 'build-linux-01:\n  type: elastic\n');
    const log = 'samples/docker-runner-remote-agent.log';
    expect((await runCli(['analyze', log, '--db', db, '--agents', facts])).code).toBe(1);
    expect(stored(db)).toEqual({ agent_type: 'elastic', scenario: 'docker-runner-elastic-agent' });

    // A team's edited copy of the rule: a new rule version, so reanalyze rewrites the build.
    const rules = join(dir, 'rules');
    mkdirSync(rules);
    const edited = readFileSync(join(ROOT, 'rules', 'docker-pull-access-denied.yaml'), 'utf8').replace(/^title: .*$/m, 'title: Pull denied (edited)');
    writeFileSync(join(rules, 'docker-pull-access-denied.yaml'), edited);
    const again = await runCli(['reanalyze', '--db', db, '--rules', rules, '--agents', facts, '--format', 'json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).totals.replaced).toBeGreaterThanOrEqual(1);
    expect(stored(db)).toEqual({ agent_type: 'elastic', scenario: 'docker-runner-elastic-agent' });
  });
});
