// Runs a rule's own tests (lines it must match, with captures; lines it must not) through the real engine.

import type { Diagnosis } from '../model.js';
import { SourceAnalyzer } from './analyzer.js';
import { parseEnvelope } from '../parse/envelope.js';
import type { Rule } from '../rules/load.js';
import { RuleSet } from '../rules/rule-set.js';

export interface RuleTestFailure {
  rule: string;
  file: string;
  /** Which test: `match[2]` or `no-match[0]`. */
  test: string;
  expected: string;
  lines: string[];
}

/** Feeds lines, as a log fragment, through the prefilter, the patterns and the multi-line windows. */
export function diagnoseLines(ruleSet: RuleSet, lines: string[]): Diagnosis[] {
  const found: Diagnosis[] = [];
  const analyzer = new SourceAnalyzer('<test>', ruleSet, [{ diagnosis: (d) => void found.push(d) }]);
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
  return failures;
}
