// `--follow` given what does not grow by lines (a rotated .gz, a REST export): named at once, not read as text.
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without types (the converter the bench uses too)
import { convertLog } from '../../bench/log-to-rest.mjs';
import { BIN, ndjson, ROOT, runCli, tempDir } from '../helpers/cli.js';

const SAMPLE = join(ROOT, 'samples', 'agent-environment.log');

function files() {
  const dir = tempDir();
  const gz = join(dir, 'atlassian-bamboo.log.1.gz');
  const json = join(dir, 'ACME-TOOLS-JOB1-31.json');
  const log = join(dir, 'build.log');
  writeFileSync(gz, gzipSync(readFileSync(SAMPLE)));
  writeFileSync(json, JSON.stringify(convertLog(readFileSync(SAMPLE, 'utf8'), { shape: 'list' })));
  copyFileSync(SAMPLE, log);
  return { gz, json, log };
}

describe('--follow of a gzip file or a REST export', () => {
  it('ends at once with exit 2 when no file can be followed, naming each', async () => {
    const { gz, json } = files();
    const r = await runCli(['analyze', '--follow', gz, json, '--no-db', '--format', 'ndjson']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${gz}: no longer followed: this is gzip-compressed: --follow reads a log as it grows; analyze it without --follow`);
    expect(r.stderr).toContain(`error: ${json}: this is a REST JSON export`);
    expect(r.stderr).toContain('followed 2 files (0 sources), 0 builds, 0 diagnoses');
  });

  it('goes on following the log beside them, and says so when stopped', async () => {
    const { gz, json, log } = files();
    const child = spawn(process.execPath, [BIN, 'analyze', '--follow', gz, log, json, '--no-db', '--format', 'ndjson'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => void (stdout += b));
    child.stderr.on('data', (b: Buffer) => void (stderr += b));
    const closed = new Promise<number | null>((done) => child.on('close', done));
    const end = Date.now() + 15_000;
    while (!(stdout.includes('"task-nonzero-exit"') && stderr.includes(`${json}: no longer followed`)) && Date.now() < end) await sleep(20);
    // Named while the log is still followed, not only at the end.
    expect(stderr).toContain(`${gz}: no longer followed: this is gzip-compressed`);
    child.kill('SIGINT');
    expect(await closed).toBe(2);
    expect(ndjson(stdout).map((d) => [d.source, d.rule])).toEqual([
      [log, 'docker-pull-access-denied'],
      [log, 'task-nonzero-exit'],
    ]);
    expect(stderr).toContain('followed 3 files (1 source), 1 build, 2 diagnoses');
  });
});
