// How a pattern's time can grow with the line: scslre's super-linear reports, plus repeated alternatives that overlap.

import { createRequire } from 'node:module';
import type * as RefaType from 'refa';
import type * as ScslreType from 'scslre';
import type { Report } from 'scslre';
import type { CompiledPattern } from './load.js';

// The analysers take ~0.5 s to load: only a lint or a user's rule (--rules) needs them.
const lazyRequire = createRequire(import.meta.url);

export interface ComplexityFinding {
  message: string;
  /** Exponential backtracking: one line of a few dozen characters can take longer than the whole log. */
  exponential: boolean;
}

/**
 * Super-linear time on a long line, found by scslre (static analysis, the library behind eslint-plugin-regexp's
 * ReDoS checks), and the case it does not look for: a repeated group whose alternatives overlap (`^(a|aa)+$`).
 * A log line can hold anything after the keyword, so a rejecting suffix is always assumed.
 */
export function complexityOf(p: Pick<CompiledPattern, 're'>): ComplexityFinding[] {
  const { analyse } = lazyRequire('scslre') as typeof ScslreType;
  let reports: Report[];
  try {
    ({ reports } = analyse({ source: p.re.source, flags: p.re.flags }, { assumeRejectingSuffix: true }));
  } catch (err) {
    // V8 compiled it, so the analyser's parser lags behind: say so rather than pass the pattern unchecked.
    return [{ message: `could not be analysed for super-linear time: ${(err as Error).message}`, exponential: false }];
  }
  const found = [...reports.map((r) => ({ message: describeReport(r), exponential: r.type !== 'Move' && r.exponential })), ...overlappingRepeats(p.re)];
  const seen = new Set<string>();
  return found.filter((f) => !seen.has(f.message) && seen.add(f.message));
}

/** The messages of `complexityOf` (what `rules lint` prints). */
export function superLinear(p: Pick<CompiledPattern, 're'>): string[] {
  return complexityOf(p).map((f) => f.message);
}

function describeReport(r: Report): string {
  const run = `a long run of ${JSON.stringify(r.character.pick)}`;
  // XRegExp's free-spacing mode leaves `(?:)` between tokens; they only make the suggestion harder to read.
  const fixed = r.fix()?.source.replace(/\(\?:\)/g, '');
  const hint = fixed && fixed.length <= 160 ? ` (an equivalent without it: /${fixed}/)` : '';
  if (r.type === 'Move') {
    return `${r.quant.raw} is retried from every position of ${run}: O(n²) on a long line; anchor what comes before it or bound it ({1,200})${hint}`;
  }
  const cost = r.exponential ? 'exponential' : 'polynomial';
  const where = r.type === 'Self' ? `${r.quant.raw} inside ${r.parentQuant.raw}` : `${r.startQuant.raw} and ${r.endQuant.raw}`;
  return `${where} can split ${run} in many ways: ${cost} backtracking on a long line${hint}`;
}

type AstNode = { type: string; raw: string; [key: string]: unknown };

/** Past this many automaton states a group is not checked (a check must stay cheap at load time). */
const MAX_NODES = 20_000;

/**
 * `(a|aa)+`, `(\w|\d)+`, `(ab|a|b)*`: when two alternatives of a repeated group can match the same text, or one can
 * match what several of them match in a row, a text of n such pieces can be split in 2^n ways, each tried before the
 * line is given up: exponential backtracking.
 */
function overlappingRepeats(re: RegExp): ComplexityFinding[] {
  const { JS } = lazyRequire('refa') as typeof RefaType;
  let parser: RefaType.JS.Parser;
  try {
    parser = JS.Parser.fromLiteral({ source: re.source, flags: re.flags });
  } catch {
    return [];
  }
  const out: ComplexityFinding[] = [];
  walk(parser.ast.pattern as unknown as AstNode, (node) => {
    const group = node.element as AstNode & { alternatives?: AstNode[] };
    if (node.type !== 'Quantifier' || (node.max as number) <= 1 || !group.alternatives || group.alternatives.length < 2) return;
    const message = overlap(parser, node, group.alternatives);
    if (message) out.push({ message, exponential: true });
  });
  return out;
}

function overlap(parser: RefaType.JS.Parser, quant: AstNode, alternatives: AstNode[]): string | null {
  const { NFA, isDisjointWith } = lazyRequire('refa') as typeof RefaType;
  try {
    const nfas = alternatives.map((a) => {
      const { expression, maxCharacter } = parser.parseElement(a as never, { backreferences: 'disable', assertions: 'ignore', maxNodes: MAX_NODES });
      return NFA.fromRegex(expression, { maxCharacter }, { assertions: 'ignore' });
    });
    const cost = `${quant.raw} can split a line in exponentially many ways: exponential backtracking on a long line; make the alternatives exclusive`;
    for (let i = 0; i < nfas.length; i++) {
      for (let j = i + 1; j < nfas.length; j++) {
        if (!isDisjointWith(nfas[i], nfas[j], MAX_NODES)) return `${alternatives[i].raw} and ${alternatives[j].raw} can match the same text, so ${cost}`;
      }
    }
    const repeated = nfas[0].copy();
    for (const n of nfas.slice(1)) repeated.union(n);
    repeated.quantify(2, Infinity);
    const i = nfas.findIndex((n) => !isDisjointWith(n, repeated, MAX_NODES));
    return i < 0 ? null : `${alternatives[i].raw} can match what the others match in a row, so ${cost}`;
  } catch {
    // Too large to check within MAX_NODES, or a construct refa does not model: the scslre reports stand alone.
    return null;
  }
}

function walk(node: AstNode, visit: (node: AstNode) => void): void {
  visit(node);
  for (const key of ['alternatives', 'elements', 'element'] as const) {
    const child = node[key] as AstNode | AstNode[] | undefined;
    if (Array.isArray(child)) child.forEach((c) => walk(c, visit));
    else if (child && typeof child === 'object') walk(child, visit);
  }
}
