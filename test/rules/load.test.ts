import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/rules/load.js';
import { tempDir } from '../helpers/cli.js';
import { RuleError } from '../../src/errors.js';

const GOOD = `id: my-rule
title: A rule
severity: error
category: test
keywords: [boom]
patterns: ['boom (?<what>\\w+)']
scenarios:
  - id: any
    title: Anywhere
    fix: "Fix {{what}} on {{agent.name|the agent}}"
tests:
  match: [{ line: boom x, captures: { what: x } }]
  no-match: [bang]
`;

function loadOne(text: string, name = 'my-rule.yaml'): () => unknown {
  const dir = tempDir();
  writeFileSync(join(dir, name), text);
  return () => loadRules([dir]);
}

function errorOf(fn: () => unknown): RuleError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RuleError) return e;
    throw e;
  }
  throw new Error('no RuleError thrown');
}

describe('loadRules', () => {
  it('loads a valid rule with its version hash and capture names', () => {
    const [rule] = loadOne(GOOD)() as ReturnType<typeof loadRules>;
    expect(rule).toMatchObject({ id: 'my-rule', severity: 'error', captureNames: ['what'] });
    expect(rule.version).toMatch(/^[0-9a-f]{12}$/);
  });

  it('names the file and the field of a schema error', () => {
    const e = errorOf(loadOne(GOOD.replace('severity: error', 'severity: fatal')));
    expect(e.message).toMatch(/my-rule\.yaml: severity: /);
    expect(e.field).toBe('severity');
  });

  it('requires the id to be the file name', () => {
    expect(errorOf(loadOne(GOOD, 'other-name.yaml')).message).toMatch(/other-name\.yaml: id: 'my-rule' must equal the file name 'other-name'/);
  });

  it('reports a pattern that does not compile', () => {
    expect(errorOf(loadOne(GOOD.replace("'boom (?<what>\\w+)'", "'boom (unclosed'"))).message).toMatch(/patterns\.0: pattern does not compile/);
  });

  it('reports an unknown placeholder and an unknown condition field', () => {
    expect(errorOf(loadOne(GOOD.replace('{{what}}', '{{nope}}'))).message).toMatch(/scenarios\.0\.fix: unknown placeholder \{\{nope\}\}/);
    const bad = GOOD.replace('    title: Anywhere', '    title: Anywhere\n    when: { agent.flavour: sweet }');
    expect(errorOf(loadOne(bad)).message).toMatch(/scenarios\.0\.when\.agent\.flavour: unknown field/);
    const badValue = GOOD.replace('    title: Anywhere', '    title: Anywhere\n    when: { runner.kind: podman }');
    expect(errorOf(loadOne(badValue)).message).toMatch(/'podman' is not one of docker, agent, unknown/);
  });

  it('reports YAML syntax errors with the line, and duplicate ids across folders', () => {
    expect(errorOf(loadOne('id: [unclosed\n')).message).toMatch(/my-rule\.yaml: YAML error at line/);
    const a = tempDir();
    const b = tempDir();
    writeFileSync(join(a, 'my-rule.yaml'), GOOD);
    mkdirSync(join(b, 'sub'));
    writeFileSync(join(b, 'my-rule.yml'), GOOD);
    expect(errorOf(() => loadRules([a, b])).message).toMatch(/duplicate rule id 'my-rule'/);
  });

  it('allows any-order only on a rule of exactly two steps', () => {
    expect(errorOf(loadOne(GOOD.replace('keywords: [boom]', 'any-order: true\nkeywords: [boom]'))).message).toMatch(/any-order: needs exactly one followed-by step/);
  });

  it('reports a missing rules folder', () => {
    expect(errorOf(() => loadRules(['/no/such/rules'])).message).toMatch(/\/no\/such\/rules: no such rules file or folder/);
  });
});
