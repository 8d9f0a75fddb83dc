// Reads a Bamboo REST JSON export (a job result, `results.result[]`, or a plan result with stages) token by token.

import { StringDecoder } from 'node:string_decoder';
import type { SourceAnalyzer } from '../diagnose/analyzer.js';
import type { KeywordAutomaton } from '../rules/keywords.js';
import { DEFAULT_MAX_LINE_BYTES } from './line-reader.js';
import { type ReadOptions } from './log-source.js';
import { RestWalker } from './rest-walker.js';
import { JsonSyntaxError, JsonTokenizer } from './json-tokens.js';
import { InputError, StoreError } from '../errors.js';

/**
 * Bytes are decoded and fed to the tokenizer 32 KB at a time. Pieces stay in V8's young generation (1 MB
 * strings go to the large-object space and live until a major GC: peak RSS ~270 MB instead of ~130 MB on a
 * 100 MB export); the values taken from a piece are slices of it.
 */
const PIECE = 1 << 15;

/**
 * Feeds the log entries of a REST export to the analyzer; returns the number of entries read. Memory stays
 * flat whatever the size: the tokenizer hands on keys and values as it meets them (a string kept to 8x the line
 * cap), and a job result is never assembled: only the entry being read is held. When the JSON
 * is cut or broken, the jobs read so far are ended (and so stored) before the InputError is raised.
 */
export async function readJsonStream(
  stream: AsyncIterable<Buffer | string>,
  automaton: KeywordAutomaton,
  analyzer: SourceAnalyzer,
  options: ReadOptions = {},
): Promise<number> {
  const maxChars = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const walker = new RestWalker(analyzer, automaton, maxChars);
  // Exports appended to one file (`curl … >> results.json`, one result a line) are read one after another. A
  // string is kept to 8x the line cap (escapes take room; a 100 MB log entry is not held whole): entryLine cuts it.
  // What the tokenizer hands on does not depend on where the input is cut: what came before a break is all read.
  const tokenizer = new JsonTokenizer(walker, 8 * maxChars);
  const decoder = new StringDecoder('utf8');
  let first = true;
  let atEnd = false;
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      for (let at = 0; at < bytes.length; at += PIECE) {
        let text = decoder.write(bytes.subarray(at, at + PIECE));
        if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
        tokenizer.write(text);
      }
      // Between chunks: the store's queue may hold the reading back here.
      const wait = analyzer.between();
      if (wait) await wait;
    }
    tokenizer.write(decoder.end());
    atEnd = true;
    tokenizer.end();
  } catch (err) {
    if (err instanceof StoreError) throw err;
    walker.end();
    throw new InputError(analyzer.source, walker.entryReached(), `${walker.where()}: ${describe(err as Error, atEnd)}`);
  }
  walker.end();
  const notBamboo = walker.notBamboo();
  if (notBamboo) throw new InputError(analyzer.source, null, notBamboo);
  for (const notice of walker.coverage.notices()) options.notice?.(notice);
  return walker.entries;
}

/** The tokenizer's words, said for a person: at the end of the input, a syntax error means the export is cut. */
function describe(err: Error, atEnd: boolean): string {
  if (!(err instanceof JsonSyntaxError)) return err.message;
  return atEnd ? `the JSON ends too early, the export is cut (${err.message})` : `this is not valid JSON (${err.message})`;
}
