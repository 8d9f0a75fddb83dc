// reanalyze after editing a team rule (a temp --rules folder) on a database filled from a .log, a first page of the
// same job's REST export, and a followed file: every source re-read, counts that say what was really written.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without types (the converter the bench uses too)
import { jobResult, logBuildKey, logToEntries } from '../../bench/log-to-rest.mjs';
import { BIN, ROOT, runCli, tempDir } from '../helpers/cli.js';

/** Fires once in each sample, after the first 25 entries (in the post-build plugins). */
const rule = (version: string) => `id: artifact-copier-ran
title: The Artifact Copier ran
severity: info
category: test
keywords: [Artifact Copier]
patterns: ["Running post build plugin 'Artifact Copier'"]
scenarios:
  - id: any
    title: Anywhere
    fix: Nothing to do (${version}).
tests:
  match: [{ line: "Running post build plugin 'Artifact Copier'" }]
  no-match: ["Running post build plugin 'NCover Results Collector'"]
`;

describe('reanalyze after a team rule changed', () => {
  const dir = tempDir('bamboo-doctor-qa-reanalyze-');
  const db = join(dir, 'history.db');
  const rules = join(dir, 'team-rules');
  const log = join(dir, 'ACME-WEB-JOB1-57.log');
  const page = join(dir, 'ACME-WEB-JOB1-57-page1.json');
  const followed = join(dir, 'live', 'build.log');
  const fixes = () => {
    const d = new Database(db, { readonly: true });
    try {
      return d.prepare("SELECT build_key AS build, fix FROM diagnoses WHERE rule = 'artifact-copier-ran' ORDER BY build_key").all();
    } finally {
      d.close();
    }
  };

  beforeAll(async () => {
    mkdirSync(rules);
    mkdirSync(join(dir, 'live'));
    writeFileSync(join(rules, 'artifact-copier-ran.yaml'), rule('v1'));
    copyFileSync(join(ROOT, 'samples', 'docker-runner-remote-agent.log'), log);
    const text = readFileSync(log, 'utf8');
    const first = jobResult(logBuildKey(text), 'Failed', logToEntries(text).slice(0, 25));
    first.logEntries.size = 163;
    writeFileSync(page, JSON.stringify(first));
    expect((await runCli(['analyze', log, page, '--db', db, '--rules', rules])).code).toBe(1);
    // A followed file, stopped once its job is stored.
    copyFileSync(join(ROOT, 'samples', 'agent-environment.log'), followed);
    const child = spawn(process.execPath, [BIN, 'analyze', '--follow', followed, '--db', db, '--rules', rules, '--format', 'ndjson'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => void (out += b));
    const closed = new Promise((done) => child.on('close', done));
    const end = Date.now() + 15_000;
    while (!out.includes('"artifact-copier-ran"') && Date.now() < end) await sleep(20);
    child.kill('SIGINT');
    expect(await closed).toBe(0);
    expect(fixes()).toEqual([
      { build: 'ACME-TOOLS-JOB1-31', fix: 'Nothing to do (v1).' },
      { build: 'ACME-WEB-JOB1-57', fix: 'Nothing to do (v1).' },
    ]);
    writeFileSync(join(rules, 'artifact-copier-ran.yaml'), rule('v2'));
  });

  it('re-reads the followed file too, and counts nothing for the first page that cannot replace the complete log', async () => {
    const r = await runCli(['reanalyze', '--db', db, '--rules', rules, '--format', 'json']);
    expect(r.code).toBe(0);
    const sources = Object.fromEntries(JSON.parse(r.stdout).sources.map((s: any) => [s.path, s]));
    expect(Object.keys(sources).sort()).toEqual([log, page, followed].sort());
    expect(sources[log]).toMatchObject({ status: 'read', replaced: 1, removed: 0 });
    expect(sources[followed]).toMatchObject({ status: 'read', replaced: 1, removed: 0 });
    // The page stops before the Artifact Copier: it would "remove" the row, but the complete log's row stays.
    expect(sources[page]).toMatchObject({ status: 'read', replaced: 0, removed: 0, added: 0 });
    expect(fixes()).toEqual([
      { build: 'ACME-TOOLS-JOB1-31', fix: 'Nothing to do (v2).' },
      { build: 'ACME-WEB-JOB1-57', fix: 'Nothing to do (v2).' },
    ]);
  });

  it('is a no-op the second time, and leaves the team rule rows alone when the folder is not given', async () => {
    const again = await runCli(['reanalyze', '--db', db, '--rules', rules]);
    expect(again.stdout).toMatch(/^3 sources re-read: \d+ unchanged\n$/);
    const without = await runCli(['reanalyze', '--db', db, '--format', 'json']);
    expect(JSON.parse(without.stdout).totals).toMatchObject({ replaced: 0, removed: 0, added: 0 });
    expect(fixes()).toHaveLength(2);
  });

  it('lets an edited copy of a built-in rule in --rules replace it; two own copies still clash', async () => {
    const copy = join(dir, 'edited-builtins');
    mkdirSync(copy);
    const edited = readFileSync(join(ROOT, 'rules', 'disk-full.yaml'), 'utf8').replace(/^title: .*$/m, 'title: Disk full (our wording)');
    writeFileSync(join(copy, 'disk-full.yaml'), edited);
    const list = await runCli(['rules', 'list', '--format', 'json', '--rules', copy]);
    const rows = JSON.parse(list.stdout) as { id: string; title: string }[];
    expect(rows.filter((r) => r.id === 'disk-full')).toEqual([expect.objectContaining({ title: 'Disk full (our wording)' })]);
    expect((await runCli(['reanalyze', '--db', db, '--rules', copy])).code).toBe(0);
    expect((await runCli(['rules', 'lint', '--rules', copy])).stdout).not.toMatch(/duplicate-id/);
    const twice = join(dir, 'twice');
    mkdirSync(twice);
    writeFileSync(join(twice, 'disk-full.yml'), edited);
    const r = await runCli(['reanalyze', '--db', db, '--rules', copy, '--rules', twice]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("duplicate rule id 'disk-full'");
  });
});
