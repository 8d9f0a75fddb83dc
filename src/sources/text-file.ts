// Reads a plain-text log file (or a byte range of one) into the analyzer: one reused buffer, no stream per file.

import { closeSync, openSync, readSync } from 'node:fs';
import type { SourceAnalyzer } from '../diagnose/analyzer.js';
import type { KeywordAutomaton } from '../rules/keywords.js';
import { endBroken, foreignJson, logLineReader, sniff, SNIFF_LIMIT, type ReadOptions } from './log-source.js';

/** 1 MiB reads: ~3.5 GB/s from the page cache, 64 KB reads only ~1 GB/s (PERF-FACTS). */
const CHUNK = 1 << 20;

/**
 * The reads of one thread share this buffer. A read stream per file allocated a new 1 MiB buffer per file (and
 * waited on the thread pool for open, read and close): on an export folder of 2,897 job logs, 39 % of the run
 * was garbage collection and 28 % idle. Safe to share: each chunk is consumed before the next read (the line
 * reader copies the part of a line that spans chunks), even when two readings take turns at the yields below.
 */
let shared: Buffer | undefined;

/**
 * The reading yields to the event loop after each chunk (~1 µs a MiB): a SIGTERM, a timer or a worker's message is
 * handled between chunks, as with a read stream, and not only once a whole batch is read.
 */
const yieldToLoop = () => new Promise<void>((done) => setImmediate(done));

export interface FileReadOptions extends ReadOptions {
  /** Told the size of each chunk read (progress). */
  onBytes?: (bytes: number) => void;
  /** Bytes [start, end) only: a part of a large file that starts at a line (see pool/split.ts). */
  start?: number;
  end?: number;
  /** Called once the last line is read, before the analyzer ends its job (see SourceAnalyzer.splitsBefore). */
  atEnd?: () => void;
}

/**
 * Feeds the lines of a file to the analyzer and ends it; returns the number of lines read. Returns null, having
 * read nothing into the analyzer, when the first bytes say the file is no plain text (gzip, a JSON export, no
 * log at all): those are read as a stream. A range that starts past 0 is taken as text. When a read fails, what
 * was read is analysed and its jobs ended before the InputError (naming the line reached) is raised.
 */
export async function readLogFile(
  path: string,
  automaton: KeywordAutomaton,
  analyzer: SourceAnalyzer,
  options: FileReadOptions = {},
): Promise<number | null> {
  const fd = openSync(path, 'r');
  try {
    const buf = (shared ??= Buffer.allocUnsafe(CHUNK));
    const end = options.end ?? Infinity;
    let at = options.start ?? 0;
    // A range's first read stops at a multiple of CHUNK: its reads then fall where a reading of the whole file's do,
    // and so do the chunks a failed task's last lines are looked back for (LineReader.linesBefore).
    let n = readSync(fd, buf, 0, Math.min(CHUNK - (at % CHUNK), end - at), at);
    if (at === 0 && !plainText(buf.subarray(0, n))) return null;
    const reader = logLineReader(automaton, analyzer, options.maxLineBytes);
    while (n > 0) {
      options.onBytes?.(n);
      reader.push(buf.subarray(0, n));
      at += n;
      await yieldToLoop();
      // Between chunks, not inside the line loop: the store's queue may hold the reading back here.
      const wait = analyzer.between();
      if (wait) await wait;
      if (at >= end) break;
      try {
        n = readSync(fd, buf, 0, Math.min(CHUNK, end - at), at);
      } catch (err) {
        throw endBroken(reader, analyzer, err);
      }
    }
    reader.end();
    options.atEnd?.();
    analyzer.end();
    return reader.lines;
  } finally {
    closeSync(fd);
  }
}

/** Whether a file's first read says log text, judged as openStream judges its first SNIFF_LIMIT bytes. */
function plainText(first: Buffer): boolean {
  const head = first.subarray(0, SNIFF_LIMIT);
  return sniff(head) === 'text' && foreignJson(head, first.length < SNIFF_LIMIT) === null;
}
