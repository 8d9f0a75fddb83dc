// Cause lines in SQLite: stored with their signature, and ranked again when a green build of the job comes later.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { loadRuleSet } from '../../src/rules/rule-set.js';
import { Store } from '../../src/store/store.js';
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

const stored = (store: Store) =>
  store.db.prepare("SELECT d.cause, d.signature, b.signature AS buildSignature FROM diagnoses d JOIN builds b ON b.id = d.build_id WHERE d.rule = 'task-nonzero-exit'").get() as {
    cause: string;
    signature: string;
    buildSignature: string;
  };

describe('cause lines in the database', () => {
  it('a failed build read before a green build of its job is ranked again once the green one is read', async () => {
    const dir = tempDir();
    const { failed, green } = logs(dir);
    const store = new Store(join(dir, 'h.db'));
    const ruleSet = loadRuleSet();
    await analyze({ paths: [failed], ruleSet, store, sinks: [] });
    // Alone, the later line is the nearer of two equally telling ones.
    expect(JSON.parse(stored(store).cause).map((c: { text: string }) => c.text)).toEqual([NOISY, REAL]);
    await analyze({ paths: [green], ruleSet, store, sinks: [] });
    const after = stored(store);
    expect(JSON.parse(after.cause)).toEqual([
      { line: 6, text: REAL },
      { line: 8, text: NOISY, seenInGreen: true },
    ]);
    expect(after.signature).toBe(signatureOf(templateOf(REAL)));
    expect(after.buildSignature).toBe(after.signature);
    expect(store.db.prepare('SELECT template FROM signatures WHERE hash = ?').pluck().get(after.signature)).toBe(templateOf(REAL));
    expect(store.db.prepare("SELECT fix FROM diagnoses WHERE rule = 'task-nonzero-exit'").pluck().get()).toContain(`failed on: ${REAL}`);
    store.close();
  });

  it('the green build read first makes the same ranking at once, and keeps one sample line per template', async () => {
    const dir = tempDir();
    const { failed, green } = logs(dir);
    const store = new Store(join(dir, 'h.db'));
    await analyze({ paths: [green, failed], ruleSet: loadRuleSet(), store, sinks: [] });
    expect(JSON.parse(stored(store).cause)[0].text).toBe(REAL);
    expect(store.db.prepare('SELECT plan, job, sample, first_build FROM green_lines').all()).toEqual([
      { plan: 'OPS-HELM', job: 'DEPLOY', sample: NOISY, first_build: 'OPS-HELM-DEPLOY-21' },
    ]);
    store.close();
  });
});
