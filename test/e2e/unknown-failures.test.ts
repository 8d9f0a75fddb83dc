// Issue 9's done-when: failures no rule knows get cause lines, one signature per kind, and are grouped as unexplained.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { parse } from 'yaml';
import { bambooLog } from '../helpers/bamboo-log.js';
import { ndjson, runCli, tempDir } from '../helpers/cli.js';
import { greenOutput, KINDS, type Kind } from '../fixtures/unknown-failures/kinds.js';

/** Builds of each kind: failed ones, and two green builds of its job in between (numbers 3 and 6 of the job). */
const FAILED_PER_KIND = 4;

interface Built {
  key: string;
  kind: Kind;
  failed: boolean;
}

/** GENERATED logs of 32 failed builds (8 kinds, 4 plans) and 2 green builds of each of the 7 jobs. */
function writeLogs(dir: string): Built[] {
  const next = new Map<string, number>();
  const built: Built[] = [];
  const write = (kind: Kind, failed: boolean, n: number) => {
    const number = (next.get(kind.job) ?? 0) + 1;
    next.set(kind.job, number);
    const key = `${kind.job}-${number}`;
    const agent = `build-linux-0${1 + (number % 4)}`;
    const day = `${String(1 + (number % 20)).padStart(2, '0')}-Nov-2025`;
    const lines = failed ? kind.failed(n) : greenOutput(kind, n);
    writeFileSync(join(dir, `${key}.log`), bambooLog({ key, agent, day, tasks: [{ name: kind.task, lines, exit: failed ? kind.exit : undefined }] }));
    built.push({ key, kind, failed });
  };
  const greenDone = new Set<string>();
  for (const kind of KINDS) {
    for (let n = 1; n <= FAILED_PER_KIND; n++) {
      write(kind, true, n);
      // Green builds of the job come after some of its failures: those are ranked again when the green ones are read.
      if (n === 2 && !greenDone.has(kind.job)) write(kind, false, n);
      if (n === 3 && !greenDone.has(kind.job)) write(kind, false, n + 10);
    }
    greenDone.add(kind.job);
  }
  return built;
}

let dir: string;
let db: string;
let built: Built[];
let printed: Record<string, any>[];

beforeAll(async () => {
  dir = tempDir('bamboo-doctor-unknown-');
  mkdirSync(join(dir, 'logs'));
  built = writeLogs(join(dir, 'logs'));
  db = join(dir, 'history.db');
  const r = await runCli(['analyze', 'logs', '--db', db, '--format', 'ndjson'], { cwd: dir });
  expect(r.stderr).toContain(`${built.length} builds`);
  printed = ndjson(r.stdout);
});

const failed = () => built.filter((b) => b.failed);

/** The stored error diagnosis of a build that carries its cause (as ranked with every green build of its job). */
function causeOf(key: string): { rule: string; cause: { line: number; text: string; seenInGreen?: true }[]; signature: string } {
  const conn = new Database(db, { readonly: true });
  try {
    const row = conn
      .prepare("SELECT d.rule, d.cause, d.signature FROM diagnoses d JOIN builds b ON b.id = d.build_id WHERE b.build_key = ? AND d.severity = 'error' AND d.cause IS NOT NULL ORDER BY d.generic LIMIT 1")
      .get(key) as { rule: string; cause: string; signature: string };
    return { ...row, cause: JSON.parse(row.cause) };
  } finally {
    conn.close();
  }
}

