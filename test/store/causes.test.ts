// Cause lines in SQLite and PostgreSQL: stored with their signature, and ranked again when a green build of the job
// comes later (the same function ranks them in both).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { loadRuleSet } from '../../src/rules/rule-set.js';
import { Store } from '../../src/store/store.js';
import { PgStore } from '../../src/store/pg-store.js';
import type { StorePort } from '../../src/store/port.js';
import { DATABASE_KINDS, dropTestDatabases, newDatabase, type TestDb } from '../helpers/databases.js';
import { diagnosis, jobContext } from '../helpers/jobs.js';
import { rankCauses } from '../../src/diagnose/cause-rank.js';
import type { CauseCandidate } from '../../src/model.js';
import { signatureOf, templateOf } from '../../src/diagnose/signature.js';
import { bambooLog } from '../helpers/bamboo-log.js';
import { tempDir } from '../helpers/cli.js';

// GENERATED logs: a Helm deploy that fails, whose output also holds a line every run of the job prints.
const NOISY = 'Error: plugin "diff" exited with error (ignored, diff is optional)';
const REAL = 'Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress';

function logs(dir: string) {
  const failed = join(dir, 'a-failed.log');
  const green = join(dir, 'b-green.log');
  writeFileSync(failed, bambooLog({ key: 'OPS-HELM-DEPLOY-20', tasks: [{ name: 'Deploy', lines: [['error', REAL], 'Release "api" rollout started', ['error', NOISY]], exit: 1 }] }));
  writeFileSync(green, bambooLog({ key: 'OPS-HELM-DEPLOY-21', tasks: [{ name: 'Deploy', lines: ['Release "api" has been upgraded.', ['error', NOISY]] }] }));
  return { failed, green };
}

afterAll(dropTestDatabases);

const ruleSet = loadRuleSet();

describe.each(DATABASE_KINDS)('cause lines in %s', (kind) => {
  const open = async (): Promise<{ t: TestDb; store: StorePort }> => {
    const t = await newDatabase(kind);
    return { t, store: kind === 'sqlite' ? new Store(t.db) : await PgStore.open(t.db) };
  };
  const stored = async (t: TestDb) => {
    const [row] = await t.query(
      "SELECT d.cause, d.signature, d.fix, b.signature AS build_signature FROM diagnoses d JOIN builds b ON b.id = d.build_id WHERE d.rule = 'task-nonzero-exit'",
    );
    return {
      cause: JSON.parse(row.cause as string) as { line: number; text: string; seenInGreen?: true }[],
      signature: row.signature as string,
      buildSignature: row.build_signature as string,
      fix: row.fix as string,
    };
  };

  it('a failed build read before a green build of its job is ranked again once the green one is read', async () => {
    const { failed, green } = logs(tempDir());
    const { t, store } = await open();
    await analyze({ paths: [failed], ruleSet, store, sinks: [] });
    // Alone, the later line is the nearer of two equally telling ones.
    const before = await stored(t);
    expect(before.cause.map((c) => c.text)).toEqual([NOISY, REAL]);
    expect(before.signature).toBe(signatureOf(templateOf(NOISY)));
    await analyze({ paths: [green], ruleSet, store, sinks: [] });
    const after = await stored(t);
    expect(after.cause).toEqual([
      { line: 6, text: REAL },
      { line: 8, text: NOISY, seenInGreen: true },
    ]);
    expect(after.signature).toBe(signatureOf(templateOf(REAL)));
    expect(after.buildSignature).toBe(after.signature);
    expect(await t.query('SELECT template FROM signatures WHERE hash = ?', after.signature)).toEqual([{ template: templateOf(REAL) }]);
    expect(after.fix).toContain(`failed on: ${REAL}`);
    expect(after.fix).not.toContain(`failed on: ${NOISY}`);
    await store.close();
  });

  it('the green build read first makes the same ranking at once, and keeps one sample line per template', async () => {
    const { failed, green } = logs(tempDir());
    const { t, store } = await open();
    await analyze({ paths: [green, failed], ruleSet, store, sinks: [] });
    expect((await stored(t)).cause[0].text).toBe(REAL);
    expect(await t.query('SELECT plan, job, sample, first_build FROM green_lines')).toEqual([
      { plan: 'OPS-HELM', job: 'DEPLOY', sample: NOISY, first_build: 'OPS-HELM-DEPLOY-21' },
    ]);
    await store.close();
  });

  it('two writers (two machines) adding different green lines of a job at once: its stored cause ends ranked with both', async () => {
    const { t, store } = await open();
    const other = kind === 'sqlite' ? new Store(t.db) : await PgStore.open(t.db);
    const candidate = (line: number, text: string, weight: number): CauseCandidate => {
      const template = templateOf(text);
      return { line, text, template, hash: signatureOf(template), weight, distance: 1, frame: false };
    };
    const [a, b, c] = [candidate(4, 'Error: cache A is stale', 3), candidate(5, 'Error: mirror B answered 503', 2), candidate(6, 'Error: the real failure', 1)];
    const jobs = Array.from({ length: 8 }, (_, i) => `J${i}`);
    for (const job of jobs) {
      const ranked = rankCauses([a, b, c]);
      const d = diagnosis('task-nonzero-exit', { plan: 'A-B', job, build: `A-B-${job}-1`, cause: ranked.cause, causePool: [a, b, c], signature: ranked.signature!, template: ranked.template! });
      await store.write([{ kind: 'job', sourceId: null, sourcePath: 'x.log', ctx: jobContext(`A-B-${job}-1`, { job, finished: true }), ordinal: 0, diagnoses: [d] }]);
    }
    const green = (writer: StorePort, job: string, line: CauseCandidate) =>
      writer.write([{ kind: 'green', plan: 'A-B', job, build: `A-B-${job}-2`, green: new Map([[line.hash, { template: line.template, text: line.text }]]) }]);
    await Promise.all(jobs.flatMap((job) => [green(store, job, a), green(other, job, b)]));
    const rows = await t.query("SELECT job, cause, signature FROM diagnoses WHERE rule = 'task-nonzero-exit' ORDER BY job");
    expect(rows.map((r) => ({ job: r.job, cause: JSON.parse(r.cause as string), signature: r.signature }))).toEqual(
      jobs.map((job) => ({
        job,
        cause: [{ line: 6, text: c.text }, { line: 4, text: a.text, seenInGreen: true }, { line: 5, text: b.text, seenInGreen: true }],
        signature: c.hash,
      })),
    );
    await Promise.all([store.close(), other.close()]);
  });
});
