// Splits a byte stream into lines and hands on only the lines that contain a keyword (the hot path).

import type { KeywordAutomaton } from '../rules/keywords.js';

/** Called for each candidate line: its 1-based number, its text (line ending removed) and whether it was cut. */
export type CandidateHandler = (line: number, text: string, truncated: boolean) => void;

/** Lines longer than this are cut: a 50 MB line without a newline must not exhaust memory. */
export const DEFAULT_MAX_LINE_BYTES = 1 << 20;

/**
 * Splits on `\n` inside the Buffers (no per-line string for lines that match nothing) and scans each byte
 * once through the keyword automaton. Only a line that contains a keyword is decoded. A line split across
 * chunks is carried over as bytes, so a UTF-8 character split between chunks survives.
 */
export class LineReader {
  /** Lines fully read so far. */
  lines = 0;
  private carry: Buffer[] = [];
  private carryBytes = 0;
  /** True while skipping the rest of a line that was longer than the maximum. */
  private skipping = false;
  /** The bytes of the line being handed on and where it starts, while onCandidate runs (for linesBefore). */
  private emitBuf: Buffer | null = null;
  private emitStart = 0;
  private emitLine = 0;
  /** Where the whole lines of the chunk being scanned begin. */
  private scanFrom = 0;

  constructor(
    private readonly automaton: KeywordAutomaton,
    private readonly onCandidate: CandidateHandler,
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  ) {}

  push(chunk: Buffer): void {
    let from = 0;
    if (this.skipping || this.carryBytes > 0) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.appendPartial(chunk);
        return;
      }
      this.appendPartial(chunk.subarray(0, nl));
      this.finishCarriedLine();
      from = nl + 1;
    }
    const tail = this.scan(chunk, from);
    if (tail < chunk.length) this.appendPartial(chunk.subarray(tail));
  }

  /** Ends the input: a last line without a newline is still a line. */
  end(): void {
    if (this.skipping || this.carryBytes > 0) this.finishCarriedLine();
  }

  /**
   * Scans the complete lines of buf from `from` (a line start); returns where the incomplete last line starts.
   * The automaton runs from one candidate to the next without looking for line ends (a newline resets it); lines
   * are counted with indexOf, natively, between candidates. The count lives in a local while the loop runs.
   */
  private scan(buf: Buffer, from: number): number {
    const end = buf.length;
    this.scanFrom = from;
    let lines = this.lines;
    let pos = from;
    for (let k = this.automaton.firstMatch(buf, pos, end); k >= 0; k = this.automaton.firstMatch(buf, pos, end)) {
      // A candidate: the rest of its line need not be scanned.
      const start = buf.lastIndexOf(10, k) + 1;
      lines += newlines(buf, pos, start);
      const nl = buf.indexOf(10, k);
      if (nl < 0) {
        this.lines = lines;
        return start;
      }
      lines++;
      // A keyword past what a long line keeps does not make it a candidate, as when the line spans chunks.
      if (k - start < this.maxLineBytes) this.emit(buf, start, nl, lines, false);
      pos = nl + 1;
    }
    const last = pos < end ? buf.lastIndexOf(10, end - 1) : -1;
    this.lines = lines + newlines(buf, pos, end);
    return last >= pos ? last + 1 : pos;
  }

  private appendPartial(part: Buffer): void {
    if (this.skipping) return;
    const room = this.maxLineBytes - this.carryBytes;
    if (part.length <= room) {
      // Copy: the chunk may be large and must not be kept alive by a small slice of it.
      this.carry.push(Buffer.from(part));
      this.carryBytes += part.length;
      return;
    }
    // Too long: what fits is scanned now as a cut line; the rest, up to the next newline, is skipped.
    this.carry.push(Buffer.from(part.subarray(0, room)));
    this.carryBytes += room;
    this.scanCarry(true);
    this.skipping = true;
  }

  private finishCarriedLine(): void {
    if (!this.skipping) this.scanCarry(false);
    this.skipping = false;
    this.lines++;
  }

  private scanCarry(truncated: boolean): void {
    const whole = this.carry.length === 1 ? this.carry[0] : Buffer.concat(this.carry, this.carryBytes);
    this.carry = [];
    this.carryBytes = 0;
    if (this.automaton.firstMatch(whole, 0, whole.length) >= 0) this.emit(whole, 0, whole.length, this.lines + 1, truncated);
  }

  private emit(buf: Buffer, start: number, end: number, line: number, truncated: boolean): void {
    let stop = end;
    if (stop - start > this.maxLineBytes) {
      stop = start + this.maxLineBytes;
      truncated = true;
    } else if (!truncated && stop > start && buf[stop - 1] === 13) stop--;
    this.emitBuf = buf;
    this.emitStart = start;
    this.emitLine = line;
    this.onCandidate(line, buf.toString('utf8', start, stop), truncated);
    this.emitBuf = null;
  }

  /**
   * While onCandidate runs: up to `count` lines before the one handed on (nearest last), as far as the chunk
   * being scanned still holds them, each cut to `maxChars`. Lines that hold no keyword are never decoded on the
   * hot path; a failed task whose output had no error-like line asks for its last lines this way, once.
   */
  linesBefore(count: number, maxChars = 500): { line: number; text: string }[] {
    const buf = this.emitBuf;
    if (!buf) return [];
    const out: { line: number; text: string }[] = [];
    let end = this.emitStart - 1; // the newline that ends the line before
    for (let n = 1; n <= count && end >= 0; n++) {
      const start = buf.lastIndexOf(10, end - 1) + 1;
      if (start < this.scanFrom) break; // the rest of a line begun in the chunk before: not whole here
      const stop = end > start && buf[end - 1] === 13 ? end - 1 : end;
      out.unshift({ line: this.emitLine - n, text: buf.toString('utf8', start, Math.min(stop, start + maxChars * 4)).slice(0, maxChars) });
      if (start === 0) break; // the chunk starts here: what came before it is gone
      end = start - 1;
    }
    return out;
  }
}

/** The newlines in buf[from, to). */
function newlines(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let at = buf.indexOf(10, from); at >= 0 && at < to; at = buf.indexOf(10, at + 1)) n++;
  return n;
}
