// Turns the paths a user names (files, folders, `-`) into inputs, and opens an input as a byte stream.

import { createReadStream, readdirSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { foreignJson, sniff, SNIFF_LIMIT, type InputKind } from './log-source.js';
import { notBambooMessage as notBamboo } from './rest-shape.js';
import { InputError } from '../errors.js';

export interface Input {
  /** The name shown in output and stored as the diagnosis `source`: the path as given, or `-`. */
  name: string;
  /** Absolute path; null for stdin. */
  path: string | null;
  stat: Stats | null;
}

/**
 * In a folder, files with these endings (or none) are read; others (notes, databases) are passed over. A log
 * rotated by log4j or the service wrapper (`atlassian-bamboo.log.1`, `wrapper.log.2`) is a log too.
 */
const LOG_FILE = /(\.(log|txt|json|gz|out)(\.\d{1,4})?|^[^.]+)$/i;

/**
 * Expands folders recursively (sorted, hidden entries skipped) and globs (`'logs/**\/*.log'`, quoted so the
 * program expands it, as a Windows shell would not); a missing path or a glob that matches nothing is an
 * InputError. A path that exists is taken as it is even if it holds glob characters.
 */
export function expandInputs(paths: string[], unreadable?: (error: InputError) => void, cwd = '.'): Input[] {
  const inputs: Input[] = [];
  const at = (path: string) => resolve(cwd, path);
  const walker = walk(at, unreadable);
  for (const given of paths) {
    if (given === '-') {
      inputs.push({ name: '-', path: null, stat: null });
      continue;
    }
    const stat = statOrNull(at(given));
    if (stat) addPath(given, stat, inputs, walker, at);
    else if (isDynamicPattern(given)) expandGlob(given, inputs, walker, at, cwd);
    else throw new InputError(given, null, whyNot(at(given)));
  }
  return inputs;
}

/** Why a path that cannot be stat'ed cannot be read: missing, a symbolic link loop, no permission. */
function whyNot(path: string): string {
  try {
    statSync(path);
    return 'cannot be read';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return 'a loop of symbolic links (ELOOP): it leads back to itself, not to a file';
    if (code === 'EACCES' || code === 'EPERM') return `cannot be reached (${code}: permission denied on a folder of its path)`;
    if (code === 'ENAMETOOLONG') return 'the path is too long (ENAMETOOLONG)';
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file or folder' : `cannot be read (${code ?? (err as Error).message})`;
  }
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

type Walk = (dir: string, into: Input[]) => void;
/** A name as given (relative to the working folder) to the path the process opens. */
type At = (path: string) => string;

function addPath(path: string, stat: Stats, into: Input[], walker: Walk, at: At): void {
  if (stat.isDirectory()) walker(path, into);
  else into.push({ name: path, path: at(path), stat });
}

function expandGlob(pattern: string, into: Input[], walker: Walk, at: At, cwd: string): void {
  const options = { onlyFiles: false, expandDirectories: false, absolute: isAbsolute(pattern), cwd };
  const matches = globSync(pattern, options).sort((a, b) => a.localeCompare(b));
  if (matches.length === 0) throw new InputError(pattern, null, 'no file or folder matches this pattern');
  const found: Input[] = [];
  for (const match of matches) {
    const path = match.endsWith('/') ? match.slice(0, -1) : match;
    const stat = statOrNull(at(path));
    if (stat) addPath(path, stat, found, walker, at);
  }
  // `logs/**` matches a folder and the files in it: each file is read once.
  const seen = new Set<string>();
  for (const input of found) if (!seen.has(input.path!) && seen.add(input.path!)) into.push(input);
}

/**
 * Lists folders recursively. A folder that cannot be listed (no permission) is an InputError naming it: told to
 * `unreadable` when given, so the rest of the folder is still read, else thrown.
 */
function walk(at: At, unreadable?: (error: InputError) => void): Walk {
  const step: Walk = (dir, into) => {
    let entries;
    try {
      entries = readdirSync(at(dir), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    } catch (err) {
      const error = new InputError(dir, null, `cannot list this folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      if (!unreadable) throw error;
      return unreadable(error);
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) step(path, into);
      else if (entry.isFile() && LOG_FILE.test(entry.name)) into.push({ name: path, path: at(path), stat: statOrNull(at(path)) });
    }
  };
  return step;
}

/** Expands each path on its own: a missing or unreadable one is told to `failed` while the others are still read. */
export function expandEach(paths: string[], failed: InputError[], cwd?: string): Input[] {
  return paths.flatMap((path) => {
    try {
      return expandInputs([path], (unreadable) => void failed.push(unreadable), cwd);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      failed.push(err);
      return [];
    }
  });
}

/** What an opened input holds, decided from its first bytes (after gunzip when it is gzip). */
export interface OpenedInput {
  kind: 'json' | 'text';
  gzip: boolean;
  stream: AsyncIterable<Buffer>;
}

/**
 * Opens an input (stdin for `-`), gunzips it when its bytes say gzip, and says whether it is JSON or text.
 * `onBytes` is told the size of each chunk read from the file itself (compressed bytes for gzip).
 */
export async function openInput(input: Input, stdin: Readable = process.stdin, onBytes?: (bytes: number) => void, stop?: AbortSignal): Promise<OpenedInput> {
  const raw: Readable = input.path === null ? stdin : createReadStream(input.path, { highWaterMark: 1 << 20 });
  // A pipe ends when it is stopped (SIGINT to `tail -F … | bamboo-doctor analyze -`), as if its writer had closed it.
  const bytes = input.path === null && stop ? untilAborted(raw, stop, () => raw.destroy()) : raw;
  return openStream(input.name, bytes, onBytes, () => raw.destroy(), input.path === null);
}

/**
 * The chunks of a stream until the signal aborts; then it ends, and `release` lets the source go (a pipe still
 * open must be destroyed, or it keeps the process alive: its iterator's return() waits behind the read pending).
 */
export async function* untilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal, release: () => void): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let onAbort = () => {};
  const aborted = new Promise<null>((resolve) => (onAbort = () => resolve(null)));
  signal.addEventListener('abort', onAbort, { once: true });
  let pending: Promise<IteratorResult<T>> | null = null;
  try {
    while (!signal.aborted) {
      pending = it.next();
      const next = await Promise.race([pending, aborted]);
      if (next === null || next.done) return;
      pending = null;
      yield next.value;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    // The read left waiting ends with the stream; its outcome no longer matters.
    pending?.catch(() => {});
    release();
  }
}

/**
 * The same for a byte stream from elsewhere (a download): gunzipped when gzip, told JSON or text by its first
 * bytes, refused by name when it is no log at all. `release` lets go of the source when it is refused.
 */
export async function openStream(
  name: string,
  raw: AsyncIterable<Buffer | string>,
  onBytes?: (bytes: number) => void,
  release?: () => void,
  live = false,
): Promise<OpenedInput> {
  // A pipe is told from as little as tells it (live input is not held back); anything else from its first
  // SNIFF_LIMIT bytes, so the same bytes are judged alike however they come in chunks (found by `npm run fuzz`).
  const enough = live ? told : null;
  let { head, stream, ended } = await peek(raw, onBytes, enough);
  const gzip = sniff(head) === 'gzip';
  if (gzip) ({ head, stream, ended } = await peek(Readable.from(stream).pipe(createGunzip()), undefined, enough));
  const kind = sniff(head);
  const json = kind === 'text' ? foreignJson(head, ended) : null;
  const refused = json ? notBamboo(json) : NOT_A_LOG[kind];
  if (refused) {
    release?.();
    throw new InputError(name, null, refused);
  }
  return { kind: kind === 'json' ? 'json' : 'text', gzip, stream };
}

/** True once the head tells what the input is (text that starts like JSON may need more than a pipe's first chunk). */
const told = (head: Buffer): boolean => sniff(head, false) !== 'more';

/** What to tell a user whose input is no build log nor JSON export, by what its first bytes say it is. */
export const NOT_A_LOG: Partial<Record<InputKind, string>> = {
  binary: 'this is binary data (an archive, an image, UTF-16 text?), not a Bamboo build log or REST export',
  xml:
    "this is XML: Bamboo's REST API answers XML unless the request asks for JSON; fetch it again with the header " +
    "'Accept: application/json', or with .json after the key (/rest/api/latest/result/KEY.json?expand=logEntries)",
  html:
    'this is an HTML page (a login page, or a result page saved from the browser?), not a build log or REST export; ' +
    "download the job's .log from its result page, or fetch /rest/api/latest/result/KEY.json?expand=logEntries",
};

/**
 * Why a followed file cannot be read as it grows, from its first bytes; null for log text. A gzip file or a
 * JSON export does not grow by lines (a `logs/*` glob picks up rotated `.gz` files too).
 */
export function notFollowable(head: Buffer): string | null {
  const kind = sniff(head);
  const instead = '--follow reads a log as it grows; analyze it without --follow';
  if (kind === 'gzip') return `this is gzip-compressed: ${instead}`;
  if (kind === 'json') return `this is a REST JSON export: ${instead}`;
  return NOT_A_LOG[kind] ?? null;
}

/**
 * Reads the first chunk of a stream (more chunks, up to SNIFF_LIMIT bytes, while `enough` says the head does not
 * tell yet, or up to SNIFF_LIMIT when `enough` is null) and gives back a stream that still starts with it;
 * `ended` when the stream ended within the head.
 */
export async function peek(
  stream: AsyncIterable<Buffer | string>,
  onBytes?: (bytes: number) => void,
  enough: ((head: Buffer) => boolean) | null = () => true,
): Promise<{ head: Buffer; stream: AsyncIterable<Buffer>; ended: boolean }> {
  const it = stream[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  let ended = false;
  do {
    const next = await it.next();
    if (next.done) {
      ended = true;
    } else {
      const chunk = toBuffer(next.value);
      chunks.push(chunk);
      size += chunk.length;
    }
    // With `enough` null, up to SNIFF_LIMIT is read whatever the head says (no head is built for each chunk).
  } while (!ended && size < SNIFF_LIMIT && (!enough || !enough(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks))));
  const head = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length) {
      onBytes?.(head.length);
      yield head;
    }
    if (ended) return;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      const chunk = toBuffer(next.value);
      onBytes?.(chunk.length);
      yield chunk;
    }
  }
  return { head, stream: rest(), ended };
}

const toBuffer = (v: Buffer | string): Buffer => (typeof v === 'string' ? Buffer.from(v) : v);
