// The main job as a library call: read inputs, diagnose, print and store. The CLI only turns words into options.

import type { Readable } from 'node:stream';
import type { Diagnosis } from './model.js';
import { SourceAnalyzer, type Sink } from './diagnose/analyzer.js';
import type { RuleSet } from './rules/rule-set.js';
import { expandInputs, openInput, type Input } from './sources/inputs.js';
import { InputError, readLogStream } from './sources/log-source.js';
import { readJsonStream } from './sources/json-source.js';
import type { Store } from './store/store.js';
import { StoreSink } from './store/store-sink.js';

export interface AnalyzeOptions {
  paths: string[];
  ruleSet: RuleSet;
  /** Null with `--no-db`. */
  store: Store | null;
  /** Printers and other consumers of diagnoses. */
  sinks: Sink[];
  /** Read even sources the database already holds unchanged. */
  force?: boolean;
  stdin?: Readable;
  maxLineBytes?: number;
  /** Told about each input as it is done (progress), skipped or failed. */
  onInput?: (event: InputEvent) => void;
  /** Told how many bytes were read from an input (before gunzip), as they are read (progress). */
  onBytes?: (bytes: number) => void;
}

export type InputEvent =
  | { kind: 'start'; inputs: Input[] }
  | { kind: 'done'; input: Input; lines: number }
  | { kind: 'skipped'; input: Input; reason: string }
  | { kind: 'failed'; input: Input; error: InputError };

export interface AnalyzeResult {
  inputs: number;
  skipped: number;
  failed: InputError[];
  builds: number;
  diagnoses: Diagnosis[];
}

export async function analyze(options: AnalyzeOptions): Promise<AnalyzeResult> {
  const result: AnalyzeResult = { inputs: 0, skipped: 0, failed: [], builds: 0, diagnoses: [] };
  const collect: Sink = {
    diagnosis: (d) => void result.diagnoses.push(d),
    jobEnd: () => void result.builds++,
  };
  const inputs = expandEach(options.paths, result);
  options.onInput?.({ kind: 'start', inputs });
  for (const input of inputs) {
    result.inputs++;
    const info = sourceInfo(input);
    if (options.store && !options.force && info.size !== null && options.store.findSource(info)) {
      result.skipped++;
      options.onInput?.({ kind: 'skipped', input, reason: 'already analysed, unchanged since (use --force to read it again)' });
      continue;
    }
    const sourceId = options.store?.beginSource(info) ?? null;
    const sinks = [...options.sinks, collect];
    if (options.store) sinks.push(new StoreSink(options.store, sourceId, input.name, input.path === null));
    const analyzer = new SourceAnalyzer(input.name, options.ruleSet, sinks, { live: input.path === null });
    try {
      const lines = await readInput(input, options, analyzer);
      if (sourceId !== null) options.store!.finishSource(sourceId, lines, 'done');
      options.onInput?.({ kind: 'done', input, lines });
    } catch (err) {
      const error = err instanceof InputError ? err : new InputError(input.name, null, (err as Error).message);
      if (sourceId !== null) options.store!.finishSource(sourceId, error.line ?? 0, 'partial', error.message);
      result.failed.push(error);
      options.onInput?.({ kind: 'failed', input, error });
    }
  }
  return result;
}

/** Expands each path on its own, so a missing one is reported while the others are still read. */
function expandEach(paths: string[], result: AnalyzeResult): Input[] {
  return paths.flatMap((path) => {
    try {
      return expandInputs([path]);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      result.failed.push(err);
      return [];
    }
  });
}

async function readInput(input: Input, options: AnalyzeOptions, analyzer: SourceAnalyzer): Promise<number> {
  const opened = await openInput(input, options.stdin, options.onBytes);
  const read = opened.kind === 'json' ? readJsonStream : readLogStream;
  return read(opened.stream, options.ruleSet.automaton, analyzer, { maxLineBytes: options.maxLineBytes });
}

function sourceInfo(input: Input) {
  return {
    path: input.path ?? '-',
    kind: input.path === null ? 'stdin' : 'file',
    size: input.stat?.size ?? null,
    mtimeMs: input.stat ? Math.trunc(input.stat.mtimeMs) : null,
    fingerprint: null,
  };
}
