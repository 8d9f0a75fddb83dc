// The loaded rules plus one keyword automaton over all their keywords, the context tracker's and the cause markers.

import { CONTEXT_KEYWORDS } from '../context/tracker.js';
import { CAUSE_MARKERS } from './cause-markers.js';
import { UNEXPLAINED_FAILURE } from './unexplained-failure.js';
import { KeywordAutomaton } from './keywords.js';
import { BUILTIN_RULES_DIR, loadRules, type Rule } from './load.js';
import { execPattern, testPattern } from './match.js';
import { prepareUserRules, type UserRuleOptions } from './user-rules.js';

/** A step of a rule that a line may satisfy. */
export interface StepRef {
  rule: number;
  step: number;
}

/** What one candidate line is: a context line, a possible cause line, and/or a match of some rule steps. */
export interface LineHits {
  context: boolean;
  /** Which of the tracker's keywords the line holds, as indexes into CONTEXT_KEYWORDS (case-blind, as the automaton finds them). */
  contextKeywords: number[];
  /** The line holds a cause marker (`error:`, `Exception`, `npm ERR!`, …): the cause window weighs it. */
  cause: boolean;
  steps: { ref: StepRef; captures: Record<string, string>; text: string }[];
}

export class RuleSet {
  readonly automaton: KeywordAutomaton;
  /** For each keyword id: the rule steps that list it (empty for a context keyword). */
  private readonly owners: StepRef[][];
  /** For each keyword id: its indexes in CONTEXT_KEYWORDS (two that differ only in case share an id), mostly none. */
  private readonly contextOf: number[][];
  private readonly causeIds: Set<number>;
  /** The rules given, and the built-in `unexplained-failure` (matches no line; raised by a failed job's end). */
  readonly rules: Rule[];

  constructor(rules: Rule[]) {
    this.rules = rules.some((r) => r.id === UNEXPLAINED_FAILURE.id) ? rules : [...rules, UNEXPLAINED_FAILURE];
    const keywords: string[] = [];
    const index = new Map<string, number>();
    this.owners = [];
    const idOf = (k: string): number => {
      const key = k.toLowerCase();
      let id = index.get(key);
      if (id === undefined) {
        id = keywords.push(k) - 1;
        index.set(key, id);
        this.owners.push([]);
      }
      return id;
    };
    const contextIds = CONTEXT_KEYWORDS.map(idOf);
    this.causeIds = new Set(CAUSE_MARKERS.map(idOf));
    this.rules.forEach((rule, r) =>
      rule.steps.forEach((step, s) => {
        for (const k of step.keywords) {
          const owners = this.owners[idOf(k)];
          if (!owners.some((o) => o.rule === r && o.step === s)) owners.push({ rule: r, step: s });
        }
      }),
    );
    this.automaton = new KeywordAutomaton(keywords);
    this.contextOf = keywords.map(() => []);
    contextIds.forEach((id, i) => this.contextOf[id].push(i));
  }

  /**
   * Runs the patterns of the steps whose keywords occur in the line. A multi-part line (a command entry
   * with its environment dump) is matched part by part, so evidence is the part, not the whole dump.
   */
  match(text: string, parts?: string[]): LineHits {
    const ids = this.automaton.collectString(text);
    const hits: LineHits = { context: false, contextKeywords: [], cause: false, steps: [] };
    const tried = new Set<string>();
    for (const id of ids) {
      const context = this.contextOf[id];
      if (context.length) {
        hits.context = true;
        hits.contextKeywords.push(...context);
      }
      if (this.causeIds.has(id)) hits.cause = true;
      for (const ref of this.owners[id]) {
        const key = `${ref.rule}/${ref.step}`;
        if (tried.has(key)) continue;
        tried.add(key);
        const found = this.runStep(ref, parts ?? [text]);
        if (found) hits.steps.push({ ref, ...found });
      }
    }
    return hits;
  }

  private runStep(ref: StepRef, texts: string[]): { captures: Record<string, string>; text: string } | null {
    const rule = this.rules[ref.rule];
    for (const pattern of rule.steps[ref.step].patterns) {
      for (const text of texts) {
        const captures = execPattern(pattern, text);
        if (captures && !rule.unless.some((u) => testPattern(u, text))) return { captures, text };
      }
    }
    return null;
  }
}

/**
 * The built-in rules plus any `--rules` folders or files (a user's rule with a built-in id replaces it). The user's
 * rules are checked for exponential patterns and bound (user-rules.ts); the built-in ones keep the native path.
 */
export function loadRuleSet(extra: string[] = [], options: UserRuleOptions = {}): RuleSet {
  const rules = loadRules([BUILTIN_RULES_DIR, ...extra]);
  prepareUserRules(rules.filter((r) => !r.file.startsWith(BUILTIN_RULES_DIR)), options);
  return new RuleSet(rules);
}
