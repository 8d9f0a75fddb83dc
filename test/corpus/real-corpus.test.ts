// The real-log corpus: every expectation holds unless marked known-miss, and every known-miss mark still misses.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { loadRuleSet } from '../../src/rules/rule-set.js';
import { ROOT } from '../helpers/cli.js';
// @ts-expect-error -- plain ESM module shared with scripts/corpus.mjs (no type declarations)
import { checksFor, formatScore, grade, ratchetProblems, scoreCorpus } from './score.mjs';

const DIR = join(ROOT, 'test', 'fixtures', 'real');
/** Issue 8: at least 40 real excerpts. */
const MINIMUM_FILES = 40;

describe('real-log corpus', () => {
  it('has an expectation and a SOURCES.md entry for every fixture, and a fixture for every expectation', async () => {
    const scored = await scoreCorpus(DIR, { analyze, ruleSet: loadRuleSet() });
    expect(scored.problems).toEqual([]);
    expect(scored.results.length).toBeGreaterThanOrEqual(MINIMUM_FILES);
  });

  it('meets every expectation not marked known-miss, and misses every one that is (remove marks that pass)', async () => {
    const scored = await scoreCorpus(DIR, { analyze, ruleSet: loadRuleSet() });
    const problems = scored.results.flatMap(ratchetProblems);
    expect(problems, formatScore(scored)).toEqual([]);
  });
});

describe('corpus grades', () => {
  const job = (rule: string, severity = 'error', scenario = 'unknown') => ({
    ctx: { build: 'P-J-1', agent: { type: 'remote', os: 'linux' }, agentHomeDir: null, runner: { kind: 'agent' } },
    diagnoses: [{ rule, severity, scenario }],
  });
  const graded = (expectation: object, jobs: object[]) => {
    const { checks, got } = checksFor(expectation, { jobs, failed: [] });
    return grade(expectation, checks, got);
  };

  it('right: every expected rule, nothing else, context right', () => {
    expect(graded({ errors: ['a'], build: 'P-J-1' }, [job('a')])).toBe('right');
    expect(graded({ errors: [] }, [job('b', 'warning')])).toBe('right');
  });

  it('partly: a wrong context field, a missing second rule, or an extra error', () => {
    expect(graded({ errors: ['a'], build: 'P-J-2' }, [job('a')])).toBe('partly');
    expect(graded({ errors: ['a', 'b'] }, [job('a')])).toBe('partly');
    expect(graded({ errors: ['a'] }, [job('a'), job('c')])).toBe('partly');
    expect(graded({ errors: ['a'], scenario: { a: 'docker-runner' } }, [job('a')])).toBe('partly');
  });

  it('missed: none of the expected rules, at most the generic exit-code rule', () => {
    expect(graded({ errors: ['a'] }, [])).toBe('missed');
    expect(graded({ errors: ['a'] }, [job('task-nonzero-exit')])).toBe('missed');
  });

  it('a file the reader refused is not right, even with no error expected', () => {
    const { checks, got } = checksFor({ errors: [] }, { jobs: [], failed: ['x.log: not valid JSON'] });
    expect(checks.find((c: { id: string }) => c.id === 'read').pass).toBe(false);
    expect(grade({ errors: [] }, checks, got)).toBe('partly');
  });

  it('false: an error where none is expected, or another specific rule instead of the expected one', () => {
    expect(graded({ errors: [] }, [job('task-nonzero-exit')])).toBe('false');
    expect(graded({ errors: ['a'] }, [job('c')])).toBe('false');
  });
});

describe('known-miss ratchet', () => {
  const result = (pass: boolean, knownMiss: Record<string, string>) => ({
    file: 'f.log',
    checks: [{ id: 'errors', pass, expected: ['a'], actual: pass ? ['a'] : [] }],
    knownMiss,
  });

  it('accepts a failing check only while it is marked', () => {
    expect(ratchetProblems(result(false, { errors: 'rule a not in the pack yet' }))).toEqual([]);
    expect(ratchetProblems(result(false, {}))).toEqual(['f.log: errors expected ["a"], got []']);
  });

  it('asks to remove a mark once the check passes, and refuses marks that name no check', () => {
    expect(ratchetProblems(result(true, { errors: 'old reason' }))[0]).toMatch(/errors now passes: remove its known-miss mark/);
    expect(ratchetProblems(result(true, { build: 'x' }))).toEqual(['f.log: known-miss "build" names no check of this file']);
  });
});
