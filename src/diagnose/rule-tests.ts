// Runs a rule's own tests (lines it must match, with captures; lines it must not; the scenario a log gets) through
// the real engine.

import type { Diagnosis } from '../model.js';
import { SourceAnalyzer, type AnalyzerOptions } from './analyzer.js';
import { parseEnvelope } from '../parse/envelope.js';
import type { Rule } from '../rules/load.js';
import { RuleSet } from '../rules/rule-set.js';
import type { ScenarioTest } from '../rules/schema.js';
import { applyTestContext } from '../rules/test-context.js';

export interface RuleTestFailure {
  rule: string;
  file: string;
  /** Which test: `match[2]`, `no-match[0]` or `scenarios[1]`. */
  test: string;
  expected: string;
  lines: string[];
}

/** Feeds lines, as a log fragment, through the prefilter, the patterns and the multi-line windows. */
export function diagnoseLines(ruleSet: RuleSet, lines: string[], options: AnalyzerOptions = {}): Diagnosis[] {
  const found: Diagnosis[] = [];
  const analyzer = new SourceAnalyzer('<test>', ruleSet, [{ diagnosis: (d) => void found.push(d) }], options);
  lines.forEach((text, i) => analyzer.line(parseEnvelope(text, i + 1)));
  analyzer.end();
  return found;
}

export function testRule(rule: Rule): RuleTestFailure[] {
  const ruleSet = new RuleSet([rule]);
  const failures: RuleTestFailure[] = [];
  const fail = (test: string, expected: string, lines: string[]) =>
    failures.push({ rule: rule.id, file: rule.file, test, expected, lines });
  rule.tests.match.forEach((t, i) => {
    const lines = t.lines ?? [t.line!];
    const hit = diagnoseLines(ruleSet, lines).find((d) => d.rule === rule.id);
    if (!hit) return fail(`match[${i}]`, 'the rule matches', lines);
    for (const [name, value] of Object.entries(t.captures ?? {})) {
      if (hit.captures[name] !== value) {
        fail(`match[${i}]`, `capture ${name} = ${JSON.stringify(value)}, got ${JSON.stringify(hit.captures[name] ?? null)}`, lines);
      }
    }
  });
  rule.tests['no-match'].forEach((t, i) => {
    const lines = typeof t === 'string' ? [t] : t.lines;
    if (diagnoseLines(ruleSet, lines).some((d) => d.rule === rule.id)) fail(`no-match[${i}]`, 'the rule does not match', lines);
  });
  (rule.tests.scenarios ?? []).forEach((t, i) => {
    for (const expected of scenarioTestFailures(ruleSet, rule.id, t)) fail(`scenarios[${i}]`, expected, scenarioTestLines(t));
  });
  return failures;
}

/** A scenario test's log as lines (a `log` block's last newline ends its last line). */
export function scenarioTestLines(t: ScenarioTest): string[] {
  return t.lines ?? t.log!.replace(/\r?\n$/, '').split(/\r?\n/);
}

/** What a scenario test expected and did not get: the rule's diagnosis, its scenario, the words of its fix. */
function scenarioTestFailures(ruleSet: RuleSet, ruleId: string, t: ScenarioTest): string[] {
  const lines = scenarioTestLines(t);
  const enrich = (ctx: Parameters<typeof applyTestContext>[0]) => applyTestContext(ctx, t.context);
  // Several jobs in one test log: the last diagnosis of the rule is the one the test is about.
  const hit = diagnoseLines(ruleSet, lines, { enrich }).findLast((d) => d.rule === ruleId);
  if (!hit) return ['the rule matches'];
  const candidates = hit.candidates ? ` (candidates ${hit.candidates.join(', ')})` : '';
  if (hit.scenario !== t.expect.scenario) return [`scenario ${t.expect.scenario}, got ${hit.scenario}${candidates}`];
  if (!offeredInOrder(t.expect.candidates ?? [], hit.candidates ?? [])) {
    return [`candidates to include ${t.expect.candidates!.join(', ')} in that order, got${candidates || ' none'}`];
  }
  const missing = asList(t.expect['fix-includes']).filter((s) => !hit.fix.includes(s));
  const present = asList(t.expect['fix-excludes']).filter((s) => hit.fix.includes(s));
  return [
    ...missing.map((s) => `the fix includes ${JSON.stringify(s)}`),
    ...present.map((s) => `the fix does not include ${JSON.stringify(s)}`),
  ];
}

/** The expected candidates are among those offered, in the same order (the rule's order, which the fix lists). */
function offeredInOrder(expected: string[], offered: string[]): boolean {
  let at = 0;
  for (const c of expected) {
    at = offered.indexOf(c, at);
    if (at < 0) return false;
    at++;
  }
  return true;
}

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
