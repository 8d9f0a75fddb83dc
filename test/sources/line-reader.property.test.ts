// Property tests of the hot path: the keyword automaton against a plain `includes()`, and the LineReader
// against a line-by-line model, on random text cut into random chunks (fast-check shrinks a failure to a
// smallest case).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeywordAutomaton } from '../../src/rules/keywords.js';
import { LineReader } from '../../src/sources/line-reader.js';
import { chunked, cuts } from '../helpers/chunks.js';

/** Few symbols, so keywords occur often: ASCII in both cases, multi-byte letters, spaces, CR and LF. */
const SYMBOLS = ['a', 'b', 'A', 'B', 'x', ' ', 'é', 'ё', '월', '\r', '\n'];
const text = fc.array(fc.constantFrom(...SYMBOLS), { maxLength: 120, size: 'medium' }).map((s) => s.join(''));
const keyword = fc.array(fc.constantFrom(...SYMBOLS.filter((s) => s !== '\n' && s !== '\r')), { minLength: 1, maxLength: 4 }).map((s) => s.join(''));
const keywords = fc.uniqueArray(keyword, { minLength: 1, maxLength: 5 });

/** ASCII letters fold to lower case, bytes else are themselves: the automaton's notion of case. */
const foldAscii = (bytes: Buffer): Buffer => Buffer.from(bytes.map((b) => (b >= 65 && b <= 90 ? b + 32 : b)));
const holds = (haystack: Buffer, words: string[]) => words.some((k) => foldAscii(haystack).includes(foldAscii(Buffer.from(k))));

/** What the reader must hand on, worked out one whole line at a time. */
function expected(input: string, words: string[], max: number): { got: [number, string, boolean][]; lines: number } {
  const lines = input.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const got: [number, string, boolean][] = [];
  lines.forEach((line, i) => {
    const bytes = Buffer.from(line);
    // A cut line is a candidate only for a keyword within what is kept of it.
    const kept = bytes.length > max ? bytes.subarray(0, max) : bytes;
    if (!holds(kept, words)) return;
    got.push(bytes.length > max ? [i + 1, kept.toString('utf8'), true] : [i + 1, line.replace(/\r$/, ''), false]);
  });
  return { got, lines: lines.length };
}

function read(chunks: Buffer[], words: string[], max: number) {
  const got: [number, string, boolean][] = [];
  const reader = new LineReader(new KeywordAutomaton(words), (n, t, cut) => got.push([n, t, cut]), max);
  for (const chunk of chunks) reader.push(chunk);
  reader.end();
  return { got, lines: reader.lines };
}

describe('KeywordAutomaton (property)', () => {
  it('finds exactly the keywords that includes() finds, ASCII case folded', () => {
    fc.assert(
      fc.property(text, keywords, (t, words) => {
        const automaton = new KeywordAutomaton(words);
        const found = [...automaton.collectString(t)].sort((a, b) => a - b);
        const want = words.flatMap((k, id) => (holds(Buffer.from(t), [k]) ? [id] : []));
        expect(found).toEqual(want);
      }),
      { numRuns: 500 },
    );
  });
});

describe('LineReader (property)', () => {
  it('hands on the keyword lines of the whole text, whatever the chunks', () => {
    fc.assert(
      fc.property(text, keywords, cuts, (t, words, at) => {
        expect(read(chunked(Buffer.from(t), at), words, 1 << 20)).toEqual(expected(t, words, 1 << 20));
      }),
      { numRuns: 500 },
    );
  });

  it('cuts long lines the same way whatever the chunks', () => {
    fc.assert(
      fc.property(text, keywords, cuts, fc.integer({ min: 1, max: 12 }), (t, words, at, max) => {
        expect(read(chunked(Buffer.from(t), at), words, max)).toEqual(expected(t, words, max));
      }),
      { numRuns: 500 },
    );
  });
});
