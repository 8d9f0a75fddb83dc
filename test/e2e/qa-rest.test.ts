// REST exports beside .log downloads of the same builds: one row per build, complete readings kept, gaps told.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without types (the converter the bench uses too)
import { jobResult, logBuildKey, logToEntries, planResult, resultsList } from '../../bench/log-to-rest.mjs';
import { ndjson, ROOT, runCli, tempDir } from '../helpers/cli.js';

const sample = (name: string) => join(ROOT, 'samples', `${name}.log`);
const REMOTE = sample('docker-runner-remote-agent'); // ACME-WEB-JOB1-57, failed
const GREEN = sample('successful-build-noisy-stderr'); // ACME-INV-JOB1-204, successful
const TOOLS = sample('agent-environment'); // ACME-TOOLS-JOB1-31, failed
const job = (file: string, state: string, keep?: number) => {
  const text = readFileSync(file, 'utf8');
  const entries = logToEntries(text);
  const result = jobResult(logBuildKey(text), state, keep === undefined ? entries : entries.slice(0, keep));
  result.logEntries.size = entries.length; // a page says how many entries the job has in all
  return result;
};

describe('a results list, a plan result and the .log of the same builds in one database', () => {
  const dir = tempDir('bamboo-doctor-qa-rest-');
  const db = join(dir, 'history.db');
  const file = (name: string, value: unknown) => {
    writeFileSync(join(dir, name), JSON.stringify(value));
    return join(dir, name);
  };
  const rows = () => {
    const d = new Database(db, { readonly: true });
    try {
      return d.prepare('SELECT build_key AS key, state, finished, source_path AS source, (SELECT count(*) FROM diagnoses WHERE build_id = b.id) AS n FROM builds b ORDER BY build_key').all();
    } finally {
      d.close();
    }
  };
  let list: string;
  let plan: string;

  beforeAll(async () => {
    list = file('results.json', resultsList([job(REMOTE, 'Failed'), job(GREEN, 'Successful'), job(TOOLS, 'Failed')]));
    plan = file('plan-57.json', planResult('ACME-WEB-57', 'Failed', [job(REMOTE, 'Failed'), job(GREEN, 'Successful')]));
    const r = await runCli(['analyze', list, REMOTE, plan, '--db', db, '--format', 'ndjson']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`bamboo-doctor: 3 inputs, 6 builds, 8 diagnoses (4 errors) → ${db}\n`);
  });

  it('keeps one row per build, from the last complete reading, and the successful job with no diagnosis', () => {
    expect(rows()).toEqual([
      { key: 'ACME-INV-JOB1-204', state: 'successful', finished: 1, source: plan, n: 0 },
      { key: 'ACME-TOOLS-JOB1-31', state: 'failed', finished: 1, source: list, n: 2 },
      { key: 'ACME-WEB-JOB1-57', state: 'failed', finished: 1, source: plan, n: 2 },
    ]);
  });

  it('counts the failure once in history however many inputs held it', async () => {
    const r = await runCli(['history', '--db', db, '--by', 'rule', '--format', 'json']);
    const rule = JSON.parse(r.stdout).find((row: any) => row.group === 'docker-pull-access-denied');
    expect(rule).toMatchObject({ count: 2, builds: 2 });
    const unexplained = JSON.parse((await runCli(['history', '--db', db, '--unexplained', '--format', 'json'])).stdout);
    expect(unexplained).toMatchObject({ failed: 2, explained: 2, rate: 1 });
  });

  it('does not let a later first page of the same job replace the complete reading, and says why on stderr', async () => {
    const page = file('ACME-WEB-JOB1-57-page1.json', job(REMOTE, 'Failed', 25));
    const r = await runCli(['analyze', page, '--db', db, '--format', 'ndjson']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${page}: a job result holds only a page of its log entries (ACME-WEB-JOB1-57: 1–25 of 163)`);
    expect(r.stderr).toContain('max-results=163');
    expect(r.stderr).toContain('1 build(s) kept as stored');
    expect(rows().find((b: any) => b.key === 'ACME-WEB-JOB1-57')).toMatchObject({ finished: 1, source: plan, n: 2 });
  });

  it('reads the same list piped to `analyze -` live, with the same diagnoses', async () => {
    const r = await runCli(['analyze', '-', '--no-db', '--format', 'ndjson'], { input: readFileSync(list) });
    expect(r.code).toBe(1);
    expect(ndjson(r.stdout).map((d) => [d.build, d.rule, d.line])).toEqual([
      ['ACME-WEB-JOB1-57', 'docker-pull-access-denied', 135],
      ['ACME-WEB-JOB1-57', 'task-nonzero-exit', 136],
      ['ACME-TOOLS-JOB1-31', 'docker-pull-access-denied', 99],
      ['ACME-TOOLS-JOB1-31', 'task-nonzero-exit', 100],
    ]);
  });
});

describe('an export fetched without ?expand=logEntries', () => {
  it('is named with what to fetch instead of "empty", stores nothing and exits 0', async () => {
    const dir = tempDir('bamboo-doctor-qa-rest-');
    const bare = ({ logEntries, ...rest }: Record<string, unknown>) => rest;
    const path = join(dir, 'results.json');
    writeFileSync(path, JSON.stringify(resultsList([bare(job(REMOTE, 'Failed')), bare(job(TOOLS, 'Failed'))])));
    const db = join(dir, 'history.db');
    const r = await runCli(['analyze', path, '--db', db, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(r.stderr).toContain(`${path}: no log entries in any of its 2 results: Bamboo sends log entries only for a job result fetched with ?expand=logEntries`);
    expect(r.stderr).not.toContain('empty, nothing to read');
    expect(r.stderr).toContain('1 input, 0 builds, 0 diagnoses');
  });
});
