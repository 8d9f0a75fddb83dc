// The errors a real server gives: 401, 403, 404, 429/503 with Retry-After, 500, login pages, resets, timeouts, cut downloads.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ndjson, tempDir } from '../helpers/cli.js';
import { FakeBamboo, tokenFileIn, type FakeOptions } from '../helpers/fake-bamboo.js';
import { sampleResult } from '../helpers/fake-bamboo-data.js';
import { runMain } from '../helpers/main.js';

const TOKEN = 'errors-token-0b9e44f2';

describe('a server that refuses or fails', () => {
  let fake: FakeBamboo;
  const dir = tempDir('bamboo-doctor-errors-');
  const tokenFile = tokenFileIn(dir, TOKEN);
  const start = async (options: FakeOptions = {}) => (fake = await new FakeBamboo({ token: TOKEN, ...options }).add(sampleResult('docker-runner-remote-agent'), sampleResult('agent-environment')).start());
  const fetch = (...more: string[]) => runMain(['fetch', '--server', fake.url, '--token-file', tokenFile, '--no-db', '--format', 'ndjson', ...more]);
  afterEach(() => fake.stop());

  it('401: says which credentials were refused, and stops (exit 2)', async () => {
    await start();
    writeFileSync(join(dir, 'bad'), 'not-the-token', { mode: 0o600 });
    const r = await runMain(['fetch', '--server', fake.url, '--token-file', join(dir, 'bad'), '--no-db']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/401 Unauthorized: the server did not accept the token in .*bad \(--token-file\) \(an expired or revoked token\?/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('403 on a plan: names the missing permission; the other plans are still fetched', async () => {
    await start();
    fake.fault({ match: /^GET \/rest\/api\/latest\/result\/ACME-WEB\?/, status: 403 });
    const r = await fetch();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the results of plan ACME-WEB: 403 Forbidden: this needs View permission on plan ACME-WEB (a personal access token with at least Read permission), which the token in');
    expect([...new Set(ndjson(r.stdout).map((d) => d.build))]).toEqual(['ACME-TOOLS-JOB1-31']);
  });

  it('404: a plan that is gone is named and passed over', async () => {
    await start();
    const r = await fetch('--plan', 'ACME-GONE', '--plan', 'ACME-WEB');
    expect(r.stderr).toContain('ACME-GONE: no such plan on the server (404): deleted or renamed, or the key is mistyped');
    expect(r.code).toBe(1);
    expect(ndjson(r.stdout).some((d) => d.build === 'ACME-WEB-JOB1-57')).toBe(true);
  });

  it('429 and 503 with Retry-After: waits as told and goes on', async () => {
    await start();
    fake.fault({ match: /^GET \/rest\/api\/latest\/plan/, status: 429, retryAfter: '1' });
    fake.fault({ match: /^GET \/download\//, status: 503, retryAfter: '0' });
    const began = Date.now();
    const r = await fetch();
    expect(Date.now() - began).toBeGreaterThanOrEqual(1000);
    expect(r.stderr).toContain('the list of plans: the server limits the rate of requests (429); trying again in 1 s (1/4)');
    expect(r.stderr).toContain('the server is unavailable (503); trying again in 0 ms (1/4)');
    expect(r.code).toBe(1);
  });

  it('500: tried again with backoff', async () => {
    await start();
    fake.fault({ match: /^GET \/rest\/api\/latest\/result\/ACME-WEB-57\?/, status: 500 });
    const r = await fetch();
    expect(r.stderr).toContain('plan result ACME-WEB-57: server error 500 (the server says: fault 500); trying again in');
    expect(fake.seen(/result\/ACME-WEB-57\?/)).toHaveLength(2);
    expect(ndjson(r.stdout).some((d) => d.build === 'ACME-WEB-JOB1-57')).toBe(true);
    expect(r.code).toBe(1);
  });

  it('an HTML page instead of JSON: the URL is wrong or lacks the context path', async () => {
    await start({ contextPath: '/bamboo' });
    const r = await runMain(['fetch', '--server', fake.url.replace('/bamboo', ''), '--token-file', tokenFile, '--no-db']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the server answered with an HTML page instead of JSON .*a Bamboo under a context path needs it in the URL \(e\.g\. http:\/\/127\.0\.0\.1:\d+\/bamboo\)/);
    const right = await runMain(['fetch', '--server', `${fake.url}/rest/api/latest/`, '--token-file', tokenFile, '--no-db']);
    expect(right.code).toBe(1);
  });

  it('a connection reset and a request with no answer are tried again', async () => {
    await start();
    fake.fault({ match: /^GET \/rest\/api\/latest\/plan/, reset: true });
    fake.fault({ match: /^GET \/rest\/api\/latest\/result\/ACME-WEB\?/, hang: true });
    const r = await fetch('--timeout', '300ms');
    expect(r.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+ \((ECONNRESET|UND_ERR_SOCKET|other side closed)\)/);
    expect(r.stderr).toContain('no answer from http://127.0.0.1');
    expect(r.stderr).toContain('within 300 ms (--timeout); trying again');
    expect(r.code).toBe(1);
  });

  it('a download cut midway is read again; its diagnoses are printed once', async () => {
    await start();
    fake.fault({ match: /^GET \/download\/ACME-WEB-JOB1\//, cut: true });
    const r = await fetch('--plan', 'ACME-WEB');
    expect(r.stderr).toMatch(/ACME-WEB-JOB1-57: .* reading it again in/);
    expect(fake.seen(/^GET \/download\/ACME-WEB-JOB1\//)).toHaveLength(2);
    expect(ndjson(r.stdout).filter((d) => d.rule === 'docker-pull-access-denied')).toHaveLength(1);
    expect(r.code).toBe(1);
  });

  it('--server with credentials in it is refused without repeating them', async () => {
    await start();
    const r = await runMain(['fetch', '--server', 'https://jdoe:s3cret-pw@ci.example.com', '--no-db']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('credentials do not belong in the URL');
    expect(r.stderr).not.toContain('s3cret-pw');
  });
});
