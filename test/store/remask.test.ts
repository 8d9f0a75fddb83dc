// reanalyze masks every text from the log that an older masking stored, on SQLite and PostgreSQL: diagnoses' cause
// lines and their pool, green lines' samples and templates, signatures' templates (evidence, captures and fix: see
// test/e2e/secrets.test.ts); and the SQLite file, WAL included, no longer holds the secret's bytes. Until then
// show, history's signature groups and the report mask them on the way out.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { bambooLog } from '../helpers/bamboo-log.js';
import { DATABASE_KINDS, dropTestDatabases, newDatabase, type TestDb } from '../helpers/databases.js';

afterAll(dropTestDatabases);

// GENERATED logs (as test/store/causes.test.ts): a failed Helm deploy, and a green one of its job with the same noise.
const NOISY = 'Error: plugin "diff" exited with error (ignored, diff is optional)';
const REAL = 'Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress';
// What a version that masked less stored in clear.
const PASSWORD = 'Hunter2secret';
const TOKEN = 'ghp_ABCdef0123456789ABCdef0123456789ABCD';
const LEAKS = [PASSWORD, TOKEN];
const WITH_PASSWORD = `Error: login failed password=${PASSWORD}`;
const WITH_TOKEN = `remote: token ${TOKEN} rejected`;

