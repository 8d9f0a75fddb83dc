// analyze() counts diagnoses by severity; with keepDiagnoses: false it keeps none of them (flat memory for the CLI).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/analyze.js';
import { loadRuleSet } from '../src/rules/rule-set.js';
import { ROOT } from './helpers/cli.js';

const ruleSet = loadRuleSet();
const paths = [join(ROOT, 'samples', 'agent-environment.log'), join(ROOT, 'test', 'fixtures', 'qa', 'fail-on-warning.log')];

describe('analyze result', () => {
  it('counts each severity, and keeps the diagnoses unless told not to', async () => {
    const kept = await analyze({ paths, ruleSet, store: null, sinks: [] });
    expect(kept.severities).toEqual({ error: 1, warning: 1, info: 1 });
    expect(kept.diagnoses.map((d) => d.severity).sort()).toEqual(['error', 'info', 'warning']);
    const counted = await analyze({ paths, ruleSet, store: null, sinks: [], keepDiagnoses: false });
    expect(counted.severities).toEqual(kept.severities);
    expect(counted.diagnoses).toEqual([]);
    expect(counted.builds).toBe(2);
  });
});
