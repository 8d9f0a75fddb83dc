// Reads a Bamboo `.log` (or any text) from a byte stream into a SourceAnalyzer, gzip included.

import { parseEnvelope } from '../parse/envelope.js';
import type { SourceAnalyzer } from '../diagnose/analyzer.js';
import type { KeywordAutomaton } from '../rules/keywords.js';
import { DEFAULT_MAX_LINE_BYTES, LineReader } from './line-reader.js';
import { InputError, StoreError } from '../errors.js';
import { restShape } from './json-shape.js';

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
  const reader = logLineReader(automaton, analyzer, options.maxLineBytes);
  try {
    for await (const chunk of stream) {
      reader.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      // Between chunks, not inside the line loop: the store's queue may hold the reading back here.
      const wait = analyzer.between();
      if (wait) await wait;
    }
  } catch (err) {
    // The database failed while storing a job: reading on (or ending the jobs, which stores them) cannot help.
    if (err instanceof StoreError) throw err;
    throw endBroken(reader, analyzer, err);
  }
  reader.end();
  analyzer.end();
  return reader.lines;
}

/** The line reader that hands each candidate line of a `.log` to the analyzer, its envelope parsed. */
export function logLineReader(automaton: KeywordAutomaton, analyzer: SourceAnalyzer, maxLineBytes = DEFAULT_MAX_LINE_BYTES): LineReader {
  const toAnalyzer = (line: number, text: string, truncated: boolean) => {
    const entry = parseEnvelope(text, line);
    if (truncated) entry.truncated = true;
    analyzer.line(entry);
  };
  const reader = new LineReader(automaton, toAnalyzer, maxLineBytes);
  analyzer.useLookBack((count) => reader.linesBefore(count).map((l) => parseEnvelope(l.text, l.line)));
  return reader;
}

/** A reading broke: what was read is analysed and its jobs ended; the error to raise names the line reached. */
export function endBroken(reader: LineReader, analyzer: SourceAnalyzer, err: unknown): InputError {
  reader.end();
  analyzer.end();
  return new InputError(analyzer.source, reader.lines + 1, (err as Error).message);
}

export type InputKind = 'gzip' | 'json' | 'xml' | 'html' | 'text' | 'binary';

/** How much of an input's start is read, at most, to tell a REST export from text that starts like JSON. */
export const SNIFF_LIMIT = 1 << 16;

/**
 * The first bytes of an input tell what it is: gzip, a JSON export, log text, or what is no log at all:
 * binary data, an XML REST response (Bamboo answers XML unless JSON is asked for) or an HTML page.
 * JSON is decided by content, not by the first character: a Maven or npm paste starts with `[INFO]`, a
 * structured log with `{"level":…}`; only a Bamboo REST shape is read as an export (see json-shape.ts).
 * With `atEnd` false, `more` means the head ends before it tells: read on, up to SNIFF_LIMIT bytes.
 */
export function sniff(head: Buffer): InputKind;
export function sniff(head: Buffer, atEnd: boolean): InputKind | 'more';
export function sniff(head: Buffer, atEnd = true): InputKind | 'more' {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (looksBinary(head)) return 'binary';
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3; // UTF-8 BOM
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  if (head[i] === 0x7b || head[i] === 0x5b) {
    const shape = restShape(head.toString('utf8', i, Math.min(head.length, SNIFF_LIMIT)), atEnd || head.length >= SNIFF_LIMIT);
    return shape === 'json' ? 'json' : shape === 'more' ? 'more' : 'text';
  }
  if (head[i] !== 0x3c) return 'text';
  // A log line never starts with these; a fragment that starts with other markup (`<dependency>`) is still text.
  const start = head.toString('latin1', i, i + 16).toLowerCase();
  if (start.startsWith('<?xml')) return 'xml';
  return start.startsWith('<!doctype html') || start.startsWith('<html') ? 'html' : 'text';
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

/**
 * A whole input (`ended`, within SNIFF_LIMIT) that parses as one JSON value though sniff called it text: an array
 * of numbers, a string, null, another service's answer; what it is, in words, or null. Told as "not a Bamboo REST
 * export" rather than read as an empty log; a Maven paste (`[INFO] …`) or a structured log of several lines does
 * not parse whole, so stays text.
 */
export function foreignJson(head: Buffer, ended: boolean): string | null {
  if (!ended || head.length >= SNIFF_LIMIT) return null;
  const text = head.toString('utf8').replace(/^\ufeff/, '').trim();
  if (!/^[[{"\-\dntf]/.test(text)) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (Array.isArray(value)) return value.length && value.every((v) => typeof v === 'number') ? 'an array of numbers' : 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : typeof value === 'string' ? 'a string' : `the ${typeof value} ${String(value)}`;
}
