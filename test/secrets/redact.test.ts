// The masking: each kind of secret, the text around it kept readable, and lines that only look like secrets left alone.
import { describe, expect, it } from 'vitest';
import { MASK, redact, redactMatch, redactStored } from '../../src/secrets/redact.js';
import { SECRET_PATTERNS } from '../../src/secrets/patterns.js';
import { superLinear } from '../../src/rules/lint.js';

describe('redact', () => {
  it.each([
    ["fatal: Authentication failed for 'https://jdoe:s3cr3t@git.example.com/x.git'", "'https://jdoe:********@git.example.com/x.git'"],
    ['curl -H "Authorization: Bearer abcdef0123456789abcdef" https://x', 'Authorization: Bearer ********"'],
    ['Authorization: Basic amRvZTpzM2NyM3Q=', 'Authorization: Basic ********'],
    ['docker login -u jdoe -p Sup3rS3cret registry.example.com', 'docker login -u jdoe -p ******** registry.example.com'],
    ['mysql -u root -pR00tPass db', 'mysql -u root -p******** db'],
    ['bamboo_db_password=hunter2 bamboo_deploy_secret=x1 bamboo_ssh_passphrase=y2', 'bamboo_db_password=******** bamboo_deploy_secret=******** bamboo_ssh_passphrase=********'],
    ['//registry.npmjs.org/:_authToken=abc123', '//registry.npmjs.org/:_authToken=********'],
    ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws_secret_access_key = ********'],
    ['key AKIAIOSFODNN7EXAMPLE used', 'key AKIA******** used'],
    [`clone https://ghp_${'a'.repeat(36)}@github.com/o/r`, 'https://ghp_********@github.com/o/r'],
    [`npm_${'b'.repeat(36)} and xoxb-1234567890-1234567890123-abcdefghij`, 'npm_******** and xoxb-********'],
    ['eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV', MASK],
    ['-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----', '-----BEGIN OPENSSH PRIVATE KEY-----********-----END OPENSSH PRIVATE KEY-----'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA (cut)', '-----BEGIN RSA PRIVATE KEY-----********'],
    ['"password": "my secret pw", "token":"x1"', '"password": "********", "token":"********"'],
    ['curl -u admin:adm1n http://nexus', 'curl -u admin:******** http://nexus'],
    ['keytool -storepass changeit -import', 'keytool -storepass ******** -import'],
    ['https://x-token-auth:ATCTT3xFfGN0abcdefghijklmnopqrstuvwxyz@bitbucket.org/o/r.git', 'https://x-token-auth:********@bitbucket.org/o/r.git'],
  ])('%s', (line, masked) => {
    expect(redact(line)).toContain(masked);
  });

  it.each([
    'docker login --password-stdin -u jdoe registry.example.com',
    'mkdir -p /tmp/x && docker run -p 8080:80 img && ssh -p 22 host',
    'Error saving credentials: error storing credentials - err: exit status 1',
    'denied: Your authorization token has expired. Reauthenticate and try again.',
    'invalid token: signature is invalid',
    "Could not read Password for 'https://bitbucket.org': terminal prompts disabled",
    'password: ${bamboo.db.password} password=******** token=$TOKEN secret=%SECRET% --password <password>',
    'Build working directory is /home/bamboo/bamboo-agent-home/xml-data/build-dir/A-B-JOB1 PWD=/home/bamboo',
  ])('leaves alone: %s', (line) => {
    expect(redact(line)).toBe(line);
  });

  it('masks in a capture a secret of the evidence that has no shape alone, and in a stored fix', () => {
    const evidence = ['login failed: password=Plain-pw-1 user=jdoe'];
    expect(redactMatch(evidence, { pw: 'Plain-pw-1', user: 'jdoe' }).captures).toEqual({ pw: MASK, user: 'jdoe' });
    expect(redactStored({ evidence, captures: {}, fix: 'Try again with Plain-pw-1.' }).fix).toBe(`Try again with ${MASK}.`);
  });

  it('every pattern has the three groups masking relies on, and none is super-linear on a long line', () => {
    for (const p of SECRET_PATTERNS) {
      expect(new RegExp(`${p.re.source}|`).exec('')!.length, p.id).toBe(4);
      expect(superLinear({ re: p.re }), p.id).toEqual([]);
    }
  });
});
