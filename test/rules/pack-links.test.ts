// Severity across rules of the shipped pack: a failure that is the consequence of another is lowered and linked,
// and a required artifact is an error where an optional one is a warning.
import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../src/model.js';
import { loadRules } from '../../src/rules/load.js';
import { RuleSet } from '../../src/rules/rule-set.js';
import { diagnoseLines } from '../../src/diagnose/rule-tests.js';

const ruleSet = new RuleSet(loadRules());
const T = (msg: string, type = 'simple') => `${type}\t03-Nov-2025 09:41:08\t${msg}`;
const find = (ds: Diagnosis[], rule: string) => ds.find((d) => d.rule === rule);
const task = (name: string, type: string, body: string[]) => [T(`Starting task '${name}' of type '${type}'`), ...body, T(`Finished task '${name}' with result: Failed`)];

describe('consequence-of in the shipped rules', () => {
  it('a checkout that fails with code 128 after the server refused the SSH key is the authentication failure', () => {
    const lines = task('Checkout Default Repository', 'com.atlassian.bamboo.plugins.vcs:task.vcs.checkout', [
      T('git@github.com: Permission denied (publickey).', 'error'),
      T('fatal: The remote end hung up unexpectedly', 'error'),
    ]);
    const ds = diagnoseLines(ruleSet, lines);
    expect(find(ds, 'git-authentication-failed')?.severity).toBe('error');
    expect(find(ds, 'git-checkout-failed')).toMatchObject({ severity: 'info', note: 'consequence of git-authentication-failed' });
  });

  it("a plugin's NullPointerException: Capability is the missing capability, not a second error", () => {
    const lines = task('Install packages', 'au.id.wolfe.bamboo.rake-bamboo-plugin:task.builder.bundler', [
      T("Error occurred while running Task 'Install packages(2)' of type au.id.wolfe.bamboo.rake-bamboo-plugin:task.builder.bundler.", 'error'),
      T('java.lang.NullPointerException: Capability', 'error'),
    ]);
    const ds = diagnoseLines(ruleSet, lines);
    expect(find(ds, 'capability-requirement-missing')?.severity).toBe('error');
    expect(find(ds, 'task-plugin-error')).toMatchObject({ severity: 'info', note: 'consequence of capability-requirement-missing' });
  });
});

describe('artifact-publish-failed severity', () => {
  it('is a warning for an artifact that is not required, and an error when the log says it is required', () => {
    const optional = diagnoseLines(ruleSet, [T('Unable to publish artifact [pmd]:'), T("The artifact hasn't been successfully published after 7.241 ms")]);
    expect(find(optional, 'artifact-publish-failed')?.severity).toBe('warning');
    const required = diagnoseLines(ruleSet, [T('Unable to publish artifact [common]: '), T('The artifact is required, build will now fail.')]);
    expect(find(required, 'artifact-publish-failed')).toMatchObject({ severity: 'error', captures: { artifact: 'common', required: 'required' } });
  });
});