describe('failures outside the rule pack (GENERATED logs)', () => {
  it('holds at least 30 failed builds of at least 6 unknown kinds in 4 plans, and green builds of the same jobs', () => {
    expect(failed().length).toBeGreaterThanOrEqual(30);
    expect(new Set(failed().filter((b) => !b.kind.known).map((b) => b.kind.id)).size).toBeGreaterThanOrEqual(6);
    expect(new Set(built.map((b) => b.key.split('-').slice(0, 2).join('-'))).size).toBe(4);
    expect(new Set(built.filter((b) => !b.failed).map((b) => b.kind.job))).toEqual(new Set(KINDS.map((k) => k.job)));
  });

  it('gives every failed build cause lines whose first line is the real error', async () => {
    for (const b of failed()) {
      const d = causeOf(b.key);
      expect(d.rule, b.key).toBe(b.kind.known ? 'pytest-failures' : b.kind.exit === null ? 'unexplained-failure' : 'task-nonzero-exit');
      expect(d.cause[0].text, `${b.key} (${b.kind.id})`).toContain(b.kind.error);
      expect(d.cause.length).toBeLessThanOrEqual(5);
    }
  });

  it('one signature per kind, a different one for each kind', async () => {
    const byKind = new Map<string, Set<string>>();
    for (const b of failed()) {
      const d = causeOf(b.key);
      const set = byKind.get(b.kind.id) ?? new Set();
      set.add(d.signature);
      byKind.set(b.kind.id, set);
    }
    for (const [kind, signatures] of byKind) expect(signatures.size, kind).toBe(1);
    const all = [...byKind.values()].map((s) => [...s][0]);
    expect(new Set(all).size).toBe(KINDS.length);
  });

  it('a line that also occurs in green builds of the job is not the first cause, and is marked', async () => {
    const helm = failed().filter((b) => b.kind.id === 'helm-operation-in-progress');
    // The first Helm failures were read before any green build of the job: as printed then, the nearer noise led.
    const first = printed.find((d) => d.build === helm[0].key && d.rule === 'task-nonzero-exit')!;
    expect(first.cause[0].text).toBe('Error: plugin "diff" exited with error');
    for (const b of helm) {
      const d = causeOf(b.key);
      expect(d.cause[0].text).toContain('UPGRADE FAILED');
      expect(d.cause.find((c) => c.text === 'Error: plugin "diff" exited with error')).toMatchObject({ seenInGreen: true });
    }
    // show reads the same ranking back, and says so in text.
    const shown = (await runCli(['show', helm[0].key, '--db', db])).stdout;
    expect(shown).toMatch(/\n {2}cause {5}signature [0-9a-f]{16}\n +\d+ {2}Error: UPGRADE FAILED[^\n]*\n[^]* +\d+ {2}Error: plugin "diff" exited with error {2}\(also in successful builds of this job\)\n/);
  });

  it('history --unexplained groups the unknown kinds by signature with their counts, plans and agents', async () => {
    const u = JSON.parse((await runCli(['history', '--db', db, '--unexplained', '--format', 'json'])).stdout);
    const unknown = failed().filter((b) => !b.kind.known);
    expect(u).toMatchObject({ failed: failed().length, explained: failed().length - unknown.length });
    expect(u.groups).toHaveLength(KINDS.filter((k) => !k.known).length);
    for (const g of u.groups) {
      const members = unknown.filter((b) => g.buildKeys.includes(b.key));
      expect(g.count).toBe(FAILED_PER_KIND);
      expect(members).toHaveLength(FAILED_PER_KIND);
      const kind = members[0].kind;
      expect(members.every((m) => m.kind === kind), kind.id).toBe(true);
      expect(g.plans).toEqual([kind.job.split('-').slice(0, 2).join('-')]);
      expect(g.agents.length).toBeGreaterThanOrEqual(2);
      expect(g.sample.text).toContain(kind.error);
      expect(g.sample.source).toMatch(/^logs\/.+\.log$/);
      expect(g.template).toBeTruthy();
    }
    // --by signature: every failed build, the one kind a specific rule explains with it.
    const all = JSON.parse((await runCli(['history', '--db', db, '--by', 'signature', '--format', 'json'])).stdout);
    expect(all).toHaveLength(KINDS.length);
    expect(all.find((g: any) => g.explained > 0)).toMatchObject({ count: FAILED_PER_KIND, builds: FAILED_PER_KIND, explained: FAILED_PER_KIND, plans: ['SHOP-WEB'] });
    expect(all.every((g: any) => typeof g.group === 'string' && g.first <= g.last)).toBe(true);
    const text = (await runCli(['history', '--db', db, '--unexplained'])).stdout;
    expect(text).toContain('  template  │ Error: Error acquiring the state lock');
    expect(text).toContain(`${failed().length - unknown.length} of ${failed().length} failed builds explained by a specific rule`);
  });

  it('the HTML report shows them as new and unexplained failures, a sparkline each, over stacked bars per day', async () => {
    const page = join(dir, 'report.html');
    expect((await runCli(['report', '--html', page, '--db', db])).code).toBe(0);
    const html = readFileSync(page, 'utf8');
    const section = html.slice(html.indexOf('<h2>New and unexplained failures</h2>'), html.indexOf('<h2>Top rules</h2>'));
    const unknownKinds = KINDS.filter((k) => !k.known).length;
    expect(section.match(/<tr><td><code>/g)).toHaveLength(unknownKinds);
    expect(section.match(/<svg class="spark"/g)).toHaveLength(unknownKinds);
    expect(section).toContain('<code>│ Error: Error acquiring the state lock</code>');
    expect(section).not.toContain('ModuleNotFoundError'); // explained by pytest-failures
    expect(html).toMatch(/<h2>Diagnoses per rule and day<\/h2><svg class="chart"[^>]*>.*<rect class="segment"/s);
  });

  it('rules draft turns each unexplained signature into a rule that passes rules test and lint, and reanalyze then explains them', async () => {
    const u = JSON.parse((await runCli(['history', '--db', db, '--unexplained', '--format', 'json'])).stdout);
    const drafted: string[] = [];
    for (const [i, g] of u.groups.entries()) {
      // By signature, and once by a build key (its build's signature is meant).
      const ref = i === 0 ? g.buildKeys[0] : g.signature;
      const r = await runCli(['rules', 'draft', ref, '--db', db, '--out', 'my-rules/'], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^bamboo-doctor: drafted rule [a-z0-9-]+ → my-rules\/[a-z0-9-]+\.yaml \(\d+ stored lines? of 4 builds; passes its tests and lint\)/);
      drafted.push(/drafted rule ([a-z0-9-]+)/.exec(r.stderr)![1]);
    }
    expect(new Set(drafted).size).toBe(u.groups.length);
    const lock = readFileSync(join(dir, 'my-rules', `${drafted[u.groups.findIndex((g: any) => g.template.includes('state lock'))]}.yaml`), 'utf8');
    expect(lock).toContain('│ Error: Error acquiring the state lock');
    expect(lock).toMatch(/^# Drafted by `bamboo-doctor rules draft [0-9a-f]{16}`/);
    const helm = readFileSync(join(dir, 'my-rules', `${drafted[u.groups.findIndex((g: any) => g.template.includes('UPGRADE FAILED'))]}.yaml`), 'utf8');
    // The noise every Helm run prints is a near miss, taken from a successful build of the job.
    expect(parse(helm).tests['no-match']).toContain('Error: plugin "diff" exited with error');

    const test = await runCli(['rules', 'test', '--rules', 'my-rules/'], { cwd: dir });
    expect(test.stdout, test.stdout).toMatch(/tests: all passed\n$/);
    expect(test.code).toBe(0);
    const lint = await runCli(['rules', 'lint', '--rules', 'my-rules/'], { cwd: dir });
    expect(lint.stdout, lint.stdout).toMatch(/, 0 findings\n$/);
    expect(lint.code).toBe(0);

    const re = await runCli(['reanalyze', '--db', db, '--rules', 'my-rules/'], { cwd: dir });
    expect(re.code, re.stderr).toBe(0);
    const after = JSON.parse((await runCli(['history', '--db', db, '--unexplained', '--format', 'json'])).stdout);
    expect(after).toMatchObject({ failed: failed().length, explained: failed().length, groups: [], builds: [] });
    // The exit code now folds into the drafted rule; the built-in unexplained-failure rows are gone.
    const helmKey = failed().find((b) => b.kind.id === 'helm-operation-in-progress')!.key;
    const shown = JSON.parse((await runCli(['show', helmKey, '--db', db, '--format', 'json'])).stdout);
    expect(shown.map((d: any) => [d.rule, d.severity])).toEqual([[drafted[u.groups.findIndex((g: any) => g.template.includes('UPGRADE FAILED'))], 'error'], ['task-nonzero-exit', 'info']]);
    const ansible = failed().find((b) => b.kind.id === 'ansible-unreachable')!.key;
    const rules = JSON.parse((await runCli(['show', ansible, '--db', db, '--format', 'json'])).stdout).map((d: any) => d.rule);
    expect(rules).not.toContain('unexplained-failure');
  });
});
