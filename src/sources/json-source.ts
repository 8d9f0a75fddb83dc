// Reads a Bamboo REST JSON export (a job result, `results.result[]`, or a plan result with stages) token by token.

import { StringDecoder } from 'node:string_decoder';
import { none, type Many } from 'stream-chain/defs.js';
import { jsonParser, type Token } from 'stream-json/parser.js';
import type { SourceAnalyzer } from '../diagnose/analyzer.js';
import type { KeywordAutomaton } from '../rules/keywords.js';
import { DEFAULT_MAX_LINE_BYTES } from './line-reader.js';
import { type ReadOptions } from './log-source.js';
import { RestWalker } from './rest-walker.js';
import { InputError, StoreError } from '../errors.js';

/**
 * Bytes are decoded and fed to the parser 4 KB at a time. Small strings stay in V8's young generation (1 MB
 * strings go to the large-object space and live until a major GC: peak RSS ~270 MB instead of ~130 MB on a
 * 100 MB export), and at no measured cost in speed. When the parser meets broken JSON it throws and the
 * tokens of the piece it was given are lost, so a small piece also keeps more of what came before a break.
 */
const PIECE = 1 << 12;

/**
 * Feeds the log entries of a REST export to the analyzer; returns the number of entries read. Memory stays
 * flat whatever the size: stream-json's tokenizer is driven synchronously chunk by chunk (no object-mode
 * stream a token), and a job result is never assembled: only the entry being read is held. When the JSON
 * is cut or broken, the jobs read so far are ended (and so stored) before the InputError is raised.
 */
export async function readJsonStream(
  stream: AsyncIterable<Buffer | string>,
  automaton: KeywordAutomaton,
  analyzer: SourceAnalyzer,
  options: ReadOptions = {},
): Promise<number> {
  const walker = new RestWalker(analyzer, automaton, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  // Called directly: a string in, a batch of tokens out; `none` flushes it (stream-chain's flushable protocol).
  // jsonStreaming: exports appended to one file (`curl … >> results.json`, one result a line) are read one after another.
  // Strings come in chunks (the walker keeps --max-line-bytes of each: a 100 MB log entry must not be held whole);
  // keys and numbers come whole.
  const parse = jsonParser({ packKeys: true, streamKeys: false, packStrings: false, streamStrings: true, packNumbers: true, streamNumbers: false, jsonStreaming: true }) as unknown as (input: string | typeof none) => Many<Token> | typeof none;
  const decoder = new StringDecoder('utf8');
  const feed = (text: string): void => {
    const out = parse(text);
    if (out !== none) walker.tokens(out.values);
  };
  let first = true;
  let atEnd = false;
  const feedBytes = (bytes: Buffer): void => {
    let text = decoder.write(bytes);
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    first = false;
    feed(text);
  };
  // Pieces start at fixed offsets of the input, whatever its chunks: where a broken export's last piece begins
  // decides what is kept before the break, and the same bytes must keep the same (found by `npm run fuzz`).
  let carry: Buffer | null = null;
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      let at = 0;
      if (carry) {
        at = Math.min(PIECE - carry.length, bytes.length);
        carry = Buffer.concat([carry, bytes.subarray(0, at)]);
        if (carry.length < PIECE) continue;
        feedBytes(carry);
        carry = null;
      }
      for (; at + PIECE <= bytes.length; at += PIECE) feedBytes(bytes.subarray(at, at + PIECE));
      if (at < bytes.length) carry = Buffer.from(bytes.subarray(at));
      const wait = analyzer.between();
      if (wait) await wait;
    }
    if (carry) feedBytes(carry);
    feed(decoder.end());
    atEnd = true;
    const out = parse(none);
    if (out !== none) walker.tokens(out.values);
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

/** The parser's words, said for a person: at the end of the input, a parse error means the export is cut. */
function describe(err: Error, atEnd: boolean): string {
  const said = err.message.replace(/^Parser /, 'the parser ');
  if (atEnd) return `the JSON ends too early, the export is cut (${said})`;
  return /^Parser /.test(err.message) ? `this is not valid JSON (${said})` : err.message;
}
