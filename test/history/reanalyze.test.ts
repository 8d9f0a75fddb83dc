// How reanalyze decides, per build, which stored diagnoses to replace, add, delete or leave alone.
import { describe, expect, it } from 'vitest';
import { planChanges } from '../../src/history/reanalyze.js';
import { contextOf, diagnosisOf } from './fixture.js';

const ctx = contextOf({ key: 'A-P-J1-1', agent: ['lin-1', 'remote'], runner: 'docker', state: 'failed', started: '2025-10-06T10:00:00' });
const fresh = (rule: string, version: string) => ({ ...diagnosisOf(ctx, rule, 'error', 's', '2025-10-06T10:05:00'), ruleVersion: version });

describe('planChanges', () => {
  it('replaces stale rows, deletes stale rows whose rule stopped firing, adds new ones, leaves current and unloaded rules alone', () => {
    const versions = new Map([['same', 'v1'], ['changed', 'v2'], ['gone', 'v2'], ['new', 'v1']]);
    const stored = [
      { rule: 'same', version: 'v1' },
      { rule: 'changed', version: 'v1' },
      { rule: 'gone', version: 'v1' },
      { rule: 'team-rule', version: 'v9' },
    ];
    const tally = { replaced: 0, added: 0, removed: 0, unchanged: 0, kept: 0 };
    const plan = planChanges(stored, [fresh('same', 'v1'), fresh('changed', 'v2'), fresh('new', 'v1')], versions, tally);
    expect(plan.changed.map((d) => d.rule)).toEqual(['changed', 'new']);
    expect(plan.removed).toEqual(['gone']);
    expect(tally).toEqual({ replaced: 1, added: 1, removed: 1, unchanged: 1, kept: 1 });
  });

  it('changes nothing when every stored row is current', () => {
    const tally = { replaced: 0, added: 0, removed: 0, unchanged: 0, kept: 0 };
    const plan = planChanges([{ rule: 'a', version: 'v1' }], [fresh('a', 'v1')], new Map([['a', 'v1']]), tally);
    expect(plan).toEqual({ changed: [], removed: [] });
    expect(tally.unchanged).toBe(1);
  });
});
