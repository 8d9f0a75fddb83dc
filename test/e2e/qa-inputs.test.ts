// Inputs that are no build log, as an administrator saves them by mistake: each is named with what to fetch instead;
// a daily re-run over a folder already analysed.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ndjson, ROOT, runCli, tempDir } from '../helpers/cli.js';

const QA = join(ROOT, 'test', 'fixtures', 'qa');
const XML = join(QA, 'job-result-57.xml');
const HTML = join(QA, 'login-page.html');
const SAMPLE = join(ROOT, 'samples', 'agent-environment.log');

describe('a REST response saved as XML, and an HTML page', () => {
  it('are input errors naming the file and what to fetch, while the other inputs are still read', async () => {
    const r = await runCli(['analyze', XML, HTML, SAMPLE, '--no-db', '--format', 'ndjson']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${XML}: this is XML: Bamboo's REST API answers XML unless the request asks for JSON`);
    expect(r.stderr).toContain("'Accept: application/json'");
    expect(r.stderr).toContain(`error: ${HTML}: this is an HTML page`);
    // Refused from their first bytes: nothing was read, so nothing "is kept".
    expect(r.stderr).not.toMatch(/(xml|html): this is .*what was read before it is kept/);
    expect(r.stderr).toContain('3 inputs, 1 build, 2 diagnoses (1 error), 2 failed');
    expect(ndjson(r.stdout).map((d) => d.source)).toEqual([SAMPLE, SAMPLE]);
  });

  it('are told the same way gzipped, from stdin, and inside a folder', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'result.xml.gz'), gzipSync(readFileSync(XML)));
    writeFileSync(join(dir, 'ACME-WEB-JOB1-57.json'), readFileSync(XML)); // named .json, still XML
    const folder = await runCli(['analyze', dir, '--no-db']);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain(`${join(dir, 'ACME-WEB-JOB1-57.json')}: this is XML`);
    expect(folder.stderr).toContain(`${join(dir, 'result.xml.gz')}: this is XML`);
    expect(folder.stdout).toBe('');
    const piped = await runCli(['analyze', '-', '--no-db', '--format', 'json'], { input: readFileSync(XML) });
    expect(piped.code).toBe(2);
    expect(piped.stderr).toContain('error: -: this is XML');
    expect(JSON.parse(piped.stdout)).toEqual([]);
  });
});

describe('a second run over a folder of exports already analysed', () => {
  it('names the first ten skipped inputs and counts the rest, rather than one line per file', async () => {
    const dir = tempDir();
    // Thirteen builds (copies of one log would be one source: later ones are skipped as the same content).
    const text = readFileSync(SAMPLE, 'utf8');
    for (let i = 0; i < 13; i++) writeFileSync(join(dir, `build-${String(i).padStart(2, '0')}.log`), text.replaceAll('JOB1-31', `JOB1-${i + 1}`).replaceAll('#31', `#${i + 1}`));
    const db = join(dir, 'history.db');
    await runCli(['analyze', dir, '--db', db]);
    const again = await runCli(['analyze', dir, '--db', db]);
    expect(again.code).toBe(0);
    const lines = again.stderr.trim().split('\n');
    expect(lines.filter((l) => l.endsWith(': skipped, already analysed, unchanged since (use --force to read it again)'))).toHaveLength(10);
    expect(lines.at(-2)).toBe('… and 3 more inputs skipped, already analysed and unchanged (use --force to read them again)');
    expect(lines.at(-1)).toBe(`bamboo-doctor: 13 inputs, 0 builds, 0 diagnoses (0 errors), 13 skipped → ${db}`);
  });
});
