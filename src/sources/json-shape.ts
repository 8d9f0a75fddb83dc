// Tells a Bamboo REST export from text that only starts like JSON (`[INFO] …` of a Maven paste, a JSON log line).

import { none, type Many } from 'stream-chain/defs.js';
import { jsonParser, type Token } from 'stream-json/parser.js';

/** `more`: the head ends before it tells (a pipe's first chunk may be a single `[`). */
export type ShapeVerdict = 'json' | 'text' | 'more';

/**
 * Fields only Bamboo's result resources have at their top (a job or plan result, a results list, a page of
 * log entries): `expand` and `link` head every REST answer, the rest name a result. Generic names (`id`,
 * `name`, `size`) are not enough: a structured log line has those too.
 */
const REST_KEYS = new Set([
  'expand',
  'link',
  'buildResultKey',
  'results',
  'logEntries',
  'planResultKey',
  'lifeCycleState',
  'buildState',
  'buildNumber',
  'stages',
]);

/** How many top-level fields are read before a value without any REST field is called text. */
const MAX_FIELDS = 64;
/** The parser is fed this much at a time, so it stops soon after the answer is known. */
const PIECE = 256;

/**
 * Whether `text` (the start of an input) is a Bamboo REST shape: an object with a REST field at its top, or an
 * array whose first element is one (an empty array too: an empty results list). Text that does not parse, a
 * scalar, an array of anything else, or an object without REST fields is text.
 */
export function restShape(text: string, atEnd: boolean): ShapeVerdict {
  const parse = jsonParser({ streamValues: false, jsonStreaming: true }) as unknown as (input: string | typeof none) => Many<Token> | typeof none;
  const state = new ShapeState();
  try {
    for (let at = 0; at < text.length && state.verdict === 'more'; at += PIECE) {
      const out = parse(text.slice(at, at + PIECE));
      if (out !== none) state.tokens(out.values);
    }
  } catch {
    return 'text';
  }
  return state.verdict === 'more' && atEnd ? 'text' : state.verdict;
}

class ShapeState {
  verdict: ShapeVerdict = 'more';
  private depth = 0;
  private rootIsArray = false;
  private fields = 0;

  tokens(tokens: Token[]): void {
    for (const t of tokens) {
      this.token(t);
      if (this.verdict !== 'more') return;
    }
  }

  private token(t: Token): void {
    switch (t.name) {
      case 'startObject':
      case 'startArray':
        if (this.depth === 0) this.rootIsArray = t.name === 'startArray';
        // An array root holds results: its elements must be objects, not arrays or scalars.
        else if (this.rootIsArray && this.depth === 1 && t.name === 'startArray') this.verdict = 'text';
        this.depth++;
        return;
      case 'endObject':
      case 'endArray':
        this.depth--;
        // The first value (or the array's first element) ended without a REST field; `[]` is an empty list.
        if (this.depth === 0) this.verdict = this.rootIsArray && this.fields === 0 ? 'json' : 'text';
        else if (this.depth === 1 && this.rootIsArray) this.verdict = 'text';
        return;
      case 'keyValue':
        if (this.depth !== (this.rootIsArray ? 2 : 1)) return;
        if (REST_KEYS.has(t.value)) this.verdict = 'json';
        else if (++this.fields > MAX_FIELDS) this.verdict = 'text';
        return;
      default:
        // A scalar at the top, or as an array root's element.
        if (this.depth === 0 || (this.rootIsArray && this.depth === 1 && isValueEnd(t))) this.verdict = 'text';
    }
  }
}

/** Tokens that end a scalar value (stream-json also sends start/chunk/end tokens when asked; not here). */
function isValueEnd(t: Token): boolean {
  return t.name === 'stringValue' || t.name === 'numberValue' || t.name === 'nullValue' || t.name === 'trueValue' || t.name === 'falseValue';
}
