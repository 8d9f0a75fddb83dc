// --comment and --label: the diagnosis written back to the failed job result once, never twice; --dry-run writes nothing.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { FakeBamboo, tokenFileIn } from '../helpers/fake-bamboo.js';
import { sampleResult } from '../helpers/fake-bamboo-data.js';
import { runMain } from '../helpers/main.js';

const TOKEN = 'write-token-c0ffee42';

describe('writing back to Bamboo', () => {
  const dir = tempDir('bamboo-doctor-write-');
  const db = join(dir, 'history.db');
  const tokenFile = tokenFileIn(dir, TOKEN);
  const fake = new FakeBamboo({ token: TOKEN });
  const fetch = (...more: string[]) => runMain(['fetch', '--server', fake.url, '--token-file', tokenFile, '--db', db, ...more]);
  const posts = () => fake.seen(/^POST /).length;
  const downloads = () => fake.seen(/^GET \/download\//).length;

  beforeAll(async () => {
    await fake.start();
    fake.add(sampleResult('docker-runner-remote-agent'), sampleResult('agent-environment'), sampleResult('successful-build-noisy-stderr', 'Successful'));
    expect((await fetch()).code).toBe(1); // read into the database first, without writing back
  });
  afterAll(() => fake.stop());

  it('--dry-run says what it would write, from what is stored, and writes nothing', async () => {
    const before = downloads();
    const r = await fetch('--comment', '--label', '--dry-run');
    expect(r.stderr).toContain('first fetch with --comment --label of ACME-INV, ACME-TOOLS, ACME-WEB: results since');
    expect(r.stderr).toContain(
      'would comment on ACME-WEB-JOB1-57:\n  | bamboo-doctor: Docker pull denied (no or wrong registry credentials where the pull ran) [bamboo-doctor:docker-pull-access-denied]\n  | Scenario: docker-runner-remote-agent\n  | Fix:\n  | The registry refused the pull of registry.acme.example/team/app.\n  | The Docker task runs inside',
    );
    expect(r.stderr).toContain('would label ACME-WEB-JOB1-57: bd-docker-pull-access-denied');
    expect(r.stderr).toContain('2 comments and 2 labels would be written');
    expect(posts()).toBe(0);
    expect(downloads()).toBe(before);
  });

  it('writes one comment per failed job result (errors and warnings, not info) and a label per rule', async () => {
    const r = await fetch('--comment', '--label');
    expect(r.stderr).toContain('2 comments and 2 labels written');
    const comments = fake.comments.get('ACME-WEB-JOB1-57')!;
    expect(comments).toHaveLength(1);
    expect(comments[0].content).toMatch(/^bamboo-doctor: Docker pull denied .* \[bamboo-doctor:docker-pull-access-denied\]\nScenario: docker-runner-remote-agent\nFix:\n/);
    expect(comments[0].content).toContain('${system.HOME}: ${system.HOME}');
    expect(comments[0].content).not.toContain('task-nonzero-exit');
    expect(fake.labels.get('ACME-WEB-JOB1-57')).toEqual(['bd-docker-pull-access-denied']);
    expect(fake.labels.get('ACME-TOOLS-JOB1-31')).toEqual(['bd-docker-pull-access-denied']);
    expect(fake.comments.has('ACME-INV-JOB1-204')).toBe(false);
  });

  it('never writes twice: not on the next run, nor when the logs are read again with --force', async () => {
    const before = posts();
    await fetch('--comment', '--label');
    const r = await fetch('--comment', '--label', '--force');
    expect(r.stderr).toContain('2 job results read');
    expect(r.stderr).not.toContain('written');
    expect(posts()).toBe(before);
    expect(fake.comments.get('ACME-WEB-JOB1-57')).toHaveLength(1);
  });

  it('a refused comment names the missing permission; the next run writes it', async () => {
    fake.add({ ...sampleResult('docker-runner-service-agent') });
    fake.fault({ match: /^POST .*PLAT-RPT-JOB1-233\/comment/, status: 403 });
    const r = await fetch('--comment', '--plan', 'PLAT-RPT');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a comment on PLAT-RPT-JOB1-233: 403 Forbidden: this needs View permission on plan PLAT-RPT, and credentials that may write (a read-only personal access token cannot add comments or labels)');
    const again = await fetch('--comment', '--plan', 'PLAT-RPT');
    expect(again.stderr).toContain('1 comment and 0 labels written');
    expect(fake.comments.get('PLAT-RPT-JOB1-233')).toHaveLength(1);
  });
});
