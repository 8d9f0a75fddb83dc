// A job's candidate cause lines, a small bounded window per task, kept until the task is known to have failed.

import type { CauseCandidate, LogLine } from '../model.js';
import { classifyLine, isNoise } from '../rules/cause-markers.js';
import { scoreOf } from './cause-rank.js';
import { signatureOf, templateOf } from './signature.js';
import { redact } from '../secrets/redact.js';

/** Candidates kept per task: the least telling (then the oldest) goes when a new one comes. */
const RING = 24;
/** Candidates a diagnosis keeps (stored), so the ranking can be redone when green templates become known. */
const POOL = 12;
/** Stack frames kept per task: the first few say where, the rest add nothing. */
const MAX_FRAMES = 2;
/** Distinct candidate templates remembered per job: a successful build's contribution to the baseline. */
const MAX_SEEN = 200;
/** A cause line is for a person to read: a 3 MB line is kept to its first 500 characters. */
const MAX_TEXT = 500;

/**
 * Extra weight of a line that a specific rule's pattern matched: a rule knows this failure. Small, so that a
 * rule matching a tool's summary ("1 error in 0.21s") does not put it above the error it sums up.
 */
const EVIDENCE_BONUS = 3;

/**
 * The one place cause text is made from a log line: secrets are masked here (before the text is templated,
 * printed, stored, or kept as a successful build's sample line), and a long line is cut.
 */
export function causeText(raw: string): string {
  const text = redact(plainText(raw)).trim();
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

/** A line without its terminal colour codes (`ESC[31m`): tools colour errors red, and the codes hide their form. */
export function plainText(raw: string): string {
  return raw.includes('\x1b') ? raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '') : raw;
}

interface Entry extends CauseCandidate {
  seq: number;
}

export class CauseWindow {
  private readonly slots = new Map<number, Entry[]>();
  private readonly ends = new Map<number, number>();
  private seq = 0;
  /** Template hash → template and a sample line, for every candidate of the job (bounded). */
  readonly seen = new Map<string, { template: string; text: string }>();

  /**
   * Offers a line to the window of `slot` (a task's index, -1 outside tasks). `evidence`: a specific rule's
   * pattern matched it. `fallback`: one of the last lines of a task whose output held no error-like line, taken
   * unless it is noise. Lines the classifier finds not telling, and repeats of a template, take no room.
   */
  note(line: LogLine, slot: number, evidence: boolean, agent: string | null, fallback = false): void {
    const plain = plainText(line.text);
    const verdict = classifyLine(plain);
    let weight = evidence ? Math.max(verdict.weight, 4) + EVIDENCE_BONUS : verdict.weight;
    if (weight === 0 && fallback && plain.trim() && !isNoise(plain)) weight = 1;
    if (weight === 0) return;
    if (line.type === 'error') weight += 1; // stderr adds to a marker; alone it is no cause
    const text = causeText(line.text);
    if (/\S\s+\S+\s+\S+\s+\S/.test(text)) weight += 1; // a sentence says more than a word
    const template = templateOf(text, { agent });
    const ring = this.slotOf(slot);
    const same = ring.find((c) => c.template === template);
    if (same) {
      same.weight = Math.max(same.weight, weight);
      // A task's last lines stand in for an error line: of two alike, the later is nearer the failure.
      if (fallback) Object.assign(same, { line: line.line, text });
      return;
    }
    if (verdict.frame && !evidence && ring.filter((c) => c.frame).length >= MAX_FRAMES) return;
    const hash = signatureOf(template);
    if (this.seen.size < MAX_SEEN) this.seen.set(hash, { template, text });
    ring.push({ line: line.line, text, template, hash, weight, distance: 0, frame: verdict.frame, seq: this.seq++ });
    if (ring.length > RING) ring.splice(weakest(ring), 1);
  }

  /** The line where `slot` failed ("Failing task since …", "Finished task … Failed"): closeness is measured to it. */
  end(slot: number, line: number): void {
    if (!this.ends.has(slot)) this.ends.set(slot, line);
  }

  /** A task that succeeded: its lines explain no failure. */
  drop(slot: number): void {
    this.slots.delete(slot);
  }

  /** True when the slot holds candidates. */
  has(slot: number): boolean {
    return (this.slots.get(slot)?.length ?? 0) > 0;
  }

  /**
   * The best candidates of a slot (all slots when null) with their distance to its failure line (`last`, the
   * job's last line, when the slot's end is not known), at most POOL of them.
   */
  pool(slot: number | null, last: number): CauseCandidate[] {
    const slots = slot === null ? [...this.slots.keys()] : [slot];
    const out = slots.flatMap((s) => {
      const end = this.ends.get(s) ?? last;
      return (this.slots.get(s) ?? []).map(({ seq: _, ...c }) => ({ ...c, distance: Math.max(0, end - c.line) }));
    });
    out.sort((a, b) => scoreOf(b) - scoreOf(a) || b.line - a.line);
    // Two tasks may have printed the same template: it is one cause.
    return out.filter((c, i) => out.findIndex((o) => o.hash === c.hash) === i).slice(0, POOL);
  }

  private slotOf(slot: number): Entry[] {
    let ring = this.slots.get(slot);
    if (!ring) this.slots.set(slot, (ring = []));
    return ring;
  }
}

/** Index of the least telling entry, the oldest among equals. */
function weakest(ring: Entry[]): number {
  let at = 0;
  for (let i = 1; i < ring.length; i++) {
    if (ring[i].weight < ring[at].weight || (ring[i].weight === ring[at].weight && ring[i].seq < ring[at].seq)) at = i;
  }
  return at;
}
