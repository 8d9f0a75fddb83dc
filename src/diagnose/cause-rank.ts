// Ranks a failed task's candidate lines into its cause lines (most telling first) and its failure signature.

import type { CauseCandidate, CauseLine } from '../model.js';

/** Cause lines a diagnosis shows. */
export const MAX_CAUSE_LINES = 5;

/**
 * A line 8 lines above the failure loses 1 point, 24 lines 2, 120 lines 4 (the most): closeness breaks ties
 * between lines of like specificity, it does not let a `Caused by:` 100 lines up lose to an exit-code line.
 */
function closeness(distance: number): number {
  return Math.min(4, Math.log2(1 + Math.max(0, distance) / 8));
}

export const scoreOf = (c: CauseCandidate): number => c.weight - closeness(c.distance);

export interface RankedCause {
  cause: CauseLine[];
  /** The first cause line's template hash; null without cause lines. */
  signature: string | null;
  /** The first cause line's template. */
  template: string | null;
}

/**
 * Most telling first. A line whose template also occurs in successful builds of the same job (`green`: template
 * hashes, LogJuicer's baseline idea) is noise there: it comes after every other line and says so. Used when a
 * job ends and again when the database learns new green templates, so both rank alike.
 */
export function rankCauses(pool: readonly CauseCandidate[], green?: ReadonlySet<string>): RankedCause {
  const inGreen = (c: CauseCandidate) => (green?.has(c.hash) ? 1 : 0);
  const ranked = [...pool].sort((a, b) => inGreen(a) - inGreen(b) || scoreOf(b) - scoreOf(a) || b.line - a.line);
  const top = ranked.slice(0, MAX_CAUSE_LINES);
  const cause = top.map((c): CauseLine => (inGreen(c) ? { line: c.line, text: c.text, seenInGreen: true } : { line: c.line, text: c.text }));
  return { cause, signature: top[0]?.hash ?? null, template: top[0]?.template ?? null };
}

/** A cause ranked again (a baseline that grew): its lines, signature and template, and the fix quoting them. */
export interface Reranked extends RankedCause {
  fix: string;
}

/**
 * Ranks a stored or finished diagnosis's pool again with `green`; null when its cause lines stay as they were. A fix
 * that quoted the old first cause line ({{cause}}) quotes the new one. The store (causes rows) and the batch
 * reading's baseline step (finished jobs) both rank again through this.
 */
export function rerankCause(pool: readonly CauseCandidate[], before: readonly CauseLine[], fix: string, green: ReadonlySet<string>): Reranked | null {
  const ranked = rankCauses(pool, green);
  if (JSON.stringify(ranked.cause) === JSON.stringify(before)) return null;
  const old = before[0]?.text;
  const now = ranked.cause[0]?.text;
  return { ...ranked, fix: old && now && old !== now ? fix.split(old).join(now) : fix };
}
