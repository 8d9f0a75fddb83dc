// A server whose certificate comes from a private CA: named with NODE_EXTRA_CA_CERTS (there is no --insecure), then trusted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, runCliProcess } from '../helpers/cli.js';
import { FakeBamboo } from '../helpers/fake-bamboo.js';
import { sampleResult } from '../helpers/fake-bamboo-data.js';

const TLS = join(ROOT, 'test', 'fixtures', 'tls');

describe('TLS', () => {
  const fake = new FakeBamboo({ tls: { key: readFileSync(join(TLS, 'server-key.pem'), 'utf8'), cert: readFileSync(join(TLS, 'server.pem'), 'utf8') } });
  beforeAll(async () => void (await fake.add(sampleResult('agent-environment')).start()));
  afterAll(() => fake.stop());

  // A child process: Node reads NODE_EXTRA_CA_CERTS once, when the process starts.
  it('names NODE_EXTRA_CA_CERTS for an untrusted certificate, at once (no retries), and trusts the CA given there', async () => {
    const refused = await runCliProcess(['fetch', '--server', fake.url, '--no-db'], { env: { NODE_EXTRA_CA_CERTS: '' } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/cannot connect to https:\/\/127\.0\.0\.1:\d+: its TLS certificate is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\); for a private CA, set NODE_EXTRA_CA_CERTS to the CA's PEM file/);
    expect(refused.stderr).not.toContain('trying again');
    const trusted = await runCliProcess(['fetch', '--server', fake.url, '--no-db', '--format', 'ndjson'], { env: { NODE_EXTRA_CA_CERTS: join(TLS, 'ca.pem') } });
    expect(trusted.stderr).toContain('1 job result read');
    expect(trusted.code).toBe(1);
  });

  it('offers no --insecure', async () => {
    const r = await runCli(['fetch', '--server', fake.url, '--insecure', '--no-db']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown argument: insecure');
  });
});
