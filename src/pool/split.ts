// Plans the work of the worker threads: small files in batches, a large log file in parts that each begin at a
// build header, so that each part holds whole jobs.

import { closeSync, openSync, readSync } from 'node:fs';
import { isBuildHeader } from '../context/tracker.js';
import { parseEnvelope } from '../parse/envelope.js';
import { sniff, SNIFF_LIMIT } from '../sources/log-source.js';
import type { Input } from '../sources/inputs.js';

export interface FileRef {
  name: string;
  path: string;
}

/** What one worker reads at a time. */
export type Task =
  | { kind: 'files'; files: FileRef[] }
  /** Bytes [start, end) of a log file; `nextHeader` is the line at `end` (a build header), null for the last part. */
  | { kind: 'range'; file: FileRef; start: number; end: number; nextHeader: string | null };

/** Where an input's parts are: in which task, at which place of its result. */
export interface PartRef {
  task: number;
  index: number;
}

export interface Plan {
  tasks: Task[];
  parts: Map<Input, PartRef[]>;
  bytes: number;
}

/** A log file is read in parts of about this size (a part is also what a worker holds results for). */
export const PART_BYTES = 8 << 20;
/** Small files go to a worker in batches of about this many bytes or files: a message per file costs ~0.1 ms. */
const BATCH_BYTES = 2 << 20;
const BATCH_FILES = 256;
/** How far past a planned split the next build header is looked for; found nowhere, the part grows. */
const SEARCH_BYTES = 256 << 10;
const HEADER_MARK = Buffer.from(' started building on agent ');

/** Plans the reading of the inputs `read` accepts, in their order; the others are read elsewhere. */
export function planTasks(inputs: Input[], read: (input: Input) => boolean, maxLineBytes: number): Plan {
  const plan: Plan = { tasks: [], parts: new Map(), bytes: 0 };
  let batch: FileRef[] = [];
  let batchBytes = 0;
  const flush = () => {
    if (batch.length) plan.tasks.push({ kind: 'files', files: batch });
    batch = [];
    batchBytes = 0;
  };
  for (const input of inputs) {
    if (input.path === null || !input.stat || !read(input)) continue;
    const file = { name: input.name, path: input.path };
    const size = input.stat.size;
    plan.bytes += size;
    const splits = size >= 2 * PART_BYTES ? splitPoints(file.path, size, maxLineBytes) : [];
    if (splits.length === 0) {
      plan.parts.set(input, [{ task: plan.tasks.length, index: batch.length }]);
      batch.push(file);
      batchBytes += size;
      if (batchBytes >= BATCH_BYTES || batch.length >= BATCH_FILES) flush();
      continue;
    }
    flush();
    const refs: PartRef[] = [];
    const part = (start: number, end: number, nextHeader: string | null) => {
      refs.push({ task: plan.tasks.length, index: 0 });
      plan.tasks.push({ kind: 'range', file, start, end, nextHeader });
    };
    splits.forEach((split, i) => part(i === 0 ? 0 : splits[i - 1].at, split.at, split.header));
    // The last part reads to the end, as one reading would if the file has grown since.
    part(splits[splits.length - 1].at, Infinity, null);
    plan.parts.set(input, refs);
  }
  flush();
  return plan;
}

export interface Split {
  /** Where the part after the split begins: the start of a build header line. */
  at: number;
  /** That line, as the line reader decodes it (line ending removed). */
  header: string;
}

/**
 * Where a plain-text log can be split: at the first build header past each PART_BYTES. None for gzip, a JSON
 * export or a file with no headers near the planned splits: such a file is read in one piece.
 */
export function splitPoints(path: string, size: number, maxLineBytes: number): Split[] {
  const fd = openSync(path, 'r');
  try {
    const window = Buffer.allocUnsafe(SEARCH_BYTES);
    // Judged as openStream judges a file's start (a file this large is never JSON that parses whole).
    const head = window.subarray(0, readSync(fd, window, 0, SNIFF_LIMIT, 0));
    if (sniff(head) !== 'text') return [];
    const splits: Split[] = [];
    for (let target = PART_BYTES; target + PART_BYTES / 2 < size; target += PART_BYTES) {
      if (splits.length && splits[splits.length - 1].at >= target) continue;
      const found = headerAfter(fd, window, target, maxLineBytes);
      if (found) splits.push(found);
    }
    return splits;
  } finally {
    closeSync(fd);
  }
}

/** The first build header line that starts in the window read from `from - 1`, or null. */
function headerAfter(fd: number, window: Buffer, from: number, maxLineBytes: number): Split | null {
  const buf = window.subarray(0, readSync(fd, window, 0, window.length, from - 1));
  for (let q = buf.indexOf(HEADER_MARK); q >= 0; q = buf.indexOf(HEADER_MARK, q + 1)) {
    const start = buf.lastIndexOf(10, q) + 1;
    const end = buf.indexOf(10, q);
    if (start === 0 || end < 0 || end - start > maxLineBytes) continue;
    const header = buf.toString('utf8', start, buf[end - 1] === 13 ? end - 1 : end);
    if (isBuildHeader(parseEnvelope(header, 0).text)) return { at: from - 1 + start, header };
  }
  return null;
}
