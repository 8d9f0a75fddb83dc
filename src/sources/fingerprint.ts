// A cheap content fingerprint of a log file: the same log copied to another machine or folder is known as read.

import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import type { Input } from './inputs.js';

/** Bytes taken from each end of a file. */
const END = 64 << 10;

/**
 * sha256 over the size and the first and last 64 KiB (a file up to 128 KiB whole), hex. Not the whole file: it is
 * read before the reading proper, and a folder of thousands of job logs (or a 1 GB export) must not be read twice.
 * A Bamboo log's head holds its build key and start, its tail the end times: two logs alike there are the same log.
 * Null when the file cannot be read: the reading then fails with its own error.
 */
export function fingerprintOf(path: string, size: number): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const hash = createHash('sha256').update(`${size}\n`);
    const whole = size <= 2 * END;
    const buf = Buffer.allocUnsafe(whole ? size : 2 * END);
    hash.update(buf.subarray(0, fill(fd, buf, 0, whole ? size : END, 0)));
    if (!whole) hash.update(buf.subarray(END, END + fill(fd, buf, END, END, size - END)));
    return hash.digest('hex');
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Reads `length` bytes at `position` into buf at `offset` (fewer when the file ends first); returns how many. */
function fill(fd: number, buf: Buffer, offset: number, length: number, position: number): number {
  let got = 0;
  for (let n; got < length && (n = readSync(fd, buf, offset + got, length - got, position + got)) > 0; ) got += n;
  return got;
}

/**
 * What the `sources` row of an input says of it: its path, kind, size and modification time, and for a regular file
 * its fingerprint when `fingerprint` (there is a database to keep it; with none the file is not opened twice). The
 * fingerprint is taken when first asked for: a file read before at the same path, unchanged, is skipped unopened.
 */
export function inputInfo(input: Input, kind: string, fingerprint: boolean) {
  const stat = input.stat;
  const info = { path: input.path ?? '-', kind, size: stat?.size ?? null, mtimeMs: stat ? Math.trunc(stat.mtimeMs) : null, fingerprint: null as string | null };
  const path = input.path;
  if (fingerprint && stat?.isFile() && path !== null) {
    let taken: string | null | undefined;
    Object.defineProperty(info, 'fingerprint', { enumerable: true, get: () => (taken === undefined ? (taken = fingerprintOf(path, stat.size)) : taken) });
  }
  return info;
}
