// Every rule in rules/ loads, and passes its own match / no-match tests through the real engine.
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
