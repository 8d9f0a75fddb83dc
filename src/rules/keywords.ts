// A case-insensitive Aho–Corasick automaton over UTF-8 bytes: finds the lines that may interest a rule.

/**
 * Keywords are matched byte for byte, ASCII letters case-insensitively. The transition table is dense
 * (256 entries a state) so the hot loop is one array read a byte; measured on this machine kind this is
 * ~4x faster than a lower-cased `includes()` per keyword (see PERF-FACTS and `npm run bench`).
 */
export class KeywordAutomaton {
  /** delta[state * 256 + byte] → next state. */
  readonly delta: Int32Array;
  /** Non-zero when some keyword ends in this state (directly or through a failure link). */
  readonly accepting: Uint8Array;
  private readonly outputs: number[][];
  readonly size: number;

  constructor(readonly keywords: readonly string[]) {
    const goto: Map<number, number>[] = [new Map()];
    const out: number[][] = [[]];
    keywords.forEach((keyword, id) => {
      const bytes = foldBytes(Buffer.from(keyword, 'utf8'));
      if (bytes.length === 0) throw new Error(`empty keyword (#${id})`);
      let s = 0;
      for (const b of bytes) {
        let next = goto[s].get(b);
        if (next === undefined) {
          next = goto.length;
          goto.push(new Map());
          out.push([]);
          goto[s].set(b, next);
        }
        s = next;
      }
      out[s].push(id);
    });
    this.size = goto.length;
    this.delta = new Int32Array(this.size * 256);
    this.accepting = new Uint8Array(this.size);
    const fail = new Int32Array(this.size);
    // Breadth-first: each state's row is its failure state's row with its own edges on top.
    const queue: number[] = [];
    for (let b = 0; b < 256; b++) {
      const next = goto[0].get(fold(b));
      if (next !== undefined) {
        this.delta[b] = next;
        if (fold(b) === b) queue.push(next);
      }
    }
    for (let head = 0; head < queue.length; head++) {
      const s = queue[head];
      if (out[fail[s]].length) out[s] = out[s].concat(out[fail[s]]);
      this.accepting[s] = out[s].length ? 1 : 0;
      for (let b = 0; b < 256; b++) {
        const next = goto[s].get(fold(b));
        if (next !== undefined && fold(b) === b) {
          fail[next] = this.delta[fail[s] * 256 + b];
          queue.push(next);
        }
        this.delta[s * 256 + b] = next ?? this.delta[fail[s] * 256 + b];
      }
    }
    this.outputs = out;
  }

  /** The ids of all keywords found in bytes [start, end). */
  collect(buf: Uint8Array, start = 0, end = buf.length): Set<number> {
    const found = new Set<number>();
    const delta = this.delta;
    let s = 0;
    for (let i = start; i < end; i++) {
      s = delta[(s << 8) | buf[i]];
      if (this.accepting[s]) for (const id of this.outputs[s]) found.add(id);
    }
    return found;
  }

  /** The ids of all keywords found in a string. */
  collectString(text: string): Set<number> {
    return this.collect(Buffer.from(text, 'utf8'));
  }
}

/** ASCII upper-case letters fold to lower case; every other byte is itself. */
function fold(b: number): number {
  return b >= 65 && b <= 90 ? b + 32 : b;
}

function foldBytes(bytes: Uint8Array): number[] {
  return Array.from(bytes, fold);
}
