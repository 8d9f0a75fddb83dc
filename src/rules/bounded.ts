// Runs a user's patterns so that no line can take long: RE2 (linear time) where the pattern allows, else V8 within a time budget.

import { createRequire } from 'node:module';
import vm from 'node:vm';
import type * as Re2Type from 're2js';
import type { CompiledPattern, Rule } from './load.js';
import { patternFields } from './match.js';

const lazyRequire = createRequire(import.meta.url);

/**
 * How long one pattern may take on one line when RE2 cannot run it (lookahead, backreference). V8 checks for
 * interrupts while it backtracks, so the script's timeout stops even a catastrophic pattern there.
 */
export const BUDGET_MS = 200;

/**
 * A pattern over budget on this many lines is not tried again in this run: the whole run then waits at most
 * BUDGET_MS × this for it, so a stop (SIGINT, SIGTERM), handled between chunks, is never held up long.
 */
export const MAX_OVER_BUDGET = 3;

/**
 * Gives a user's pattern a bounded `exec`. RE2 (re2js, pure JS) matches in time linear in the line, ~2x slower than
 * V8 on the shipped patterns (measured: 1.6 µs against 0.7 µs a line), so built-in rules keep V8. A pattern RE2
 * cannot compile runs in V8 through a vm script with a timeout (~160 µs a call, for candidate lines only).
 */
export function boundPattern(p: CompiledPattern): void {
  const { RE2JS } = lazyRequire('re2js') as typeof Re2Type;
  const flags = [...p.re.flags].reduce((f, c) => f | (RE2_FLAGS(RE2JS)[c] ?? 0), RE2JS.LOOKBEHINDS);
  try {
    const re2 = RE2JS.compile(RE2JS.translateRegExp(p.re.source), flags);
    p.engine = 're2';
    p.exec = (text) => {
      const m = re2.matcher(text);
      if (!m.find()) return null;
      const out: (string | undefined)[] = [];
      for (let i = 0; i <= m.groupCount(); i++) out.push(m.group(i) ?? undefined);
      return out;
    };
  } catch {
    p.engine = 'budget';
    p.exec = (text) => execWithin(p, text);
  }
}

const RE2_FLAGS = (RE2JS: typeof Re2Type.RE2JS): Record<string, number> => ({ i: RE2JS.CASE_INSENSITIVE, s: RE2JS.DOTALL, m: RE2JS.MULTILINE });

let context: vm.Context | null = null;
let script: vm.Script | null = null;

function execWithin(p: CompiledPattern, text: string): (string | undefined)[] | null {
  context ??= vm.createContext({ re: null, text: '' });
  script ??= new vm.Script('re.exec(text)');
  context.re = p.re;
  context.text = text;
  try {
    return script.runInContext(context, { timeout: BUDGET_MS }) as RegExpExecArray | null;
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw err;
    // Given up on this line: counted, so the run can name the pattern at its end.
    p.overBudget = (p.overBudget ?? 0) + 1;
    if (p.overBudget >= MAX_OVER_BUDGET) p.exec = () => null;
    return null;
  } finally {
    context.re = null;
    context.text = '';
  }
}

/** What a run tells at its end about the user's patterns it gave up on (one line per pattern). */
export function overBudgetNotes(rules: Rule[]): string[] {
  const notes: string[] = [];
  for (const rule of rules) {
    for (const [field, p] of patternFields(rule)) {
      if (!p.overBudget) continue;
      const stopped = p.overBudget >= MAX_OVER_BUDGET ? `; not tried on the rest of the input` : '';
      notes.push(`rule ${rule.id} ${field}: given up on ${p.overBudget} line${p.overBudget === 1 ? '' : 's'} after ${BUDGET_MS} ms each${stopped} (its time grows too fast with the line: see bamboo-doctor rules lint)`);
    }
  }
  return notes;
}
