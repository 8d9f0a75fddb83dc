// Reads a Bamboo `.log` (or any text) from a byte stream into a SourceAnalyzer, gzip included.

import { parseEnvelope } from '../parse/envelope.js';
import type { SourceAnalyzer } from '../diagnose/analyzer.js';
import type { KeywordAutomaton } from '../rules/keywords.js';
import { DEFAULT_MAX_LINE_BYTES, LineReader } from './line-reader.js';
import { InputError, StoreError } from '../errors.js';

export interface ReadOptions {
  maxLineBytes?: number;
  /** Told, after a whole reading, what the input lacked (a REST export without log entries, or a page of them). */
  notice?: (message: string) => void;
}

/**
 * Feeds the lines of a text stream to the analyzer; returns the number of lines read. When the stream
 * breaks, what was read is still analysed and its jobs ended before the error is raised. A StoreError passes as it is.
 */
export async function readLogStream(
  stream: AsyncIterable<Buffer | string>,
  automaton: KeywordAutomaton,
  analyzer: SourceAnalyzer,
  options: ReadOptions = {},
): Promise<number> {
  const reader = new LineReader(
    automaton,
    (line, text, truncated) => {
      const entry = parseEnvelope(text, line);
      if (truncated) entry.truncated = true;
      analyzer.line(entry);
    },
    options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
  );
  try {
    for await (const chunk of stream) reader.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  } catch (err) {
    // The database failed while storing a job: reading on (or ending the jobs, which stores them) cannot help.
    if (err instanceof StoreError) throw err;
    reader.end();
    analyzer.end();
    throw new InputError(analyzer.source, reader.lines + 1, (err as Error).message);
  }
  reader.end();
  analyzer.end();
  return reader.lines;
}

export type InputKind = 'gzip' | 'json' | 'xml' | 'html' | 'text' | 'binary';

/**
 * The first bytes of an input tell what it is: gzip, a JSON export, log text, or what is no log at all:
 * binary data, an XML REST response (Bamboo answers XML unless JSON is asked for) or an HTML page.
 */
export function sniff(head: Buffer): InputKind {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (looksBinary(head)) return 'binary';
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3; // UTF-8 BOM
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  if (head[i] === 0x7b || head[i] === 0x5b || isJsonScalar(head, i)) return 'json';
  if (head[i] !== 0x3c) return 'text';
  // A log line never starts with these; a fragment that starts with other markup (`<dependency>`) is still text.
  const start = head.toString('latin1', i, i + 16).toLowerCase();
  if (start.startsWith('<?xml')) return 'xml';
  return start.startsWith('<!doctype html') || start.startsWith('<html') ? 'html' : 'text';
}

/**
 * A whole input that is one JSON scalar (`null`, `"text"`, `42`, `true`: what a REST call or a script may save
 * instead of an export) is JSON, so that it is told it is not an export rather than read as an empty log. Only a
 * head that parses whole counts: a log that merely starts with a quote or a digit is text.
 */
/** inputs.ts's HEAD_BYTES: a longer head is not the whole input. */
const HEAD_LIMIT = 1 << 16;

function isJsonScalar(head: Buffer, at: number): boolean {
  const c = head[at];
  const starts = c === 0x22 || c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x6e || c === 0x74 || c === 0x66;
  if (!starts || head.length > HEAD_LIMIT) return false;
  try {
    JSON.parse(head.toString('utf8', at));
    return true;
  } catch {
    return false;
  }
}

/** How much of the head is looked at, and the share of control bytes above which it is not text. */
const BINARY_PROBE = 8192;
const BINARY_SHARE = 0.05;

/**
 * Archives, images and UTF-16 text are full of NUL and other control bytes; a log has at most a stray one (a
 * program that printed binary junk), so a share, not a single NUL, decides. TAB, LF, VT, FF, CR, BS and ESC
 * (colour codes, progress bars) are text.
 */
function looksBinary(head: Buffer): boolean {
  const end = Math.min(head.length, BINARY_PROBE);
  let control = 0;
  for (let i = 0; i < end; i++) {
    const b = head[i];
    if ((b < 0x20 && (b < 0x08 || b > 0x0d) && b !== 0x1b) || b === 0x7f) control++;
  }
  return end > 0 && control / end > BINARY_SHARE;
}
