// The real CLI on the bundled samples: analysing the same inputs again counts nothing twice; show rebuilds records.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const FIVE = ['agent-environment', 'docker-runner-docker-agent', 'docker-runner-elastic-agent', 'docker-runner-remote-agent', 'docker-runner-service-agent'].map(
  (n) => join('samples', `${n}.log`),
);

describe('history over the samples', () => {
  let db: string;
  const historyJson = async () => {
    const r = await runCli(['history', '--db', db, '--by', 'rule', '--format', 'json']);
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as { group: string; count: number; builds: number }[];
  };

  beforeAll(() => void (db = join(tempDir(), 'samples.db')));

  it('counts each build once after the same five inputs were analysed twice (and once more with --force)', async () => {
    await runCli(['analyze', ...FIVE, '--db', db]);
    const once = await historyJson();
    const pull = once.find((r) => r.group === 'docker-pull-access-denied');
    expect(pull).toMatchObject({ count: 4, builds: 4, first: '2025-10-01T00:00:09', last: '2025-11-04T16:13:54' });
    expect(once.find((r) => r.group === 'docker-runner-invalid-volume')).toMatchObject({ count: 1, builds: 1 });
    for (const row of once) expect(row.count).toBe(row.builds);

    const again = await runCli(['analyze', ...FIVE, '--db', db]);
    expect(again.stderr).toContain('skipped, already analysed');
    expect(await historyJson()).toEqual(once);

    await runCli(['analyze', ...FIVE, '--db', db, '--force']);
    // The same build read from another file is still one build.
    const copy = join(tempDir(), 'renamed-copy.log');
    copyFileSync(FIVE[2], copy);
    await runCli(['analyze', copy, '--db', db]);
    expect(await historyJson()).toEqual(once);
  });

  it('show <build-key> --format json gives the records analyze printed for that build', async () => {
    const analyzed = JSON.parse((await runCli(['analyze', FIVE[3], '--no-db', '--format', 'json'])).stdout);
    const fresh = join(tempDir(), 'show.db');
    await runCli(['analyze', FIVE[3], '--db', fresh]);
    const shown = await runCli(['show', 'ACME-WEB-JOB1-57', '--db', fresh, '--format', 'json']);
    expect(shown.code).toBe(0);
    const records = JSON.parse(shown.stdout);
    const order = (list: { rule: string }[]) => [...list].sort((a, b) => a.rule.localeCompare(b.rule));
    expect(order(records)).toEqual(order(analyzed));
    expect(records[0]).toMatchObject({ rule: 'docker-pull-access-denied', severity: 'error', runner: { kind: 'docker' } });
  });

  it('show <build-key> as text: the build, then each diagnosis with evidence, scenario, context and fix', async () => {
    const r = await runCli(['show', 'PAY-API-BUILD-88', '--db', db]);
    expect(r.code).toBe(0);
    // The build was read last from the renamed copy: the source named is that file.
    expect(r.stdout).toMatch(/^PAY-API-BUILD-88 {2}failed {2}started 2025-10-08 06:30:14\n {2}read from \S+\.log, analysed /);
    expect(r.stdout).toContain('[docker-pull-access-denied]');
    expect(r.stdout).toContain('  scenario  docker-runner-elastic-agent');
    expect(r.stdout).toContain('  agent     Elastic Agent on i-0a1b2c3d4e5f67890 (elastic');
    expect(r.stdout).toContain('  > Error response from daemon: pull access denied for ********.dkr.ecr.eu-west-1.amazonaws.com/team/api');
    expect(r.stdout).toContain('Instance startup script');
  });

  it('show of an unknown build: exit 2, naming similar stored builds', async () => {
    const r = await runCli(['show', 'PAY-API-BUILD-99', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no build PAY-API-BUILD-99 \(stored builds like it: PAY-API-BUILD-88\)/);
  });
});
