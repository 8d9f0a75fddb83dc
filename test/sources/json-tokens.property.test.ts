// Property tests of the REST export's JSON tokenizer: any JSON, cut into any pieces (inside a string, an escape, a
// run of backslashes, a number, a literal), gives the tokens of the parsed value; cut short, it says so at the end.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, JsonTokenizer, type JsonSink } from '../../src/sources/json-tokens.js';

type Event = ['open', boolean] | ['close'] | ['key', string] | ['scalar', string] | ['literal'];

function recorder(): JsonSink & { events: Event[] } {
  const events: Event[] = [];
  return {
    events,
    open: (isObject) => void events.push(['open', isObject]),
    close: () => void events.push(['close']),
    key: (name) => void events.push(['key', name]),
    scalar: (value) => void events.push(['scalar', value]),
    literal: () => void events.push(['literal']),
  };
}

/** The events a value gives, worked out from the parsed value (numbers as JSON.stringify writes them). */
function expected(value: unknown, into: Event[] = []): Event[] {
  if (value === null || typeof value === 'boolean') into.push(['literal']);
  else if (typeof value === 'number') into.push(['scalar', JSON.stringify(value)]);
  else if (typeof value === 'string') into.push(['scalar', value]);
  else if (Array.isArray(value)) {
    into.push(['open', false]);
    for (const v of value) expected(v, into);
    into.push(['close']);
  } else {
    into.push(['open', true]);
    for (const [k, v] of Object.entries(value as object)) {
      into.push(['key', k]);
      expected(v, into);
    }
    into.push(['close']);
  }
  return into;
}

/** Strings rich in what is hard to cut: quotes, backslashes, escapes and characters past ASCII. */
const tricky = fc.array(fc.constantFrom('"', '\\', '\\\\', 'a', ' ', '\n', '\u0001', 'é', '月', '😀', '}', ']', ','), { maxLength: 12 }).map((p) => p.join(''));
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, tricky, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(tricky, tie('value'), { maxKeys: 4 }),
})).value;

function tokenize(text: string, cuts: number[]): Event[] {
  const sink = recorder();
  const tokenizer = new JsonTokenizer(sink);
  let at = 0;
  for (const cut of [...cuts.map((c) => Math.floor(c * text.length)).sort((a, b) => a - b), text.length]) {
    tokenizer.write(text.slice(at, cut));
    at = Math.max(at, cut);
  }
  tokenizer.end();
  return sink.events;
}

const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 });

describe('JsonTokenizer (property)', () => {
  it('gives the tokens of the parsed value, whatever the pieces', () => {
    fc.assert(
      fc.property(fc.array(json, { minLength: 1, maxLength: 3 }), cuts, (values, at) => {
        // Top-level values one after another, as exports appended to one file.
        const text = values.map((v) => JSON.stringify(v)).join('\n');
        expect(tokenize(text, at)).toEqual(values.flatMap((v) => expected(v)));
      }),
      { numRuns: 1000 },
    );
  });

  it('says the input was cut when it ends inside a value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(json, { minLength: 1 }), fc.dictionary(tricky, json, { minKeys: 1 })), fc.double({ min: 0.01, max: 0.99, noNaN: true }), (value, at) => {
        const text = JSON.stringify(value);
        const cut = text.slice(0, Math.max(1, Math.floor(at * (text.length - 1))));
        expect(() => tokenize(cut, [])).toThrow(JsonSyntaxError);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses what is not JSON', () => {
    for (const bad of ['{"a" 1}', '{"a":1,}x', '[1 2]', '{1:2}', '[nul]', '["\\x"]', '}']) expect(() => tokenize(bad, []), bad).toThrow(JsonSyntaxError);
  });

  it('keeps a long string to the cap, also when an escape falls on it', () => {
    const sink = recorder();
    const tokenizer = new JsonTokenizer(sink, 10);
    const text = JSON.stringify({ log: `abcdefgh\\"${'x'.repeat(50)}` });
    for (let i = 0; i < text.length; i += 3) tokenizer.write(text.slice(i, i + 3));
    tokenizer.end();
    expect(sink.events).toEqual([['open', true], ['key', 'log'], ['scalar', 'abcdefgh\\'], ['close']]);
  });
});
