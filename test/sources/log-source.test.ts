import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sniff } from '../../src/sources/log-source.js';

describe('sniff', () => {
  it('tells gzip, JSON and log text apart', () => {
    expect(sniff(Buffer.from([0x1f, 0x8b, 8, 0]))).toBe('gzip');
    expect(sniff(Buffer.from('\ufeff  {"results":'))).toBe('json');
    expect(sniff(Buffer.from('simple\t04-Apr-2016 15:33:26\tBuild working directory is /x\r\n'))).toBe('text');
    expect(sniff(Buffer.alloc(0))).toBe('text');
  });

  it('calls archives, random bytes and UTF-16 text binary', () => {
    const zip = Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00'), randomBytes(4000)]);
    expect(sniff(zip)).toBe('binary');
    expect(sniff(randomBytes(20000))).toBe('binary');
    expect(sniff(Buffer.from('\ufeffsimple\t04-Apr-2016 15:33:26\tBuild started\r\n', 'utf16le'))).toBe('binary');
  });

  it('keeps a log with colour codes, progress bars and a stray NUL from a program as text', () => {
    const log = [
      'build\t04-Apr-2016 15:33:26\t\x1b[32m✓\x1b[0m 148 passed',
      'error\t04-Apr-2016 15:33:26\t 45% [=====>     ]\r 90% [==========>]\b',
      'build\t04-Apr-2016 15:33:27\t\xff\xfe\x00W\x00a\x00r\x00n\x00',
      'simple\t04-Apr-2016 15:33:27\tFinished task \'Build\' with result: Success',
    ].join('\n');
    expect(sniff(Buffer.from(log, 'latin1'))).toBe('text');
  });
});
