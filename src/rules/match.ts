// Running a compiled pattern on a text: its captures, its match, its fields in the rule; bounded when it is a user's.

import type { CompiledPattern, Rule } from './load.js';

/** Runs a compiled pattern on a text; returns its named captures, or null when it does not match. */
export function execPattern(p: CompiledPattern, text: string): Record<string, string> | null {
  const m = matchPattern(p, text);
  if (!m) return null;
  const captures: Record<string, string> = {};
  for (let i = 1; i < m.length; i++) {
    const name = p.names[i];
    const value = m[i];
    if (name && value !== undefined) captures[name] = value;
  }
  return captures;
}

/** Every pattern of a rule with the field it is written in (`patterns.0`, `followed-by.0.patterns.1`, `unless.0`). */
export function patternFields(rule: Pick<Rule, 'steps' | 'unless'>): [string, CompiledPattern][] {
  const out: [string, CompiledPattern][] = [];
  rule.steps.forEach((step, s) => step.patterns.forEach((p, i) => out.push([`${s === 0 ? '' : `followed-by.${s - 1}.`}patterns.${i}`, p])));
  rule.unless.forEach((p, i) => out.push([`unless.${i}`, p]));
  return out;
}

/** The match of a pattern (whole match, then groups), through its bounded engine when it has one. */
export function matchPattern(p: CompiledPattern, text: string): ArrayLike<string | undefined> | null {
  return p.exec ? p.exec(text) : p.re.exec(text);
}

/** Whether a compiled pattern matches a text (an `unless` pattern), through its bounded engine when it has one. */
export function testPattern(p: CompiledPattern, text: string): boolean {
  return p.exec ? p.exec(text) !== null : p.re.test(text);
}
