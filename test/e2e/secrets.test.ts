// Secrets on the lines rules hit never reach stdout (any format), the database file or the HTML report, and
// reanalyze masks what an older version stored in clear.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, ndjson } from '../helpers/cli.js';
import { SECRET_LOGS, SECRETS } from '../fixtures/secrets/secrets.js';

const secretValues = Object.values(SECRETS);

/** The secrets (by name) whose bytes occur in a text or file. */
function leaked(text: string | Buffer): string[] {
  const s = typeof text === 'string' ? text : text.toString('latin1');
  return Object.entries(SECRETS)
    .filter(([, v]) => s.includes(v))
    .map(([k]) => k);
}

/** The database file and its WAL, as bytes. */
function dbBytes(db: string): Buffer {
  return Buffer.concat([db, `${db}-wal`].filter(existsSync).map((f) => readFileSync(f)));
}

describe('secrets in logs', () => {
  const dir = tempDir();
  const logs = join(dir, 'logs');
  beforeAll(() => {
    mkdirSync(logs);
    for (const [name, text] of Object.entries(SECRET_LOGS)) writeFileSync(join(logs, name), text);
  });

  it('are masked in text, json and ndjson output and in the database, and the masked text stays readable', async () => {
    for (const format of ['text', 'json', 'ndjson']) {
      const db = join(dir, `${format}.db`);
      const r = await runCli(['analyze', logs, '--format', format, '--db', db]);
      expect(r.code).toBe(1);
      expect(leaked(r.stdout), format).toEqual([]);
      expect(leaked(r.stderr), format).toEqual([]);
      expect(leaked(dbBytes(db)), `${format} database`).toEqual([]);
      expect(r.stdout).toContain('https://jdoe:********@git.example.com/scm/proj/repo.git/');
    }
    const r = await runCli(['analyze', logs, '--format', 'ndjson', '--no-db']);
    const found = ndjson(r.stdout);
    const of = (build: string, rule: string) => found.find((d) => d.build === build && d.rule === rule)!;
    // Each secret line is the evidence of a rule, so the masking is what kept the bytes out.
    expect(of('ACME-DEPLOY-JOB1-1', 'git-authentication-failed').captures.url).toBe('https://jdoe:********@git.example.com/scm/proj/repo.git/');
    expect(of('ACME-DEPLOY-JOB1-1', 'maven-dependency-resolution-failed').evidence[0]).toContain('https://deployer:********@nexus.example.com/');
    expect(of('ACME-DEPLOY-JOB1-1', 'npm-error').captures.command).toContain(':_authToken=********');
    const command = of('ACME-DEPLOY-JOB1-1', 'task-nonzero-exit').captures.command;
    expect(command).toContain('docker login -u jdoe -p ******** registry.example.com');
    expect(command).toContain('Authorization: Bearer ********');
    expect(command).toContain('bamboo_db_password=********');
    expect(of('ACME-DEPLOY-JOB1-2', 'task-nonzero-exit').captures.command).toMatch(/AKIA\*{8} gho_\*{8} github_pat_\*{8} ATBB\*{8} xoxb-\*{8} \*{8}\]?$/);
    expect(of('ACME-DEPLOY-JOB1-3', 'task-nonzero-exit').evidence[0]).toContain('-----BEGIN RSA PRIVATE KEY-----********-----END RSA PRIVATE KEY-----');
  });

  it('are not in the HTML report nor in show', async () => {
    const db = join(dir, 'report.db');
    await runCli(['analyze', logs, '--db', db]);
    const html = join(dir, 'report.html');
    expect((await runCli(['report', '--db', db, '--html', html])).code).toBe(0);
    expect(leaked(readFileSync(html))).toEqual([]);
    expect(readFileSync(html, 'utf8')).toContain('********');
    for (const build of ['ACME-DEPLOY-JOB1-1', 'ACME-DEPLOY-JOB1-2', 'ACME-DEPLOY-JOB1-3']) {
      const shown = await runCli(['show', build, '--db', db, '--format', 'json']);
      expect(shown.code).toBe(0);
      expect(leaked(shown.stdout)).toEqual([]);
    }
  });

  it('that an older version stored in clear are masked by reanalyze, and shown masked before that', async () => {
    const db = join(dir, 'old.db');
    await runCli(['analyze', logs, '--db', db]);
    // What a version without masking stored: the raw evidence, captures and fix, masked = 0.
    const raw = new Database(db);
    const line = SECRET_LOGS['acme-deploy-1.log'].split('\n').find((l) => l.includes('Failing task'))!.split('\t')[2];
    raw.prepare("UPDATE diagnoses SET evidence = ?, captures = ?, fix = ?, masked = 0 WHERE rule = 'task-nonzero-exit'").run(
      JSON.stringify([line]),
      JSON.stringify({ command: line }),
      `Run it by hand: ${line}`,
    );
    raw.close();
    expect(leaked(dbBytes(db)).length).toBeGreaterThan(5);
    const shown = await runCli(['show', 'ACME-DEPLOY-JOB1-1', '--db', db]);
    expect(leaked(shown.stdout)).toEqual([]);
    const r = await runCli(['reanalyze', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^3 stored diagnoses had secrets in clear \(stored by an older version\): masked now$/m);
    expect(leaked(dbBytes(db))).toEqual([]);
    expect(secretValues.length).toBeGreaterThan(15);
  });
});
