// Exit codes (DESIGN.md: 0 / 1 / 2) by --fail-on threshold and severity, and stdout holding only diagnoses, valid
// JSON even when an input breaks half-way.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without types (the converter the bench uses too)
import { convertLog } from '../../bench/log-to-rest.mjs';
import { ndjson, ROOT, runCli, runCliProcess, tempDir } from '../helpers/cli.js';

const QA = join(ROOT, 'test', 'fixtures', 'qa');
const INFO = join(QA, 'fail-on-info.log'); // a denied pull ignored by a job that succeeded: info
const WARNING = join(QA, 'fail-on-warning.log'); // an optional artifact not published: warning
const ERROR = join(ROOT, 'samples', 'agent-environment.log');
const GREEN = join(ROOT, 'samples', 'green', 'go-service.log'); // nothing at all

describe('--fail-on', () => {
  const cases: [string, string, number][] = [
    [GREEN, 'info', 0],
    [INFO, 'error', 0], [INFO, 'warning', 0], [INFO, 'info', 1], [INFO, 'none', 0],
    [WARNING, 'error', 0], [WARNING, 'warning', 1], [WARNING, 'info', 1], [WARNING, 'none', 0],
    [ERROR, 'error', 1], [ERROR, 'warning', 1], [ERROR, 'none', 0],
  ];
  it.each(cases)('%s with --fail-on %s exits %i', async (file, level, code) => {
    const r = await runCli(['analyze', file, '--no-db', '--fail-on', level, '--format', 'ndjson']);
    expect(r.code).toBe(code);
  });

  it('is the exit status of the real process too (bin/ hands on what main returns), with the same output', async () => {
    for (const [args, code] of [[['analyze', GREEN, '--no-db'], 0], [['analyze', ERROR, '--no-db', '--format', 'ndjson'], 1], [['analyze', '--bogus', ERROR], 2]] as const) {
      const child = await runCliProcess([...args]);
      expect(child.code).toBe(code);
      expect(child).toEqual(await runCli([...args]));
    }
  });

  it('tells the severities apart as the fixtures mean them', async () => {
    const r = await runCli(['analyze', INFO, WARNING, '--no-db', '--format', 'ndjson']);
    expect(ndjson(r.stdout).map((d) => [d.build, d.rule, d.severity])).toEqual([
      ['ACME-INV-JOB1-206', 'docker-pull-access-denied', 'info'],
      ['ACME-INV-JOB1-205', 'artifact-publish-failed', 'warning'],
    ]);
  });

  it('exits 2 when an input cannot be read, whatever was found and whatever the threshold', async () => {
    for (const level of ['error', 'none']) {
      const r = await runCli(['analyze', ERROR, join(QA, 'missing.log'), '--no-db', '--fail-on', level]);
      expect(r.code).toBe(2);
    }
  });

  it('rejects an unknown threshold as a usage error', async () => {
    const r = await runCli(['analyze', ERROR, '--no-db', '--fail-on', 'fatal']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/fail-on/);
  });
});

describe('stdout holds only diagnoses', () => {
  it('is one valid JSON array when an export breaks half-way and a path is missing, messages on stderr', async () => {
    const dir = tempDir();
    const whole = JSON.stringify(convertLog(readFileSync(join(ROOT, 'samples', 'docker-runner-remote-agent.log'), 'utf8'), { shape: 'list' }));
    const cut = join(dir, 'cut.json');
    writeFileSync(cut, whole.slice(0, Math.floor(whole.length * 0.9)));
    const r = await runCli(['analyze', ERROR, cut, join(dir, 'missing.log'), WARNING, '--no-db', '--format', 'json']);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout);
    // What the cut export held before the break (its failure lies in the first 90%) is diagnosed too.
    expect(out.map((d: any) => d.build)).toEqual(['ACME-TOOLS-JOB1-31', 'ACME-TOOLS-JOB1-31', 'ACME-WEB-JOB1-57', 'ACME-WEB-JOB1-57', 'ACME-INV-JOB1-205']);
    expect(r.stderr).toMatch(new RegExp(`error: ${cut}:\\d+: in job result ACME-WEB-JOB1-57, after log entry \\d+: the JSON ends too early`));
    expect(r.stderr).toContain(`error: ${join(dir, 'missing.log')}: no such file or folder`);
    expect(r.stdout).not.toMatch(/bamboo-doctor:|error:/);
  });

  it('stays empty in every format when nothing is found, the summary going to stderr', async () => {
    for (const format of ['text', 'ndjson']) {
      const r = await runCli(['analyze', GREEN, '--no-db', '--format', format]);
      expect([r.code, r.stdout]).toEqual([0, '']);
      expect(r.stderr).toBe('bamboo-doctor: 1 input, 1 build, 0 diagnoses (0 errors)\n');
    }
    expect((await runCli(['analyze', GREEN, '--no-db', '--format', 'json'])).stdout).toBe('[]\n');
  });
});
