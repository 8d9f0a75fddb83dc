// One REST `logEntry` (log, unstyledLog, formattedDate, cssStyle) as a LogLine, and the keyword test it must pass.

import type { LogLine } from '../model.js';
import { htmlToText, parseStamp } from '../parse/envelope.js';

/** The fields of a log entry the analysis needs; the others (`date`, …) are skipped while parsing. */
export interface EntryFields {
  log: string | null;
  unstyledLog: string | null;
  formattedDate: string | null;
  cssStyle: string | null;
}

export const emptyEntry = (): EntryFields => ({ log: null, unstyledLog: null, formattedDate: null, cssStyle: null });

/** The entry's text: `unstyledLog` when present, else `log` with its HTML turned into text. */
export function entryText(e: EntryFields): string {
  if (e.unstyledLog !== null) return e.unstyledLog;
  return e.log === null ? '' : htmlToText(e.log).join('\n');
}

/**
 * The entry as a line: `line` is its 1-based index in its job result. A text of several lines (`<br />` in
 * `log`, newlines in `unstyledLog`, e.g. a command entry with its environment dump) gets `parts`, as a
 * `.log` command entry's literal `\n` does, so the tracker and multi-part rules see the same pieces.
 */
export function entryLine(e: EntryFields, text: string, line: number, maxChars: number): LogLine {
  const stamp = e.formattedDate === null ? null : parseStamp(e.formattedDate);
  const entry: LogLine = { line, type: e.cssStyle === 'errorOutputLog' ? 'error' : 'plain', time: stamp?.iso ?? null, text };
  if (text.length > maxChars) {
    entry.text = text.slice(0, maxChars);
    entry.truncated = true;
  }
  if (entry.text.includes('\n')) entry.parts = entry.text.split(/\r?\n/);
  return entry;
}
