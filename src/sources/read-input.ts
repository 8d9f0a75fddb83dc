// Reads one input of any kind into an analyzer: log text straight from the file, gzip, a REST JSON export, stdin.

import type { Readable } from 'node:stream';
import type { SourceAnalyzer } from '../diagnose/analyzer.js';
import type { KeywordAutomaton } from '../rules/keywords.js';
import { openInput, type Input, type OpenedInput } from './inputs.js';
import { readJsonStream } from './json-source.js';
import { readLogStream } from './log-source.js';
import { readLogFile } from './text-file.js';

export interface InputReadOptions {
  automaton: KeywordAutomaton;
  maxLineBytes?: number;
  stdin?: Readable;
  /** Stops reading stdin (see AnalyzeOptions.signal). */
  signal?: AbortSignal;
  /** Told how many bytes were read (before gunzip), as they are read (progress). */
  onBytes?: (bytes: number) => void;
  /** Told what the input lacked though it was read (a REST export without log entries). */
  notice?: (message: string) => void;
}

/** Feeds an input to the analyzer and ends it; returns the lines (or REST log entries) read. */
export async function readInput(input: Input, analyzer: SourceAnalyzer, options: InputReadOptions): Promise<number> {
  if (input.path !== null) {
    // Plain text is read straight into the line reader; gzip and JSON exports go through a stream.
    const lines = await readLogFile(input.path, options.automaton, analyzer, options);
    if (lines !== null) return lines;
  }
  return readOpened(await openInput(input, options.stdin, options.onBytes, options.signal), analyzer, options);
}

/** Feeds an opened input (a file, stdin or a download) to the analyzer, as its first bytes said to read it. */
export function readOpened(opened: OpenedInput, analyzer: SourceAnalyzer, options: Pick<InputReadOptions, 'automaton' | 'maxLineBytes' | 'notice'>): Promise<number> {
  const read = opened.kind === 'json' ? readJsonStream : readLogStream;
  return read(opened.stream, options.automaton, analyzer, { maxLineBytes: options.maxLineBytes, notice: options.notice });
}
