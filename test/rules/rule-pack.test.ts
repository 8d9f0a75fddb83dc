// Every rule in rules/ loads, and passes its own tests through the real engine: the lines it must match (with captures)
// and must not, and the scenario and fix each of its scenario tests' logs gets (what `rules test` runs).
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/rules/load.js';
import { testRule } from '../../src/diagnose/rule-tests.js';

const rules = loadRules();

describe('rule pack', () => {
  it('loads at least the foundation rule', () => {
    expect(rules.map((r) => r.id)).toContain('docker-pull-access-denied');
  });

  for (const rule of rules) {
    it(`${rule.id} passes its own tests`, () => {
      expect(testRule(rule)).toEqual([]);
    });
  }
});
