import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../src/model.js';
import { SourceAnalyzer, type JobSummary } from '../../src/diagnose/analyzer.js';
import { parseEnvelope } from '../../src/parse/envelope.js';
import { loadRules } from '../../src/rules/load.js';
import { RuleSet } from '../../src/rules/rule-set.js';
import { tempDir } from '../helpers/cli.js';

const rule = (id: string, body: string) => `id: ${id}
title: ${id}
category: test
${body}
tests:
  match: [{ line: x }]
  no-match: [y]
`;

const dir = tempDir();
writeFileSync(join(dir, 'boom.yaml'), rule('boom', `severity: error\nkeywords: [boom]\npatterns: ['boom (?<n>\\d+)']\nscenarios: [{ id: any, title: any, fix: 'fix {{n}}' }]`));
writeFileSync(
  join(dir, 'generic-exit.yaml'),
  rule('generic-exit', `severity: error\ngeneric: true\nkeywords: [Failing task since return code]\npatterns: ['was (?<code>\\d+) while expected 0']\nscenarios: [{ id: any, title: any, fix: x }]`),
);
writeFileSync(
  join(dir, 'killed.yaml'),
  rule(
    'killed',
    `severity: error\nkeywords: [Killed]\npatterns: ['^Killed$']\nfollowed-by:\n  - keywords: [' 137']\n    patterns: ['was 137 while']\n    within: 3\nscenarios: [{ id: any, title: any, fix: x }]`,
  ),
);
writeFileSync(
  join(dir, 'either.yaml'),
  rule(
    'either',
    `severity: error\nany-order: true\nkeywords: [oom-first]\npatterns: ['oom-first']\nfollowed-by:\n  - keywords: [oom-second]\n    patterns: ['oom-second (?<code>\\d+)']\n    within: 2\nscenarios: [{ id: any, title: any, fix: x }]`,
  ),
);
const ruleSet = new RuleSet(loadRules([dir]));

const T = (msg: string, type = 'simple', time = '03-Nov-2025 09:41:08') => `${type}\t${time}\t${msg}`;
const header = (n: number) => T(`Build A - B #${n} (A-B-JOB1-${n}) started building on agent linux-01`);
const start = (name: string) => T(`Starting task '${name}' of type 'com.atlassian.bamboo.plugins.scripttask:task.builder.script'`);
const finish = (name: string, result: string) => T(`Finished task '${name}' with result: ${result}`);

function run(lines: string[], live = false) {
  const emitted: Diagnosis[] = [];
  const jobs: JobSummary[] = [];
  const at: number[] = [];
  let current = 0;
  const a = new SourceAnalyzer('t.log', ruleSet, [{ diagnosis: (d) => (emitted.push(d), at.push(current)), jobEnd: (j) => void jobs.push(j) }], { live });
  lines.forEach((l, i) => {
    current = i + 1;
    a.line(parseEnvelope(l, i + 1));
  });
  current = -1;
  a.end();
  return { emitted, jobs, at };
}

