// Credentials never reach stdout, stderr or the database, whatever the server answers (the real CLI, real env).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { FakeBamboo } from '../helpers/fake-bamboo.js';
import { sampleResult } from '../helpers/fake-bamboo-data.js';

const TOKEN = 'MzQ5NjE0ODkyNzQ2OkSecretTokenValueX9';
const USER = 'ci-bot';
const PASSWORD = 'Pa55-w0rd-NeverPrinted';

describe('credentials', () => {
  const dir = tempDir('bamboo-doctor-secrets-');
  const fake = new FakeBamboo({ token: TOKEN, basic: { user: USER, password: PASSWORD } });
  /** Every byte the runs left: the database files (WAL included). */
  const stored = () => readdirSync(dir).map((f) => readFileSync(join(dir, f)).toString('latin1')).join('\n');
  const blob = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');

  beforeAll(async () => {
    await fake.start();
    fake.add(sampleResult('docker-runner-remote-agent'), sampleResult('agent-environment'), sampleResult('docker-runner-elastic-agent'));
    // A careless server quotes the Authorization header back in its error messages.
    fake.fault({ match: /^GET \/rest\/api\/latest\/agent$/, status: 403, echoAuth: true, times: 99 });
    fake.fault({ match: /^POST .*ACME-TOOLS-JOB1-31\/label/, status: 400, echoAuth: true, times: 99 });
    fake.fault({ match: /^GET \/rest\/api\/latest\/result\/PAY-API\?/, status: 429, retryAfter: '0', echoAuth: true });
  });
  afterAll(() => fake.stop());

  it('a token from BAMBOO_TOKEN is in no output, no message and no stored byte', async () => {
    const db = join(dir, 'token.db');
    const r = await runCli(['fetch', '--server', fake.url, '--db', db, '--comment', '--label', '--format', 'ndjson'], { env: { BAMBOO_TOKEN: TOKEN } });
    expect(r.stderr).toContain('refused Bearer ********');
    expect(r.stderr).toContain('the agents list (/rest/api/latest/agent): 403 Forbidden: this needs the Administrator');
    expect(r.stdout).toContain('"rule":"docker-pull-access-denied"');
    const wrong = await runCli(['fetch', '--server', fake.url, '--db', db], { env: { BAMBOO_TOKEN: `${TOKEN}-revoked` } });
    expect(wrong.stderr).toContain('401 Unauthorized: the server did not accept the token in BAMBOO_TOKEN');
    for (const text of [r.stdout, r.stderr, wrong.stdout, wrong.stderr, stored()]) expect(text).not.toContain(TOKEN.slice(0, 20));
    expect(fake.comments.size).toBeGreaterThan(0);
  });

  it('nor are a user\'s password and its basic-auth form (BAMBOO_USER/BAMBOO_PASSWORD)', async () => {
    const db = join(dir, 'basic.db');
    const r = await runCli(['fetch', '--server', fake.url, '--db', db, '--label', '--force'], { env: { BAMBOO_USER: USER, BAMBOO_PASSWORD: PASSWORD } });
    expect(r.stderr).toContain('refused Basic ********');
    expect(r.code).toBe(2);
    for (const text of [r.stdout, r.stderr, stored()]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(blob);
    }
  });
});
