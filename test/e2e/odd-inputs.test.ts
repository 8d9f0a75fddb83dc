// Smaller input faults: terminal control characters shown escaped, a huge REST entry bounded, JSON that is no
// Bamboo export named as such, a symbolic link loop named as such.
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ndjson, runCli, tempDir } from '../helpers/cli.js';
import { runProcess } from '../helpers/process.js';

const dir = tempDir();
const AT = '04-Nov-2025 16:13:54';

describe('odd inputs', () => {
  it('shows terminal control characters of a log line escaped in text output (ESC, BEL, CR, NUL)', async () => {
    const log = join(dir, 'colours.log');
    // Synthetic: a failing command whose output carried colour codes, a bell, a carriage return and a NUL.
    writeFileSync(log, `error\t${AT}\tFailing task since return code of [\u001b[31mdeploy\u001b[0m\u0007 \u001b]0;pwned\u0007 x\ry \u0000z] was 1 while expected 0\n`);
    const r = await runCli(['analyze', log, '--no-db']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(r.stdout).toContain('[\\e[31mdeploy\\e[0m\\a \\e]0;pwned\\a x\\ry \\0z]');
    // JSON output keeps the text as it was (JSON escapes it).
    const json = await runCli(['analyze', log, '--no-db', '--format', 'ndjson']);
    expect(ndjson(json.stdout)[0].captures.command).toBe('\u001b[31mdeploy\u001b[0m\u0007 \u001b]0;pwned\u0007 x\ry \u0000z');
  });

  it('bounds a 100 MB REST log entry by --max-line-bytes: it is read within a 48 MB heap', async () => {
    const json = join(dir, 'huge-entry.json');
    const entry = `fatal: Authentication failed for 'https://git.example.com/scm/x.git' ${'x'.repeat(100 * 1024 * 1024)}`;
    writeFileSync(
      json,
      `{"buildResultKey":"ACME-WEB-JOB1-7","state":"Failed","logEntries":{"size":2,"logEntry":[{"unstyledLog":"${entry}"},{"unstyledLog":"Finished building ACME-WEB-JOB1-7."}]}}`,
    );
    // Holding the entry whole took ~314 MB and dies in this heap (V8: "JavaScript heap out of memory").
    const r = await runProcess(['analyze', json, '--no-db', '--format', 'ndjson', '--max-line-bytes', '4096'], { env: { NODE_OPTIONS: '--max-old-space-size=48' } });
    expect(r.stderr).not.toContain('heap out of memory');
    expect(r.code).toBe(1);
    const [d] = ndjson(r.stdout);
    expect(d).toMatchObject({ rule: 'git-authentication-failed', build: 'ACME-WEB-JOB1-7', line: 1 });
    expect(d.evidence[0].length).toBeLessThan(4100);
  });

  it.each([
    ['numbers.json', '[1, 2, 3]', 'an array of numbers'],
    ['string.json', '"all good"', 'a string'],
    ['null.json', 'null', 'null'],
    ['other-service.json', '{"status": "ok", "items": []}', 'an object'],
  ])('says valid JSON that is no Bamboo shape is not a Bamboo REST export (%s)', async (name, text, what) => {
    const file = join(dir, name);
    writeFileSync(file, `${text}\n`);
    const r = await runCli(['analyze', file, '--no-db']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${file}: this is JSON but not a Bamboo REST export (${what}, none of Bamboo's result fields`);
    expect(r.stderr).not.toContain('empty, nothing to read');
  });

  it('names a symbolic link loop as such, not as a missing file', async () => {
    const a = join(dir, 'loop-a.log');
    symlinkSync(join(dir, 'loop-b.log'), a);
    symlinkSync(a, join(dir, 'loop-b.log'));
    const r = await runCli(['analyze', a, '--no-db']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${a}: a loop of symbolic links (ELOOP): it leads back to itself, not to a file`);
  });
});
