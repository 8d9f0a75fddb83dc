// `npm run fuzz`: throws random bytes, random cuts of real logs and of REST exports, and random chunkings at the
// reader; fails when an exception other than an input error escapes, memory grows past a bound, or the same bytes
// give other diagnoses when they arrive in other chunks. Not part of `npm test` (it runs for minutes).
//
//   FUZZ_SECONDS=180 FUZZ_SEED=1234 npm run fuzz     (the seed of a failing run reproduces it)

import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { analyzeStream, InputError, loadRules, RuleSet, toRecord } from '../dist/index.js';
import { convertLog } from '../bench/log-to-rest.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 180);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
/** Inputs are at most a few MB: a resident set past this means something is kept that should not be. */
const MAX_RSS = 700 * 1024 * 1024;

/** mulberry32: small, fast, and a seed reproduces a run. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(SEED);
const int = (n) => Math.floor(random() * n);
const pick = (list) => list[int(list.length)];

/** The real logs and exports of the repository (samples/, test/fixtures/), and REST exports made from the logs. */
function corpus() {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(log|json|txt|out)$/.test(name) && statSync(path).size < 4 << 20) files.push(path);
    }
  };
  walk(join(ROOT, 'samples'));
  walk(join(ROOT, 'test', 'fixtures'));
  const logs = files.filter((f) => f.endsWith('.log')).map((f) => ({ name: relative(ROOT, f), bytes: readFileSync(f) }));
  const exports = files.filter((f) => f.endsWith('.json')).map((f) => ({ name: relative(ROOT, f), bytes: readFileSync(f) }));
  for (const log of logs) {
    for (const shape of ['job', 'list', 'plan']) {
      try {
        exports.push({ name: `${log.name} as a REST ${shape}`, bytes: Buffer.from(JSON.stringify(convertLog(log.bytes.toString('utf8'), { shape }))) });
      } catch {
        // A log without a build key has no REST shape of its own.
      }
    }
  }
  return { logs, exports };
}

const randomBytes = (n) => Buffer.from(Array.from({ length: n }, () => int(256)));
const cut = (bytes) => {
  const from = int(bytes.length);
  return bytes.subarray(from, from + 1 + int(bytes.length - from));
};

/** Damage a copy of the bytes: flipped bytes, control characters, a removed or a doubled stretch, a very long line. */
function mutate(bytes) {
  let out = Buffer.from(bytes);
  for (let n = int(4); n > 0; n--) {
    const at = int(out.length + 1);
    switch (int(5)) {
      case 0:
        if (out.length) out[Math.min(at, out.length - 1)] = int(256);
        break;
      case 1:
        out = Buffer.concat([out.subarray(0, at), Buffer.from(pick(['\u001b[31m', '\r', '\u0000', '\u0007', '\u00e9', '\ufffd', '"', '}', ']', '\n\n'])), out.subarray(at)]);
        break;
      case 2:
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + int(200))]);
        break;
      case 3:
        out = Buffer.concat([out.subarray(0, at), out.subarray(at, at + int(2000)), out.subarray(at)]);
        break;
      case 4:
        out = Buffer.concat([out.subarray(0, at), Buffer.alloc(int(3 << 20), pick([0x61, 0x20, 0x7b])), out.subarray(at)]);
        break;
    }
  }
  return out;
}

const CASES = {
  'random bytes': () => randomBytes(int(8192)),
  'random text lines': () => Buffer.from(Array.from({ length: int(400) }, () => randomBytes(int(120)).toString('latin1')).join('\n')),
  'a cut of a log': ({ logs }) => cut(pick(logs).bytes),
  'a damaged log': ({ logs }) => mutate(pick(logs).bytes),
  'a cut of a REST export': ({ exports }) => cut(pick(exports).bytes),
  'a damaged REST export': ({ exports }) => mutate(pick(exports).bytes),
  'a gzip, cut': ({ logs }) => cut(gzipSync(pick(logs).bytes)),
};

/** The bytes in chunks of random sizes (1 byte to 64 KB), or whole when `sizes` is null. */
async function* chunks(bytes, sizes) {
  if (!sizes) return yield bytes;
  for (let at = 0; at < bytes.length; ) {
    const n = 1 + int(sizes);
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

/** What the reader makes of the bytes: the diagnoses (as the output contract prints them) and the input errors. */
async function readOnce(ruleSet, bytes, sizes, maxLineBytes) {
  const diagnoses = [];
  const result = await analyzeStream({ name: 'fuzz', kind: 'fuzz', stream: chunks(bytes, sizes), ruleSet, store: null, sinks: [{ diagnosis: (d) => diagnoses.push(JSON.stringify(toRecord(d))) }], maxLineBytes });
  for (const e of result.failed) if (!(e instanceof InputError)) throw new Error(`a failure that is not an InputError: ${e?.stack ?? e}`);
  return JSON.stringify({ diagnoses: diagnoses.sort(), failed: result.failed.map((e) => e.message) });
}

function fail(kind, bytes, message) {
  const dir = join(ROOT, 'fuzz', 'failures');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `seed-${SEED}-${Date.now()}.bin`);
  writeFileSync(file, bytes);
  console.error(`fuzz: FAILED on ${kind} (seed ${SEED}; input kept in ${relative(ROOT, file)}):\n${message}`);
  process.exit(1);
}

const ruleSet = new RuleSet(loadRules());
const material = corpus();
const end = Date.now() + SECONDS * 1000;
const counts = Object.fromEntries(Object.keys(CASES).map((k) => [k, 0]));
let peak = 0;
console.log(`fuzz: seed ${SEED}, ${SECONDS} s, ${material.logs.length} logs and ${material.exports.length} REST exports`);
while (Date.now() < end) {
  const kind = pick(Object.keys(CASES));
  const bytes = CASES[kind](material);
  const maxLineBytes = pick([undefined, 64, 1000, 4096, 65536]);
  let whole;
  try {
    whole = await readOnce(ruleSet, bytes, null, maxLineBytes);
    for (const sizes of [16, 4096, 65536]) {
      const again = await readOnce(ruleSet, bytes, sizes, maxLineBytes);
      if (again !== whole) fail(kind, bytes, `other diagnoses in chunks of up to ${sizes} bytes (max-line-bytes ${maxLineBytes}):\nwhole:   ${whole.slice(0, 2000)}\nchunked: ${again.slice(0, 2000)}`);
    }
  } catch (err) {
    fail(kind, bytes, `an exception escaped: ${err?.stack ?? err}`);
  }
  counts[kind]++;
  peak = Math.max(peak, process.memoryUsage().rss);
  if (peak > MAX_RSS) fail(kind, bytes, `resident memory reached ${Math.round(peak / 2 ** 20)} MB`);
}
const total = Object.values(counts).reduce((a, b) => a + b, 0);
console.log(`fuzz: ${total} inputs, each whole and in 3 chunkings, no failure; peak RSS ${Math.round(peak / 2 ** 20)} MB`);
for (const [kind, n] of Object.entries(counts)) console.log(`  ${String(n).padStart(6)}  ${kind}`);
