// The small formatting pieces of history output: CSV quoting, sparklines, aligned tables, ISO weeks.
import { describe, expect, it } from 'vitest';
import { csvLine, sparkline, table } from '../../src/history/format.js';
import { buckets, isoWeek, parseBound } from '../../src/history/time.js';

describe('history output pieces', () => {
  it('quotes CSV fields holding a comma, a quote or a line break (RFC 4180)', () => {
    expect(csvLine(['Elastic Agent on i-1, eu', 'say "hi"', 'a\nb', 3, null])).toBe('"Elastic Agent on i-1, eu","say ""hi""","a\nb",3,\r\n');
  });

  it('scales a sparkline to its own peak and shows empty buckets as dots', () => {
    expect(sparkline([0, 1, 2, 4, 8])).toBe('·▁▂▄█');
    expect(sparkline([0, 0])).toBe('··');
  });

  it('aligns columns by characters, numbers to the right', () => {
    expect(table(['A', 'N', 'T'], [['é-long', '1', '▁█'], ['b', '100', 'x']], new Set([1]))).toBe('A         N  T\né-long    1  ▁█\nb       100  x\n');
  });

  it('numbers ISO weeks as SQLite does, across year ends', () => {
    expect(isoWeek('2025-11-03T09:00:00')).toBe('2025-W45');
    expect(isoWeek('2024-12-30')).toBe('2025-W01');
    expect(isoWeek('2021-01-03')).toBe('2020-W53');
    expect(buckets('week', '2020-12-20', '2021-01-05')).toEqual(['2020-W51', '2020-W52', '2020-W53', '2021-W01']);
  });

  it('reads --until as the end of a day or a time, --since as its start', () => {
    const now = new Date('2025-10-29T12:00:00');
    expect(parseBound('2025-10-31', 'until', now)).toEqual({ value: '2025-11-01T00:00:00', inclusive: false });
    expect(parseBound('2025-10-31', 'since', now)).toEqual({ value: '2025-10-31T00:00:00', inclusive: true });
    expect(parseBound('36h', 'since', now)).toEqual({ value: '2025-10-28T00:00:00', inclusive: true });
  });
});
