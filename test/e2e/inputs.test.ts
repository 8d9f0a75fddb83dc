// The real CLI on every kind of input: .log, REST JSON exports (three shapes), gzip, folders, globs, stdin, a cut export.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without types (the converter the bench uses too)
import { convertLog, jobResult, logBuildKey, logToEntries, resultsList } from '../../bench/log-to-rest.mjs';
import { BIN, ndjson, ROOT, runCli, tempDir } from '../helpers/cli.js';

const SAMPLE = join(ROOT, 'samples', 'docker-runner-remote-agent.log');
const LOG = readFileSync(SAMPLE, 'utf8');
const rest = (options: Record<string, unknown>) => JSON.stringify(convertLog(LOG, options));

/** What must not depend on the input's kind. */
const essentials = (d: Record<string, any>) => [d.rule, d.scenario, d.severity, d.build, d.plan, d.job, d.number, d.line, d.time, d.evidence, d.agent, d.runner, d.task];
const denied = (out: Record<string, any>[]) => out.filter((d) => d.rule === 'docker-pull-access-denied');

describe('the same failure from every kind of input', () => {
  const dir = tempDir();
  const exports = join(dir, 'exports');
  const files: Record<string, string> = {
    'plain.log': LOG,
    'deep/job.json': rest({ shape: 'job' }),
    'deep/deeper/list.json': rest({ shape: 'list' }),
    'deep/deeper/plan.json': rest({ shape: 'plan' }),
    'deep/html-only-key-last.json': rest({ shape: 'job', htmlOnly: true, keyLast: true }),
    'named-like-a.log': rest({ shape: 'list' }), // JSON is told by its content, not its name
    'noextension': rest({ shape: 'job' }),
  };
  let fromFile: Record<string, any>;
  let batch: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(exports, name, '..'), { recursive: true });
      writeFileSync(join(exports, name), text);
    }
    writeFileSync(join(exports, 'deep', 'zipped.log.gz'), gzipSync(LOG));
    writeFileSync(join(exports, 'deep', 'zipped-export.json.gz'), gzipSync(rest({ shape: 'plan' })));
    fromFile = denied(ndjson((await runCli(['analyze', SAMPLE, '--format', 'ndjson', '--no-db'])).stdout))[0];
    batch = await runCli(['analyze', exports, '--format', 'ndjson', '--no-db']);
  });

  it('reads a folder recursively, telling JSON, gzip and text apart by content', () => {
    expect(batch.code).toBe(1);
    const sources = denied(ndjson(batch.stdout)).map((d) => d.source.slice(exports.length + 1)).sort();
    expect(sources).toEqual([...Object.keys(files), 'deep/zipped-export.json.gz', 'deep/zipped.log.gz'].sort());
  });

  it('gives the same rule, scenario, build, line and time as the .log for each of them', () => {
    expect(fromFile).toMatchObject({ rule: 'docker-pull-access-denied', scenario: 'docker-runner-remote-agent', build: 'ACME-WEB-JOB1-57', line: 135 });
    for (const d of denied(ndjson(batch.stdout))) expect(essentials(d), d.source).toEqual(essentials(fromFile));
  });

  it('keeps stderr to the summary line when it is not a terminal (no progress output)', () => {
    expect(batch.stderr).toMatch(/^bamboo-doctor: 9 inputs, 9 builds, \d+ diagnoses \(\d+ errors?\)\n$/);
  });

  it('reads a REST export piped through stdin the same way', async () => {
    const r = await runCli(['analyze', '-', '--format', 'ndjson', '--no-db'], { input: gzipSync(rest({ shape: 'list' })) });
    const [d] = denied(ndjson(r.stdout));
    expect(d.source).toBe('-');
    expect(essentials(d)).toEqual(essentials(fromFile));
  });

  it('expands a quoted glob itself, and reports a glob that matches nothing while reading the rest', async () => {
    const r = await runCli(['analyze', `${exports}/**/*.json`, '--format', 'ndjson', '--no-db']);
    expect(denied(ndjson(r.stdout)).map((d) => d.source.slice(exports.length + 1)).sort()).toEqual([
      'deep/deeper/list.json', 'deep/deeper/plan.json', 'deep/html-only-key-last.json', 'deep/job.json',
    ]);
    const none = await runCli(['analyze', `${exports}/**/*.nothing`, SAMPLE, '--format', 'ndjson', '--no-db']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`error: ${exports}/**/*.nothing: no file or folder matches this pattern`);
    expect(denied(ndjson(none.stdout)).map((d) => d.source)).toEqual([SAMPLE]);
  });

  it('shows a progress line when stderr is a terminal', () => {
    // `script` runs the CLI in a pseudo-terminal; what the terminal got is on script's stdout.
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} analyze ${JSON.stringify(exports)} --no-db --format ndjson --fail-on none > /dev/null`;
    const tty = execFileSync('script', ['-qec', cmd, '/dev/null'], { cwd: ROOT, env: { ...process.env, BAMBOO_DOCTOR_DB: '' } }).toString();
    expect(tty).toMatch(/\r\x1b\[2K0\/9 files · 0\.0\/0\.\d MB · [\d.]+ MB\/s/);
    expect(tty).toMatch(/9\/9 files · 0\.\d\/0\.\d MB · [\d.]+ MB\/s\r\x1b\[2Kbamboo-doctor: 9 inputs/);
  });
});

describe('a cut REST export', () => {
  const dir = tempDir();
  const db = join(dir, 'bd.db');
  const cutFile = join(dir, 'cut.json');
  const other = join(ROOT, 'samples', 'docker-runner-elastic-agent.log');
  let r: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    const elastic = readFileSync(other, 'utf8');
    const json = JSON.stringify(resultsList([jobResult('ACME-WEB-JOB1-57', 'Failed', logToEntries(LOG)), jobResult(logBuildKey(elastic), 'Failed', logToEntries(elastic))]));
    // Cut inside the second job's entries, as an interrupted download would.
    writeFileSync(cutFile, json.slice(0, json.indexOf('"logEntry":[', json.indexOf(logBuildKey(elastic))) + 2000));
    r = await runCli(['analyze', cutFile, other, '--format', 'ndjson', '--db', db]);
  });

  it('exits 2 naming the file, the job and the entry reached', () => {
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^error: ${cutFile}:\\d+: in job result PAY-API-BUILD-88, after log entry \\d+: the JSON ends too early, the export is cut`, 'm'));
    expect(r.stderr).toMatch(/2 inputs, 3 builds, .*1 failed/);
  });

  it('keeps the job read before the cut and analyses the other input', () => {
    const builds = denied(ndjson(r.stdout)).map((d) => [d.source, d.build]);
    expect(builds).toContainEqual([cutFile, 'ACME-WEB-JOB1-57']);
    expect(builds.filter(([s]) => s === other)).toHaveLength(1);
    const store = new Database(db, { readonly: true });
    const stored = store.prepare('SELECT b.build_key AS build, d.rule FROM diagnoses d JOIN builds b ON b.id = d.build_id WHERE d.source = ?').all(cutFile);
    const source = store.prepare('SELECT status, error FROM sources WHERE path = ?').get(cutFile) as { status: string; error: string };
    store.close();
    expect(stored).toContainEqual({ build: 'ACME-WEB-JOB1-57', rule: 'docker-pull-access-denied' });
    expect(source.status).toBe('partial');
    expect(source.error).toMatch(/the export is cut/);
  });
});