/** Runs a statement that writes, as an older version would have (the test helpers' queries only read SQLite). */
async function write(t: TestDb, sql: string, ...params: unknown[]): Promise<void> {
  if (t.kind === 'postgres') return void (await t.query(sql, ...params));
  const db = new Database(t.db);
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

/** The database file and its WAL, as bytes. */
const fileBytes = (db: string) => Buffer.concat([db, `${db}-wal`].filter(existsSync).map((f) => readFileSync(f))).toString('latin1');

describe.each(DATABASE_KINDS)('remask in %s', (kind) => {
  it('masks cause lines, their pool, green lines and signatures that an older masking stored, once', async () => {
    const dir = tempDir();
    const logs = [join(dir, 'a-failed.log'), join(dir, 'b-green.log')];
    writeFileSync(logs[0], bambooLog({ key: 'OPS-HELM-DEPLOY-20', tasks: [{ name: 'Deploy', lines: [['error', REAL], 'Release "api" rollout started', ['error', NOISY]], exit: 1 }] }));
    writeFileSync(logs[1], bambooLog({ key: 'OPS-HELM-DEPLOY-21', tasks: [{ name: 'Deploy', lines: ['Release "api" has been upgraded.', ['error', NOISY]] }] }));
    const t = await newDatabase(kind);
    expect((await runCli(['analyze', ...logs, '--db', t.db])).code).toBe(1);
    for (const log of logs) rmSync(log); // only the masking can change the rows below
    const candidate = (line: number, text: string, hash: string) => ({ line, text, template: text, hash, weight: 3, distance: 1, frame: false });
    await write(t, "UPDATE diagnoses SET cause = ?, cause_pool = ?, masked = 0 WHERE rule = 'task-nonzero-exit'",
      JSON.stringify([{ line: 6, text: WITH_PASSWORD }, { line: 8, text: WITH_TOKEN, seenInGreen: true }]),
      JSON.stringify([candidate(6, WITH_PASSWORD, 'h1'), candidate(8, WITH_TOKEN, 'h2')]));
    await write(t, 'UPDATE green_lines SET sample = ?, template = ?, masked = 0', WITH_PASSWORD, WITH_TOKEN);
    await write(t, 'UPDATE signatures SET template = ?, masked = 0', WITH_TOKEN);
    if (kind === 'sqlite') expect(LEAKS.filter((s) => fileBytes(t.db).includes(s))).toEqual(LEAKS);
    // Shown masked before reanalyze rewrites them.
    const shown = await runCli(['show', 'OPS-HELM-DEPLOY-20', '--db', t.db]);
    expect(shown.stdout).toContain('password=********');
    expect(LEAKS.filter((s) => shown.stdout.includes(s))).toEqual([]);
    // And by history's signature groups and the report (the template and the sample cause line), as show does.
    const bySignature = await runCli(['history', '--by', 'signature', '--since', '3650d', '--db', t.db, '--format', 'json']);
    expect(bySignature.stdout).toContain('ghp_********');
    expect(bySignature.stdout).toContain('password=********');
    expect(LEAKS.filter((s) => bySignature.stdout.includes(s))).toEqual([]);
    const page = join(dir, 'report.html');
    expect((await runCli(['report', '--html', page, '--since', '3650d', '--db', t.db])).code).toBe(0);
    expect(readFileSync(page, 'utf8')).toContain('ghp_********');
    expect(LEAKS.filter((s) => readFileSync(page, 'utf8').includes(s))).toEqual([]);

    const r = await runCli(['reanalyze', '--db', t.db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^1 stored diagnosis had secrets in clear \(stored by an older version\): masked now$/m);
    const signatures = (await t.query('SELECT count(*) AS n FROM signatures'))[0].n as number;
    expect(signatures).toBeGreaterThan(0);
    expect(r.stdout).toContain(`${1 + signatures} stored lines of successful builds or failure signatures had secrets in clear`);

    const [d] = await t.query("SELECT cause, cause_pool FROM diagnoses WHERE rule = 'task-nonzero-exit'");
    expect(JSON.parse(d.cause as string)).toEqual([{ line: 6, text: 'Error: login failed password=********' }, { line: 8, text: 'remote: token ghp_******** rejected', seenInGreen: true }]);
    expect(JSON.parse(d.cause_pool as string)).toEqual([
      candidate(6, 'Error: login failed password=********', 'h1'),
      candidate(8, 'remote: token ghp_******** rejected', 'h2'),
    ]);
    expect(await t.query('SELECT sample, template, masked FROM green_lines')).toEqual([
      { sample: 'Error: login failed password=********', template: 'remote: token ghp_******** rejected', masked: 1 },
    ]);
    expect(new Set((await t.query('SELECT template, masked FROM signatures')).map((s) => JSON.stringify(s)))).toEqual(
      new Set([JSON.stringify({ template: 'remote: token ghp_******** rejected', masked: 1 })]),
    );
    const everything = JSON.stringify(await t.query('SELECT * FROM diagnoses')) + JSON.stringify(await t.query('SELECT * FROM green_lines'));
    expect(LEAKS.filter((s) => everything.includes(s))).toEqual([]);
    if (kind === 'sqlite') expect(LEAKS.filter((s) => fileBytes(t.db).includes(s))).toEqual([]);

    // Marked with the masking they went through: a second run has nothing to mask.
    const again = await runCli(['reanalyze', '--db', t.db]);
    expect(again.stdout).not.toMatch(/masked now/);
  });

  it('marks the rows it leaves as they were (no secret in them) with the masking they went through', async () => {
    const t = await newDatabase(kind);
    await runCli(['analyze', 'samples', '--db', t.db]);
    for (const table of ['diagnoses', 'green_lines', 'signatures']) await write(t, `UPDATE ${table} SET masked = 0`);
    const counts = async () => Promise.all(['diagnoses', 'green_lines', 'signatures'].map(async (table) => (await t.query(`SELECT count(*) AS n FROM ${table}`))[0].n));
    const [diagnoses, green, signatures] = await counts();
    expect([diagnoses, green, signatures].every((n) => (n as number) > 1)).toBe(true);
    const before = await t.query('SELECT id, evidence, captures, fix, cause, cause_pool FROM diagnoses ORDER BY id');
    const r = await runCli(['reanalyze', '--db', t.db]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/masked now/);
    for (const table of ['diagnoses', 'green_lines', 'signatures']) {
      expect(await t.query(`SELECT count(*) AS n FROM ${table} WHERE masked = 0`), table).toEqual([{ n: 0 }]);
    }
    expect(await t.query('SELECT id, evidence, captures, fix, cause, cause_pool FROM diagnoses ORDER BY id')).toEqual(before);
  });
});
