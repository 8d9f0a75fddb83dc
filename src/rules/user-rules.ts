// A user's rules (`--rules`) are checked for exponential patterns at load, and their patterns bound, before any line is read.

import { RuleError } from '../errors.js';
import { boundPattern } from './bounded.js';
import { complexityOf } from './complexity.js';
import { fieldLocator } from './field-line.js';
import type { CompiledPattern, Rule } from './load.js';
import { patternFields } from './match.js';

export interface UserRuleOptions {
  /** `--allow-slow-rules`: load a rule that lint flags as exponential (its patterns are still bound). */
  allowSlow?: boolean;
}

/**
 * Refuses a rule whose pattern can backtrack exponentially (the file and line named, exit 2), unless allowed, then
 * gives every pattern of every rule a bounded engine: a user's pattern can never stall a batch or a --follow.
 */
export function prepareUserRules(rules: Rule[], options: UserRuleOptions = {}): void {
  for (const rule of rules) {
    for (const [field, p] of patternFields(rule)) {
      if (!options.allowSlow) refuseExponential(rule, field, p);
      boundPattern(p);
    }
  }
}

function refuseExponential(rule: Rule, field: string, p: CompiledPattern): void {
  const exponential = complexityOf(p).find((f) => f.exponential);
  if (!exponential) return;
  const line = fieldLocator(rule.file)(field);
  throw new RuleError(
    `${rule.file}${line === null ? '' : `:${line}`}`,
    field,
    `${exponential.message}. Refused: one line could take longer than the whole log. Fix the pattern (bamboo-doctor rules lint --rules …), or load it anyway with --allow-slow-rules`,
  );
}
