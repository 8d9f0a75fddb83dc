// False-positive check: the real CLI on successful builds (samples/green) gives no error diagnosis, and no
// error rule fires on them at all (elastic-recheck: a query that hits successful jobs is too broad).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { ndjson, ROOT, runCli, tempDir } from '../helpers/cli.js';

const GREEN_DIR = join('samples', 'green');
const logs = readdirSync(join(ROOT, GREEN_DIR)).filter((f) => f.endsWith('.log'));
const INPUTS = [GREEN_DIR, join('samples', 'successful-build-noisy-stderr.log')];

const ENVELOPE = /^(simple|build|command|error)\t\d{2}-[^\t\s-]+-\d{4} \d{2}:\d{2}:\d{2}\t/;

describe('green samples', () => {
  it.each(logs)('%s is a successful Bamboo .log of 80-300 lines', (name) => {
    const text = readFileSync(join(ROOT, GREEN_DIR, name), 'utf8');
    const lines = text.split(/\r?\n/).slice(0, -1);
    expect(lines.length).toBeGreaterThanOrEqual(80);
    expect(lines.length).toBeLessThanOrEqual(300);
    expect(lines.filter((l) => !ENVELOPE.test(l))).toEqual([]);
    const finished = lines.filter((l) => l.includes("\tFinished task '"));
    expect(finished.length).toBeGreaterThanOrEqual(2);
    for (const l of finished) expect(l).toMatch(/ with result: Success$/);
    expect(lines.at(-1)).toMatch(/\t(Finished building [A-Z0-9-]+\.|Finished processing deployment result .*)$/);
  });

  it('has at least 10 logs, one with CRLF endings', () => {
    expect(logs.length).toBeGreaterThanOrEqual(10);
    expect(logs.some((name) => readFileSync(join(ROOT, GREEN_DIR, name), 'utf8').includes('\r\n'))).toBe(true);
  });
});

describe('false positives on successful builds', () => {
  let diagnoses: Record<string, any>[];
  let code: number;
  let severityOf: Map<string, string>;

  beforeAll(async () => {
    const r = await runCli(['analyze', ...INPUTS, '--format', 'ndjson', '--no-db']);
    code = r.code;
    diagnoses = ndjson(r.stdout);
    const list = await runCli(['rules', 'list', '--format', 'json']);
    severityOf = new Map((JSON.parse(list.stdout) as { id: string; severity: string }[]).map((x) => [x.id, x.severity]));
  });

  it('reads every green log as one successful build', async () => {
    const db = join(tempDir(), 'green.db');
    await runCli(['analyze', ...INPUTS, '--db', db, '--format', 'json']);
    const conn = new Database(db, { readonly: true });
    const builds = conn.prepare('SELECT source_path, state, started FROM builds').all() as Record<string, string | null>[];
    conn.close();
    expect(builds).toHaveLength(logs.length + 1);
    for (const b of builds) expect(b, String(b.source_path)).toMatchObject({ state: 'successful', started: expect.stringMatching(/^\d{4}-/) });
  });

  it('gives no error-severity diagnosis', () => {
    const errors = diagnoses.filter((d) => d.severity === 'error').map(where);
    expect(errors).toEqual([]);
    expect(code).toBe(0);
  });

  it('fires no rule of severity error on a green log (such a rule is too broad)', () => {
    const tooBroad = diagnoses.filter((d) => severityOf.get(d.rule) === 'error').map(where);
    expect(tooBroad).toEqual([]);
  });

  it('prints each rule hit count on green logs', async () => {
    const r = await runCli(['rules', 'hits', ...INPUTS]);
    console.log(`rule hits on green logs (elastic-recheck: a rule that hits successful jobs is too broad):\n${r.stdout}`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`bamboo-doctor: ${logs.length + 1} inputs, ${logs.length + 1} builds: `);
  });
});

/** A diagnosis as one line that names the rule, the log, the line and the evidence. */
function where(d: Record<string, any>): string {
  return `${d.rule} (${shownSeverity(d)}) at ${d.source}:${d.line}: ${String(d.evidence[0]).slice(0, 160)}`;
}

function shownSeverity(d: Record<string, any>): string {
  return d.note ? `${d.severity}, ${d.note}` : d.severity;
}
