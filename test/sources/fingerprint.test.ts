// The content fingerprint of a log file: the same bytes anywhere give the same one, a change at either end or in the
// size another; the middle of a large file is not read (the reading proper reads it once).
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprintOf, inputInfo } from '../../src/sources/fingerprint.js';
import { tempDir } from '../helpers/cli.js';

const dir = tempDir();
/** Writes the bytes to a new file; returns its fingerprint. */
let n = 0;
const of = (bytes: Buffer): string | null => {
  const path = join(dir, `f${n++}.log`);
  writeFileSync(path, bytes);
  return fingerprintOf(path, bytes.length);
};
const text = (size: number, seed = 'a'): Buffer => Buffer.from(Array.from({ length: size }, (_, i) => String.fromCharCode(97 + ((i * 7 + seed.charCodeAt(0)) % 26))).join(''));

describe('fingerprintOf', () => {
  it('is the same for the same bytes at another path, and differs when a byte of a small file or its size does', () => {
    const small = text(5000);
    expect(of(small)).toMatch(/^[0-9a-f]{64}$/);
    expect(of(small)).toBe(of(Buffer.from(small)));
    const changed = Buffer.from(small);
    changed[2500] ^= 1;
    expect(of(changed)).not.toBe(of(small));
    expect(of(small.subarray(0, 4999))).not.toBe(of(small));
    expect(of(Buffer.alloc(0))).toBe(of(Buffer.alloc(0)));
  });

  it('reads a large file at both ends only: a change in its first or last 64 KiB counts, one in the middle does not', () => {
    const big = text(1 << 20);
    const at = (i: number) => {
      const b = Buffer.from(big);
      b[i] ^= 1;
      return of(b);
    };
    const same = of(big);
    expect(at(0)).not.toBe(same);
    expect(at((64 << 10) - 1)).not.toBe(same);
    expect(at(big.length - (64 << 10))).not.toBe(same);
    expect(at(big.length - 1)).not.toBe(same);
    expect(at(big.length >> 1)).toBe(same);
  });

  it('is null for a file that cannot be opened (the reading reports it)', () => {
    expect(fingerprintOf(join(dir, 'missing.log'), 10)).toBeNull();
  });
});

describe('inputInfo', () => {
  it("a regular file's row holds its fingerprint when there is a database; stdin, a folder and --no-db have none", () => {
    const path = join(dir, 'info.log');
    writeFileSync(path, 'simple\t03-Nov-2025 09:41:07\thello\n');
    const input = { name: 'info.log', path, stat: statSync(path) };
    const info = inputInfo(input, 'file', true);
    expect(info).toMatchObject({ path, kind: 'file', size: input.stat.size, mtimeMs: Math.trunc(input.stat.mtimeMs) });
    expect(info.fingerprint).toBe(fingerprintOf(path, input.stat.size));
    expect({ ...info }.fingerprint).toBe(info.fingerprint);
    expect(inputInfo(input, 'file', false).fingerprint).toBeNull();
    expect(inputInfo({ name: '-', path: null, stat: null }, 'stdin', true)).toEqual({ path: '-', kind: 'stdin', size: null, mtimeMs: null, fingerprint: null });
    expect(inputInfo({ name: 'd', path: dir, stat: statSync(dir) }, 'file', true).fingerprint).toBeNull();
  });
});