describe('SourceAnalyzer', () => {
  it('makes one diagnosis per rule and job, with a count, first line and captures', () => {
    const { jobs } = run([header(1), start('t'), T('boom 1', 'error'), T('boom 2', 'error'), T('boom 3', 'error'), finish('t', 'Failed'), T('Finished building A-B-JOB1-1.')]);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].diagnoses).toHaveLength(1);
    expect(jobs[0].diagnoses[0]).toMatchObject({ rule: 'boom', count: 3, line: 3, captures: { n: '1' }, fix: 'fix 1', task: { name: 't' }, severity: 'error' });
  });

  it('keeps several builds in one input apart', () => {
    const { jobs } = run([header(1), T('boom 1', 'error'), header(2), T('boom 2', 'error'), T('boom 3', 'error')]);
    expect(jobs.map((j) => [j.ctx.build, j.diagnoses[0].count])).toEqual([
      ['A-B-JOB1-1', 1],
      ['A-B-JOB1-2', 2],
    ]);
  });

  it('gives no error diagnosis to a build whose tasks all succeeded', () => {
    const { jobs } = run([header(1), start('t'), T('boom 1', 'error'), finish('t', 'Success'), T('Finished building A-B-JOB1-1.')]);
    expect(jobs[0].ctx.state).toBe('successful');
    expect(jobs[0].diagnoses[0]).toMatchObject({ severity: 'info', note: expect.stringContaining('succeeded') });
  });

  it('folds the generic exit-code rule into a specific cause in the same task', () => {
    const { jobs } = run([
      header(1),
      start('a'),
      T('boom 7', 'error'),
      T('Failing task since return code of [x.sh] was 1 while expected 0'),
      finish('a', 'Failed'),
      start('b'),
      T('Failing task since return code of [y.sh] was 2 while expected 0'),
      finish('b', 'Failed'),
    ]);
    const byRule = Object.fromEntries(jobs[0].diagnoses.map((d) => [d.rule, d]));
    expect(byRule['generic-exit']).toMatchObject({ severity: 'info', note: 'explained by boom in the same task' });
    const alone = run([header(1), start('b'), T('Failing task since return code of [y.sh] was 2 while expected 0'), finish('b', 'Failed')]);
    expect(alone.jobs[0].diagnoses[0]).toMatchObject({ rule: 'generic-exit', severity: 'error' });
  });

  it('matches a multi-line rule only within its window', () => {
    const near = run(['Killed', 'x', T('Failing task since return code of [a] was 137 while expected 0')]);
    expect(near.emitted.map((d) => [d.rule, d.line, d.evidence.length])).toContainEqual(['killed', 1, 2]);
    const far = run(['Killed', 'a', 'b', 'c', 'd', T('Failing task since return code of [a] was 137 while expected 0')]);
    expect(far.emitted.map((d) => d.rule)).not.toContain('killed');
  });

  it('live: releases a diagnosis when the job is known to fail, before the input ends', () => {
    const { at } = run([header(1), start('t'), T('boom 1', 'error'), T('more'), finish('t', 'Failed'), T('later'), T('Finished building A-B-JOB1-1.')], true);
    expect(at).toEqual([5]);
  });

  it('live: releases at once when the input shows no build at all', () => {
    expect(run(['x', 'boom 4', 'y'], true).at).toEqual([2]);
  });

  it('batch: waits for the end of the job so the count is final', () => {
    const { emitted, at } = run([header(1), T('boom 1', 'error'), T('boom 1', 'error'), T('Finished building A-B-JOB1-1.')]);
    expect(at).toEqual([4]);
    expect(emitted[0].count).toBe(2);
  });
});

describe('evidence', () => {
  it('keeps a long matched line to its first 2,000 characters', () => {
    const { emitted } = run([`boom 5 ${'x'.repeat(50_000)}`]);
    expect(emitted[0].evidence[0].length).toBe(2001);
    expect(emitted[0].evidence[0].endsWith('…')).toBe(true);
    expect(emitted[0].captures).toEqual({ n: '5' });
  });
});

describe('any-order multi-line rules', () => {
  const either = (lines: string[]) => run(lines).emitted.filter((d) => d.rule === 'either');

  it('match when the second line is logged first (stdout and stderr out of order), evidence in log order', () => {
    const [d] = either(['x', 'oom-second 137', 'oom-first']);
    expect(d).toMatchObject({ line: 2, evidence: ['oom-second 137', 'oom-first'], captures: { code: '137' } });
    expect(either(['oom-first', 'oom-second 9'])[0]).toMatchObject({ line: 1, evidence: ['oom-first', 'oom-second 9'] });
  });

  it('still need both lines within the window', () => {
    expect(either(['oom-second 137', 'a', 'b', 'oom-first'])).toEqual([]);
    expect(either(['oom-second 137'])).toEqual([]);
  });

  it('keep the other multi-line rules in order', () => {
    expect(run([T('Failing task since return code of [a] was 137 while expected 0'), 'Killed']).emitted.map((d) => d.rule)).not.toContain('killed');
  });
});

describe('any-order second lines waiting for a first line', () => {
  it('are dropped once their window has passed, so a long fragment does not pile them up', () => {
    const a = new SourceAnalyzer('t.log', ruleSet, [], { live: true });
    for (let i = 1; i <= 1000; i++) a.line(parseEnvelope(`oom-second ${i}`, i));
    // Private state, read on purpose: the leak is not visible in the output, only in memory.
    const early = (a as unknown as { job: { early: Map<number, unknown[]> } }).job.early;
    const held = [...early.values()].reduce((n, l) => n + l.length, 0);
    expect(held).toBeLessThanOrEqual(3); // the rule's window is 2 lines
    expect(run(['oom-second 1', 'x', 'oom-second 2', 'oom-first']).emitted.filter((d) => d.rule === 'either')[0]).toMatchObject({ line: 3 });
  });
});
