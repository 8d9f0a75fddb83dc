// The bench's ripgrep baseline: each rule pattern ripgrep takes must match the same lines as the JavaScript one.
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without types (the bench's own helper)
import { toRipgrep } from '../../bench/lib/rg-patterns.mjs';
import { loadRules } from '../../src/rules/load.js';

const hasRipgrep = spawnSync('rg', ['--version']).status === 0;
const rules = loadRules();
const patterns = rules.flatMap((rule) => rule.steps.flatMap((step) => step.patterns.map((p) => ({ rule, re: p.re }))));
/** Every test line of a rule, the near misses too: where the two engines would disagree if anywhere. */
const linesOf = (rule: (typeof rules)[number]) => [
  ...rule.tests.match.flatMap((t) => t.lines ?? [t.line!]),
  ...rule.tests['no-match'].flatMap((t) => (typeof t === 'string' ? [t] : t.lines)),
];

describe.skipIf(!hasRipgrep)('toRipgrep (bench/lib/rg-patterns.mjs)', () => {
  let translated: ((typeof patterns)[number] & { rg: string | null })[] = [];
  beforeAll(() => {
    translated = patterns.map((p) => ({ ...p, rg: toRipgrep(p.re) as string | null }));
  });

  it('matches exactly the rule test lines that the JavaScript pattern matches', () => {
    let compared = 0;
    for (const { rule, re, rg } of translated) {
      if (rg === null) continue;
      const lines = linesOf(rule);
      const run = spawnSync('rg', ['-n', '--no-filename', '-e', rg, '-'], { input: `${lines.join('\n')}\n`, encoding: 'utf8' });
      const byRipgrep = run.stdout.split('\n').filter(Boolean).map((l) => Number(l.slice(0, l.indexOf(':'))));
      const byJavaScript = lines.flatMap((line, i) => (re.test(line) ? [i + 1] : []));
      expect(byRipgrep, `${rule.id}: ${re.source}`).toEqual(byJavaScript);
      compared++;
    }
    expect(compared).toBeGreaterThan(patterns.length / 2);
  });

  it('is taken by ripgrep as one pattern file (-f joins the lines: a flag of one must not reach the next)', () => {
    const kept = translated.filter(({ rg }) => rg !== null).map(({ rg }) => rg);
    const run = spawnSync('rg', ['-c', '-f', '-', '/dev/null'], { input: `${kept.join('\n')}\n`, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1); // no match in an empty file, and no error (2)
  });

  it('leaves out only the patterns with look-around or a back-reference, which ripgrep cannot compile', () => {
    const left = translated.filter(({ rg }) => rg === null);
    for (const { rule, re } of left) expect(re.source, rule.id).toMatch(/\(\?<?[=!]|\\[1-9]|\\k</);
  });
});
