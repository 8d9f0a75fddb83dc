// A case-insensitive Aho–Corasick automaton over UTF-8 bytes: finds the lines that may interest a rule.

/**
 * Keywords are matched byte for byte, ASCII letters case-insensitively. Bytes are mapped to classes first (one
 * for each byte the keywords use, ~50, and class 0 for all others), and a state's number is where its row
 * starts, so the next state is `delta[state + classes[byte]]`. Class 0 leads every state back to the start: a
 * newline (in no keyword) resets the automaton, and a scan needs no check for line ends. Measured on this machine
 * kind: ~4x a lower-cased includes() per keyword (PERF-FACTS); this layout (~0.7 MB for ~3,700 states instead of
 * 3.7 MB with 256 columns) and the scan of firstMatch ~1.5x the 256-column table with a check a byte.
 */
export class KeywordAutomaton {
  /** The class of each byte value. */
  readonly classes: Uint8Array;
  /** Classes, and so the length of a state's row. */
  readonly width: number;
  /** delta[state + class] → next state; state 0 is the start. */
  readonly delta: Int32Array;
  /** 1 for the states where a keyword ends (by `state / width`). */
  private readonly ends: Uint8Array;
  /**
   * The same transitions, except that those into a state where a keyword ends go to `found`, which never leaves:
   * a scan looks for it once every few bytes.
   */
  private readonly sticky: Int32Array;
  private readonly found: number;
  /** The class of each UTF-16 char code, when every keyword is ASCII (see holds). */
  private readonly charClasses: Uint8Array | null;
  /** For each state (by `state / width`), the ids of the keywords that end there. */
  private readonly outputs: number[][];
  /** Number of states. */
  readonly size: number;

  constructor(readonly keywords: readonly string[]) {
    const folded = keywords.map((keyword, id) => {
      const bytes = Array.from(Buffer.from(keyword, 'utf8'), fold);
      if (bytes.length === 0) throw new Error(`empty keyword (#${id})`);
      if (bytes.includes(10)) throw new Error(`keyword #${id} holds a line break: keywords are found within a line`);
      return bytes;
    });
    this.classes = new Uint8Array(256);
    let width = 1;
    for (const bytes of folded) for (const b of bytes) if (this.classes[b] === 0) this.classes[b] = width++;
    for (let b = 65; b <= 90; b++) this.classes[b] = this.classes[b + 32];
    this.width = width;
    const ascii = this.classes.subarray(128).every((c) => c === 0);
    this.charClasses = ascii ? new Uint8Array(65536) : null;
    this.charClasses?.set(this.classes.subarray(0, 128));
    const built = build(trie(folded, this.classes, width), width);
    this.size = built.ends.length;
    this.delta = built.delta;
    this.ends = built.ends;
    this.sticky = built.sticky;
    this.found = built.found;
    this.outputs = built.outputs;
  }

  /**
   * Where the first keyword found from `from` (a line start) ends: the index of its last byte, or -1 before `end`.
   * Eight bytes a step with one check (`found` is sticky), then the step is read again byte by byte:
   * measured ~1.5x a check per byte, as keywords are rare (a candidate every few KB of a build log).
   */
  firstMatch(buf: Uint8Array, from: number, end: number): number {
    const next = this.sticky;
    const classes = this.classes;
    const found = this.found;
    let s = 0;
    let i = from;
    for (let at = 0; i <= end - 8; i += 8) {
      at = s;
      s = next[s + classes[buf[i]]];
      s = next[s + classes[buf[i + 1]]];
      s = next[s + classes[buf[i + 2]]];
      s = next[s + classes[buf[i + 3]]];
      s = next[s + classes[buf[i + 4]]];
      s = next[s + classes[buf[i + 5]]];
      s = next[s + classes[buf[i + 6]]];
      s = next[s + classes[buf[i + 7]]];
      if (s === found) {
        s = at;
        break;
      }
    }
    for (; i < end; i++) {
      s = next[s + classes[buf[i]]];
      if (s === found) return i;
    }
    return -1;
  }

