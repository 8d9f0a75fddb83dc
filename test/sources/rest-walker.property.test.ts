// Property tests of the REST export reader: however the bytes are cut into chunks (inside a string, an escape,
// a UTF-8 character, a number), and whether the key and state come before or after the log entries, the same
// diagnoses; an export cut short at any byte is an InputError, never another failure.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without types (the converter the bench uses too)
import { convertLog, jobResult, logBuildKey, logToEntries, resultsList } from '../../bench/log-to-rest.mjs';
import { SourceAnalyzer, type JobSummary } from '../../src/diagnose/analyzer.js';
import { InputError } from '../../src/errors.js';
import type { Diagnosis, LogLine } from '../../src/model.js';
import { loadRuleSet } from '../../src/rules/rule-set.js';
import { readJsonStream } from '../../src/sources/json-source.js';
import { chunked, cuts } from '../helpers/chunks.js';
import { ROOT } from '../helpers/cli.js';

const ruleSet = loadRuleSet();
const sample = (path: string) => readFileSync(join(ROOT, path), 'utf8');
/** Logs with many multi-byte characters among them (the Japanese UI copy), so a cut inside one is tried. */
const SAMPLES = ['samples/docker-runner-remote-agent.log', 'samples/docker-runner-docker-agent.log', 'samples/docker-runner-service-agent.log', 'test/fixtures/variants/japanese-ui-copy.log'].map(sample);

/** Two jobs in one `results.result[]`, the second with its key and state after its entries. */
function twoJobs(keyLast: boolean): unknown {
  const job = (text: string, last: boolean) => jobResult(logBuildKey(text), 'Failed', logToEntries(text), { keyLast: last });
  return resultsList([job(SAMPLES[0], false), job(SAMPLES[2], keyLast)]);
}

/**
 * An export, named by what it is made of (a counterexample stays short): one of the samples in one of Bamboo's
 * three shapes, key and state first or last; or two jobs in a list. `same` is the same export, key first.
 */
const exportCase = fc.record({ sample: fc.nat({ max: SAMPLES.length }), shape: fc.constantFrom('job', 'list', 'plan'), keyLast: fc.boolean() });

function exportOf({ sample, shape, keyLast }: { sample: number; shape: string; keyLast: boolean }): { json: string; same: string } {
  if (sample === SAMPLES.length) return { json: JSON.stringify(twoJobs(keyLast)), same: JSON.stringify(twoJobs(false)) };
  return { json: JSON.stringify(convertLog(SAMPLES[sample], { shape, keyLast })), same: JSON.stringify(convertLog(SAMPLES[sample], { shape })) };
}

async function* stream(chunks: Buffer[]): AsyncGenerator<Buffer> {
  yield* chunks;
}

/** An analyzer that also keeps each line handed to it (the keyword lines, decoded): what a bad cut would garble. */
class Recording extends SourceAnalyzer {
  readonly lines: LogLine[] = [];
  override line(line: LogLine): void {
    this.lines.push(line);
    super.line(line);
  }
}

async function read(chunks: Buffer[]) {
  const diagnoses: Diagnosis[] = [];
  const jobs: string[] = [];
  const notices: string[] = [];
  const sinks = [{ diagnosis: (d: Diagnosis) => void diagnoses.push(d), jobEnd: (j: JobSummary) => void jobs.push(`${j.ctx.build} ${j.ctx.state}`) }];
  const analyzer = new Recording('export.json', ruleSet, sinks);
  const entries = await readJsonStream(stream(chunks), ruleSet.automaton, analyzer, { notice: (m) => void notices.push(m) });
  return { entries, lines: analyzer.lines, diagnoses, jobs, notices };
}

/** The reading of each export whole, key first: what every cutting of it must give (read once per export). */
const baselines = new Map<string, ReturnType<typeof read>>();
const baseline = (which: { sample: number; shape: string; keyLast: boolean }) => {
  const id = `${which.sample} ${which.shape}`;
  if (!baselines.has(id)) baselines.set(id, read([Buffer.from(exportOf(which).same)]));
  return baselines.get(id)!;
};

describe('readJsonStream (property)', () => {
  it('gives the same jobs and diagnoses however the export is cut into chunks, and wherever the key and state stand', async () => {
    await fc.assert(
      fc.asyncProperty(exportCase, cuts, async (which, at) => {
        const want = await baseline(which);
        expect(want.lines.length).toBeGreaterThan(0);
        expect(await read(chunked(Buffer.from(exportOf(which).json), at))).toEqual(want);
      }),
      { numRuns: 30 },
    );
  });

  it('gives the same when fed one byte at a time: a cut at every byte, inside each multi-byte character', async () => {
    for (const which of [{ sample: 0, shape: 'list', keyLast: true }, { sample: 3, shape: 'job', keyLast: false }]) {
      const bytes = Buffer.from(exportOf(which).json);
      const bytewise = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
      expect(await read(bytewise)).toEqual(await baseline(which));
    }
  });

  it('names an export cut short at any byte as an InputError at the entry it reached', async () => {
    await fc.assert(
      fc.asyncProperty(exportCase, fc.double({ min: 0, max: 1, noNaN: true }), cuts, async (which, end, at) => {
        const whole = Buffer.from(exportOf(which).json);
        // At least one byte (an empty input is an empty file, read as nothing), at most all but the closing brace.
        const cut = whole.subarray(0, 1 + Math.floor(end * (whole.length - 2)));
        const full = await baseline(which);
        const error = await read(chunked(cut, at)).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(InputError);
        const line = (error as InputError).line;
        if (line !== null) expect(line).toBeLessThanOrEqual(full.entries + 1);
      }),
      { numRuns: 30 },
    );
  });
});
