import { describe, expect, it } from 'vitest';
import { KeywordAutomaton } from '../../src/rules/keywords.js';
import { LineReader } from '../../src/sources/line-reader.js';

function read(input: Buffer, chunk: number, keywords = ['denied'], max?: number) {
  const got: [number, string, boolean][] = [];
  const reader = new LineReader(new KeywordAutomaton(keywords), (n, t, cut) => got.push([n, t, cut]), max);
  for (let i = 0; i < input.length; i += chunk) reader.push(input.subarray(i, i + chunk));
  reader.end();
  return { got, lines: reader.lines };
}

describe('LineReader', () => {
  const text = 'one\ntwo DENIED here\r\nthree\nfour: pull access denied for x\nlast denied';
  const input = Buffer.from(text);

  it('hands on only keyword lines, with their numbers, in every chunking', () => {
    for (const size of [1, 2, 3, 5, 7, 16, 1000]) {
      const { got, lines } = read(input, size);
      expect(got, `chunk ${size}`).toEqual([
        [2, 'two DENIED here', false],
        [4, 'four: pull access denied for x', false],
        [5, 'last denied', false],
      ]);
      expect(lines).toBe(5);
    }
  });

  it('gives the lines before a candidate while it is handed on, whole ones only, as far as the chunk holds them', () => {
    const seen = (...chunks: string[]) => {
      let before: { line: number; text: string }[] = [];
      const reader = new LineReader(new KeywordAutomaton(['denied']), () => (before = reader.linesBefore(5)));
      for (const c of chunks) reader.push(Buffer.from(c));
      reader.end();
      return before;
    };
    expect(seen('a1\nb22\r\nc333\nfailed denied\nz\n')).toEqual([
      { line: 1, text: 'a1' },
      { line: 2, text: 'b22' },
      { line: 3, text: 'c333' },
    ]);
    // The second chunk starts inside `b22`: that line was carried from the chunk before and is not whole there.
    expect(seen('a1\nb2', '2\r\nc333\nfailed denied\nz\n')).toEqual([{ line: 3, text: 'c333' }]);
    // A candidate carried across chunks is handed on from its own bytes: nothing before it is held.
    expect(seen('a1\nb22\r\nc333\nfail', 'ed denied\nz\n')).toEqual([]);
  });

  it('keeps a UTF-8 character that is split across chunks', () => {
    const utf = Buffer.from('a\nпуск denied ё 월\nb\n');
    for (const size of [1, 2, 3]) expect(read(utf, size).got).toEqual([[2, 'пуск denied ё 월', false]]);
  });

  it('matches keywords written in another case and non-ASCII keywords', () => {
    const { got } = read(Buffer.from('x\nОшибка доступа\nERROR\n'), 4, ['ошибка', 'error']);
    expect(got.map((g) => g[1])).toEqual(['ERROR']); // non-ASCII bytes match exactly, ASCII case-insensitively
    expect(read(Buffer.from('Ошибка\n'), 2, ['Ошибка']).got).toHaveLength(1);
  });

  it('cuts a line longer than the maximum and keeps counting lines after it', () => {
    const long = `start denied ${'x'.repeat(5000)}\nnext denied\n`;
    for (const size of [64, 4096, 100000]) {
      const { got, lines } = read(Buffer.from(long), size, ['denied'], 100);
      expect(got[0][0]).toBe(1);
      expect(got[0][1].length).toBeLessThanOrEqual(100);
      expect(got[0][2]).toBe(true);
      expect(got[1]).toEqual([2, 'next denied', false]);
      expect(lines).toBe(2);
    }
  });

  it('passes over a huge line with no keyword in its head without keeping it', () => {
    const huge = Buffer.concat([Buffer.alloc(3_000_000, 0x61), Buffer.from('\nthen denied\n')]);
    const { got, lines } = read(huge, 65536, ['denied'], 1024);
    expect(got).toEqual([[2, 'then denied', false]]);
    expect(lines).toBe(2);
  });

  it('counts a last line without a newline', () => {
    expect(read(Buffer.from('a\nb'), 1).lines).toBe(2);
    expect(read(Buffer.from(''), 1).lines).toBe(0);
  });
});

describe('KeywordAutomaton', () => {
  it('finds overlapping keywords through failure links', () => {
    const a = new KeywordAutomaton(['he', 'she', 'his', 'hers']);
    const ids = a.collectString('ushers');
    expect([...ids].sort()).toEqual([0, 1, 3]);
  });
});