  /**
   * Whether a string holds a keyword (a REST log entry: most hold none). When every keyword is ASCII, the string
   * is walked by char code, as firstMatch walks bytes, without making its bytes (a char past ASCII is in no
   * keyword: class 0); measured ~1.3x the speed of the REST reader as a whole against a check per char.
   */
  holds(text: string): boolean {
    const classes = this.charClasses;
    if (!classes) {
      const bytes = Buffer.from(text, 'utf8');
      return this.firstMatch(bytes, 0, bytes.length) >= 0;
    }
    const next = this.sticky;
    const found = this.found;
    let s = 0;
    let i = 0;
    for (; i <= text.length - 8; i += 8) {
      s = next[s + classes[text.charCodeAt(i)]];
      s = next[s + classes[text.charCodeAt(i + 1)]];
      s = next[s + classes[text.charCodeAt(i + 2)]];
      s = next[s + classes[text.charCodeAt(i + 3)]];
      s = next[s + classes[text.charCodeAt(i + 4)]];
      s = next[s + classes[text.charCodeAt(i + 5)]];
      s = next[s + classes[text.charCodeAt(i + 6)]];
      s = next[s + classes[text.charCodeAt(i + 7)]];
      if (s === found) return true;
    }
    for (; i < text.length; i++) if ((s = next[s + classes[text.charCodeAt(i)]]) === found) return true;
    return false;
  }

  /** The ids of all keywords found in bytes [start, end). */
  collect(buf: Uint8Array, start = 0, end = buf.length): Set<number> {
    const found = new Set<number>();
    const { delta, classes, ends, width } = this;
    let s = 0;
    for (let i = start; i < end; i++) {
      s = delta[s + classes[buf[i]]];
      if (ends[s / width] !== 0) for (const id of this.outputs[s / width]) found.add(id);
    }
    return found;
  }

  /** The ids of all keywords found in a string: walked by char code when every keyword is ASCII (see holds). */
  collectString(text: string): Set<number> {
    const classes = this.charClasses;
    if (!classes) return this.collect(Buffer.from(text, 'utf8'));
    const found = new Set<number>();
    const { delta, ends, width } = this;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      s = delta[s + classes[text.charCodeAt(i)]];
      if (ends[s / width] !== 0) for (const id of this.outputs[s / width]) found.add(id);
    }
    return found;
  }
}

/** ASCII upper-case letters fold to lower case; every other byte is itself. */
function fold(b: number): number {
  return b >= 65 && b <= 90 ? b + 32 : b;
}

interface Trie {
  /** The children of each state: [class, child] pairs. */
  children: number[][];
  /** Keyword ids ending at each state. */
  outputs: number[][];
}

function trie(keywords: number[][], classes: Uint8Array, width: number): Trie {
  const t: Trie = { children: [[]], outputs: [[]] };
  const goto = new Map<number, number>();
  keywords.forEach((bytes, id) => {
    let s = 0;
    for (const b of bytes) {
      const key = s * width + classes[b];
      let child = goto.get(key);
      if (child === undefined) {
        child = t.children.push([]) - 1;
        t.outputs.push([]);
        goto.set(key, child);
        t.children[s].push(classes[b], child);
      }
      s = child;
    }
    t.outputs[s].push(id);
  });
  return t;
}

/**
 * Breadth-first, each state's row is a copy of its failure state's row with its own edges on top, and its outputs
 * add its failure state's. Rows are copied natively and only edges are walked in JS: this runs once at start-up,
 * mostly in the interpreter (a loop over every cell took ~100 ms there, ~2 ms once compiled).
 */
function build(t: Trie, width: number) {
  const n = t.children.length;
  const found = n * width;
  const delta = new Int32Array(n * width);
  const sticky = new Int32Array((n + 1) * width).fill(found, found);
  const ends = new Uint8Array(n);
  const fail = new Int32Array(n);
  const outputs = t.outputs;
  const queue = [0];
  for (let head = 0; head < queue.length; head++) {
    const s = queue[head];
    const row = s * width;
    if (s !== 0) {
      delta.copyWithin(row, fail[s] * width, fail[s] * width + width);
      sticky.copyWithin(row, fail[s] * width, fail[s] * width + width);
    }
    const edges = t.children[s];
    for (let e = 0; e < edges.length; e += 2) {
      const c = edges[e];
      const child = edges[e + 1];
      fail[child] = s === 0 ? 0 : delta[fail[s] * width + c] / width;
      if (outputs[fail[child]].length) outputs[child] = [...outputs[child], ...outputs[fail[child]]];
      ends[child] = outputs[child].length ? 1 : 0;
      delta[row + c] = child * width;
      sticky[row + c] = ends[child] ? found : child * width;
      queue.push(child);
    }
  }
  return { delta, sticky, found, ends, outputs };
}
