// Reads one task of the pool (a batch of files, or a part of one) into finished jobs: in a worker thread, or in
// the main thread while it waits for a worker's result.

import type { JobContext } from '../model.js';
import { SourceAnalyzer } from '../diagnose/analyzer.js';
import { parseEnvelope } from '../parse/envelope.js';
import type { RuleSet } from '../rules/rule-set.js';
import { readInput } from '../sources/read-input.js';
import { readLogFile } from '../sources/text-file.js';
import { JobCollector, readFailure, type FinishedJob, type ReadFailure } from './hand-off.js';
import type { FileRef, Task } from './split.js';

/** What was read of one file, or of one part of a file. */
export interface PartResult {
  jobs: FinishedJob[];
  /** Lines read, counted from the part's start. */
  lines: number;
  bytes: number;
  notices: string[];
  failure?: ReadFailure;
  /** For a part followed by another: whether its end is a clean split (SourceAnalyzer.splitsBefore). */
  splits?: boolean;
}

export interface TaskResult {
  parts: PartResult[];
}

/** What a task is read with. */
export interface Reading {
  ruleSet: RuleSet;
  enrich?: (ctx: JobContext) => void;
  maxLineBytes?: number;
}

export async function runTask(task: Task, reading: Reading): Promise<TaskResult> {
  if (task.kind === 'range') return { parts: [await readPart(task.file, reading, task)] };
  const parts: PartResult[] = [];
  for (const file of task.files) parts.push(await readPart(file, reading));
  return { parts };
}

async function readPart(file: FileRef, { ruleSet, enrich, maxLineBytes }: Reading, range?: Extract<Task, { kind: 'range' }>): Promise<PartResult> {
  const part: PartResult = { jobs: [], lines: 0, bytes: 0, notices: [] };
  const analyzer = new SourceAnalyzer(file.name, ruleSet, [new JobCollector((job) => part.jobs.push(job))], { enrich });
  const options = {
    automaton: ruleSet.automaton,
    maxLineBytes,
    onBytes: (n: number) => void (part.bytes += n),
    notice: (message: string) => void part.notices.push(message),
  };
  try {
    if (!range) part.lines = await readInput({ name: file.name, path: file.path, stat: null }, analyzer, options);
    else {
      const header = range.nextHeader;
      const atEnd = header === null ? undefined : () => void (part.splits = analyzer.splitsBefore(parseEnvelope(header, 0)));
      const lines = await readLogFile(file.path, ruleSet.automaton, analyzer, { ...options, start: range.start, end: range.end, atEnd });
      if (lines === null) throw new Error('the file changed while it was read (it is no longer log text)');
      part.lines = lines;
    }
  } catch (err) {
    part.failure = readFailure(err);
  }
  return part;
}
