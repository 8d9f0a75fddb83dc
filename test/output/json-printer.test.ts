// `--format json` is written element by element: the same bytes as one JSON.stringify of the array, valid when empty.
import { describe, expect, it } from 'vitest';
import { emptyContext, type Diagnosis } from '../../src/model.js';
import { printer, toRecord } from '../../src/output/printers.js';

function diagnosis(n: number): Diagnosis {
  const ctx = emptyContext();
  return {
    rule: `rule-${n}`, title: 'A "quoted" title', severity: 'error', category: 'test', scenario: 'any', build: `A-B-J-${n}`, plan: 'A-B', job: 'J', number: n,
    agent: ctx.agent, runner: { kind: 'docker', image: 'img:1', volumes: [{ host: '/a', container: '/b' }] }, task: null, source: 'x.log', line: n,
    time: null, evidence: ['line one\nwith a newline', '</script>'], captures: { image: 'img' }, count: 1, fix: 'step 1\n  step 2', ruleVersion: 'abc',
  };
}

function print(ds: Diagnosis[]): string {
  let out = '';
  const p = printer('json', (s) => void (out += s));
  for (const d of ds) p.diagnosis!(d, emptyContext());
  p.finish();
  return out;
}

describe('the json printer', () => {
  it('writes what JSON.stringify(records, null, 2) writes, for none, one and several diagnoses', () => {
    for (const n of [0, 1, 3]) {
      const ds = Array.from({ length: n }, (_, i) => diagnosis(i + 1));
      const out = print(ds);
      expect(out).toBe(`${JSON.stringify(ds.map(toRecord), null, 2)}\n`);
      expect(JSON.parse(out)).toHaveLength(n);
    }
  });

  it('has written each diagnosis before the end (nothing is held back but the closing bracket)', () => {
    let out = '';
    const p = printer('json', (s) => void (out += s));
    p.diagnosis!(diagnosis(1), emptyContext());
    expect(out).toContain('"rule": "rule-1"');
    expect(out.endsWith(']\n')).toBe(false);
  });
});
