// Splits one Bamboo log line into type, time and message; a line in no known format is kept as plain text.

import type { LineType, LogLine } from '../model.js';
import { parseAgentLine, type AgentLogLine } from './agent-log.js';
import { monthNumber } from './months.js';

const TYPES: Record<string, LineType> = { simple: 'simple', build: 'build', command: 'command', error: 'error' };

// `dd-MMM-yyyy HH:mm:ss` where MMM is any locale's month token (letters, a dot, or digits with 월/月).
const STAMP = /^(\d{1,2})-([^\s\-\t]{1,12})-(\d{4})[ T](\d{1,2}):(\d{2}):(\d{2})/;

const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));

// Some exports and tools re-format the time as ISO (`2024-06-29 17:47:29` or `…T17:47:29`): accept that too.
const ISO_STAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[.,]\d{1,3})?/;

/** Parses a Bamboo log timestamp at the start of `s`; returns the ISO time and the length consumed. */
export function parseStamp(s: string): { iso: string | null; length: number } | null {
  const i = ISO_STAMP.exec(s);
  if (i) return { iso: `${i[1]}-${i[2]}-${i[3]}T${i[4]}:${i[5]}:${i[6]}`, length: i[0].length };
  const m = STAMP.exec(s);
  if (!m) return null;
  const month = monthNumber(m[2]);
  const iso = month ? `${m[3]}-${pad(month)}-${pad(Number(m[1]))}T${pad(Number(m[4]))}:${m[5]}:${m[6]}` : null;
  return { iso, length: m[0].length };
}

/**
 * Parses one line of a `.log` download: `type<TAB>dd-MMM-yyyy HH:mm:ss<TAB>message`, the two-column form,
 * a line copied from the UI with no type column, or anything else as `plain`.
 * The caller has already removed the line ending (including a trailing CR).
 */
export function parseEnvelope(raw: string, line: number): LogLine {
  // A byte-order mark (files saved by Windows tools) would hide the type column of the first line.
  if (raw.charCodeAt(0) === 0xfeff) raw = raw.slice(1);
  const tab = raw.indexOf('\t');
  if (tab > 0 && tab <= 7) {
    const type = TYPES[raw.slice(0, tab)];
    if (type) return typedEntry(type, raw.slice(tab + 1), line, false) as LogLine;
  }
  // TABs expanded to spaces (pasted into a ticket or an editor, as in Atlassian's KB): `simple    03-Jun-2024 …`.
  const spaced = SPACED_TYPE.exec(raw);
  if (spaced) {
    const entry = typedEntry(TYPES[spaced[1]], raw.slice(spaced[0].length), line, true);
    if (entry) return entry;
  }
  // The agent's own log (atlassian-bamboo.log, the service wrapper's stdout): no build-log type, but a time.
  const agent = parseAgentLine(raw);
  if (agent) return serverLogLine(agent, line);
  const c = raw.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    // Copied from the UI: `28-Feb-2014 19:50:14 Starting task …` (space or TAB after the time); pasted into a
    // Markdown table, the time and the message are separated by ` | `.
    const stamp = parseStamp(raw);
    if (stamp) return withParts({ line, type: 'plain', time: stamp.iso, text: messageAfter(raw.slice(stamp.length).replace(/^ \| /, ' ')) });
  }
  if (c === 32 || c === 9) {
    // Indented as a whole (a code block in a forum post): the line inside, when it has a type or a time.
    const inner = parseEnvelope(raw.replace(/^[ \t]+/, ''), line);
    if (inner.time !== null || inner.type !== 'plain') return inner;
  }
  return { line, type: 'plain', time: null, text: raw };
}

const KEY_PREFIX = /^([A-Z][A-Z0-9_]*-[A-Z][A-Z0-9_]*(?:-[A-Z][A-Z0-9_]*)?-\d+): /;
const AGENT_THREAD = /^\d+-BAM::(.+?)::Agent(?::|$)/;

/**
 * A log4j line of an agent's or the server's log. Lines about a build start with its key (`KEY: Executing build
 * …`): the key goes to `key` and the message is the build log's own. A local agent's thread names the agent.
 */
function serverLogLine(agent: AgentLogLine, line: number): LogLine {
  const entry: LogLine = { line, type: 'plain', time: agent.time, text: agent.message };
  const key = KEY_PREFIX.exec(agent.message);
  if (key) {
    entry.key = key[1];
    entry.text = agent.message.slice(key[0].length);
  }
  const thread = agent.thread === undefined ? null : AGENT_THREAD.exec(agent.thread);
  if (thread) entry.agent = thread[1];
  return entry;
}

/** The longest time column taken for one when it cannot be read (a day, a month name, a year and a time). */
const MAX_STAMP = 40;

const SPACED_TYPE = /^(simple|build|command|error) +(?=\d)/;

/** The rest of a line after its type column; with `needStamp`, null when no time follows (plain text after all). */
function typedEntry(type: LineType, rest: string, line: number, needStamp: boolean): LogLine | null {
  const stamp = parseStamp(rest);
  if (!stamp) {
    if (needStamp) return null;
    // A time in a form we cannot read (a month name with a space, other digits): the message is still after the
    // second TAB (lines split on their first two TABs), when that TAB is where a time would end.
    const tab = rest.indexOf('\t');
    return withParts({ line, type, time: null, text: tab >= 0 && tab <= MAX_STAMP ? rest.slice(tab + 1) : rest });
  }
  return withParts({ line, type, time: stamp.iso, text: messageAfter(rest.slice(stamp.length)) });
}

/**
 * The message after the time: after one TAB it starts at once and keeps its indentation (it may contain TABs;
 * nothing after the TAB is an empty message); after spaces (a UI copy, TABs expanded) the whole run is the separator.
 */
function messageAfter(after: string): string {
  return after.startsWith('\t') ? after.slice(1) : after.trimStart();
}

/**
 * A `command` entry such as "Beginning to execute external process" holds the command line, the working
 * directory and the environment dump in one physical line, separated by the two characters `\` `n`.
 */
function withParts(entry: LogLine): LogLine {
  if (entry.type === 'command' && entry.text.includes('\\n')) entry.parts = entry.text.split('\\n');
  return entry;
}

/** Text of a REST `log` field (HTML) as plain text: `<br />` separates parts, entities are decoded. */
export function htmlToText(html: string): string[] {
  return html
    .split(/<br\s*\/?>/i)
    .map((part) =>
      part
        .replace(/<[^>]*>/g, '')
        .replace(/&(quot|amp|lt|gt|apos|#39|#x27|nbsp);/g, (_, e: string) => ENTITIES[e] ?? _),
    );
}

const ENTITIES: Record<string, string> = {
  quot: '"',
  amp: '&',
  lt: '<',
  gt: '>',
  apos: "'",
  '#39': "'",
  '#x27': "'",
  nbsp: ' ',
};
