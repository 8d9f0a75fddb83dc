// A worker thread of `analyze --jobs N`: reads the files and file parts it is sent, and sends back finished jobs.

import { parentPort, workerData } from 'node:worker_threads';
import { userContext } from '../context/user-context.js';
import { SourceAnalyzer } from '../diagnose/analyzer.js';
import { parseEnvelope } from '../parse/envelope.js';
import type { Rule } from '../rules/load.js';
import { RuleSet } from '../rules/rule-set.js';
import { readInput } from '../sources/read-input.js';
import { readLogFile } from '../sources/text-file.js';
import { JobCollector, readFailure, type FinishedJob, type ReadFailure } from './hand-off.js';
import type { FileRef, Task } from './split.js';

/**
 * What a worker reads with: the main thread's rules (compiled: they clone, patterns and all), and what it needs to
 * make the same user context (an enrich function cannot cross threads: the files it was made from).
 */
export interface WorkerSetup {
  rules: Rule[];
  /** `--agents` files and `--specs` paths (userContext). */
  agents?: string[];
  specs?: string[];
  maxLineBytes?: number;
}

/** What a worker read of one file, or of one part of a file. */
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

const setup = workerData as WorkerSetup;
// The same rules as the main thread's, not loaded again: ~60 ms less to start, and no rule file read twice.
const ruleSet = new RuleSet(setup.rules);
const enrich = await userContext(setup.agents, setup.specs);

async function readPart(file: FileRef, range?: Extract<Task, { kind: 'range' }>): Promise<PartResult> {
  const part: PartResult = { jobs: [], lines: 0, bytes: 0, notices: [] };
  const analyzer = new SourceAnalyzer(file.name, ruleSet, [new JobCollector((job) => part.jobs.push(job))], { enrich });
  const options = {
    automaton: ruleSet.automaton,
    maxLineBytes: setup.maxLineBytes,
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

async function run(task: Task): Promise<TaskResult> {
  if (task.kind === 'range') return { parts: [await readPart(task.file, task)] };
  const parts: PartResult[] = [];
  for (const file of task.files) parts.push(await readPart(file));
  return { parts };
}

// One task at a time: the pool sends the next only when this one's result is back.
parentPort!.on('message', (task: Task) => void run(task).then((result) => parentPort!.postMessage(result)));
