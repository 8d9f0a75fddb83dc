// Drafting a rule from a signature: the pattern generalises the template, keywords and tests pass the real engine.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { draftRule, patternOf, type DraftSource } from '../../src/rules/draft.js';
import { loadRuleFile } from '../../src/rules/load.js';
import { testRule } from '../../src/diagnose/rule-tests.js';
import { lintRule } from '../../src/rules/lint.js';
import { templateOf } from '../../src/diagnose/signature.js';
import { tempDir } from '../helpers/cli.js';

// GENERATED lines in the form the Go compiler prints them.
const GO = ['internal/pricing/discount.go:41:9: undefined: roundHalfEven', 'internal/pricing/discount.go:44:9: undefined: roundHalfEven'];

function source(lines: string[], near: DraftSource['near'] = []): DraftSource {
  return { signature: '0123456789abcdef', template: templateOf(lines[0]), lines, near, builds: ['SHOP-API-PRICING-1'], plans: ['SHOP-API'], agents: ['build-linux-01'], first: '2025-11-02T09:41:07', last: '2025-11-06T09:41:07' };
}

/** The draft written as a rule file and loaded, tested and linted by the real engine. */
function check(yaml: string, id: string) {
  const file = join(tempDir(), `${id}.yaml`);
  writeFileSync(file, yaml);
  const rule = loadRuleFile(file);
  return { rule, failures: testRule(rule), findings: lintRule(rule) };
}

describe('patternOf', () => {
  it('turns masks into named captures and anchors a template that starts with one', () => {
    const p = patternOf(templateOf(GO[0]));
    expect(p).toMatch(/^\^\\s\*\(\?<path>/);
    const m = new RegExp(p).exec(GO[1])!;
    expect(m.groups).toEqual({ path: 'internal/pricing/discount.go', num: '44', num2: '9' });
  });

  it('leaves out a decoration before the message and lets white space vary', () => {
    const p = patternOf('│ Error: Error acquiring the state lock');
    expect(p).toBe('Error:\\s+Error\\s+acquiring\\s+the\\s+state\\s+lock');
    expect(new RegExp(p).test('Error:  Error acquiring the state lock')).toBe(true);
  });
});

describe('draftRule', () => {
  it('writes a rule that passes its own tests and lint, with near misses of successful builds first', () => {
    const green = 'internal/pricing/discount_test.go:12: undefined: roundHalfEven is expected here (test of the error path)';
    const draft = draftRule(source(GO, [{ text: 'FAIL\tacme.example/shop/internal/pricing [build failed]', template: 'x', green: false }, { text: green, template: templateOf(green), green: true }]), new Set(), 'my-rules/');
    const doc = parse(draft.yaml);
    expect(draft.id).toBe('undefined-roundhalfeven');
    expect(doc).toMatchObject({ id: draft.id, severity: 'error', keywords: ['undefined: roundHalfEven'], tests: { match: GO.map((line) => ({ line })) } });
    expect(doc.tests['no-match'][0]).toBe(green);
    expect(draft.yaml).not.toContain('made up');
    const { failures, findings } = check(draft.yaml, draft.id);
    expect(failures).toEqual([]);
    expect(findings).toEqual([]);
  });

  it('makes up a near miss from the keyword when no stored line holds it, and says so', () => {
    const draft = draftRule(source(['│ Error: Error acquiring the state lock']), new Set(), 'my-rules/');
    const doc = parse(draft.yaml);
    expect(doc.keywords).toEqual(['Error acquiring the state lock']);
    expect(doc.tests['no-match']).toEqual(['Error acquiring the state lock']);
    expect(draft.yaml).toContain('# tests.no-match[0] is made up');
    expect(check(draft.yaml, draft.id).findings).toEqual([]);
  });

  it('does not reuse an id that is taken', () => {
    expect(draftRule(source(GO), new Set(['undefined-roundhalfeven', 'undefined-roundhalfeven-2']), 'x/').id).toBe('undefined-roundhalfeven-3');
  });
});
