// `--jobs N`: inputs are read ahead by worker threads while the main thread hands their finished jobs, input by
// input and in input order, to the steps and the sinks (printers, store): the output is the same as one thread's.

import type { JobContext } from '../model.js';
import { SourceAnalyzer, betweenOf, type Sink } from '../diagnose/analyzer.js';
import type { Rule } from '../rules/load.js';
import { patternFields } from '../rules/match.js';
import type { RuleSet } from '../rules/rule-set.js';
import type { Input } from '../sources/inputs.js';
import { readLogFile } from '../sources/text-file.js';
import { DEFAULT_MAX_LINE_BYTES } from '../sources/line-reader.js';
import { JobCollector, deliver, inputError, readFailure, shiftLines, type JobStep } from './hand-off.js';
import { WorkerPool } from './pool.js';
import { planTasks, type PartRef, type Plan, type Task } from './split.js';
import { runTask, type PartResult, type Reading, type TaskResult } from './task.js';
import type { WorkerSetup } from './worker.js';

export interface AheadOptions {
  jobs?: number;
  /** The files `enrich` was made from (`--agents`, `--specs`): without them, an `enrich` keeps the reading here. */
  context?: { agents?: string[]; specs?: string[] };
  ruleSet: RuleSet;
  enrich?: (ctx: JobContext) => void;
  maxLineBytes?: number;
  jobSteps?: JobStep[];
  onBytes?: (bytes: number) => void;
}

/** Reads one input's finished jobs into the sinks; returns its lines (see analyze's readSource). */
export type Read = (sinks: Sink[]) => Promise<number>;

/** Below this much to read, one thread is quicker: a worker takes ~0.1 s of CPU to start (modules, rules). */
const MIN_PARALLEL_BYTES = 4 << 20;

/**
 * The read-ahead for these inputs, or null when one thread should read them (`jobs` 1, little to read, or a
 * single piece of work). `read` tells which inputs to read ahead: not stdin (live), nor those already stored.
 */
export function readAhead(inputs: Input[], read: (input: Input) => boolean, options: AheadOptions): ReadAhead | null {
  const jobs = options.jobs ?? 1;
  if (jobs <= 1 || (options.enrich && !options.context) || !options.ruleSet.rules.every(crossesThreads)) return null;
  const plan = planTasks(inputs, read, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  if (plan.tasks.length < 2 || plan.bytes < MIN_PARALLEL_BYTES) return null;
  const setup: WorkerSetup = { rules: options.ruleSet.rules, ...options.context, maxLineBytes: options.maxLineBytes };
  // The main thread reads too, while it waits: N readers are N - 1 workers and it.
  const pool = new WorkerPool(Math.min(jobs, plan.tasks.length) - 1, setup);
  return new ReadAhead(plan, pool, options);
}

/** A task sent to the pool: its result, and whether it is in. */
interface Pending {
  result: Promise<TaskResult>;
  done: boolean;
}

/**
 * A user's patterns run bounded (rules/bounded.ts): their matchers are functions, which cannot be sent to a worker,
 * and the lines they gave up on are told at the end of the run from this thread's rules. Such rules read here.
 */
const crossesThreads = (rule: Rule): boolean => patternFields(rule).every(([, p]) => !p.exec);

export class ReadAhead {
  private readonly pending: (Pending | undefined)[] = [];
  private readonly indexOf = new Map<Task, number>();
  private readonly reading: Reading;
  /** Parts of each task not yet taken: a task's result is let go once all are. */
  private readonly left: number[];
  private sent = 0;
  private settled = 0;
  /** Tasks sent and not yet settled: bounds the results held and lets slow sinks hold the workers back. */
  private readonly window: number;

  constructor(
    private readonly plan: Plan,
    private readonly pool: WorkerPool,
    private readonly options: AheadOptions,
  ) {
    this.window = 2 * (options.jobs ?? 1) + 2;
    this.reading = { ruleSet: options.ruleSet, enrich: options.enrich, maxLineBytes: options.maxLineBytes };
    plan.tasks.forEach((task, i) => this.indexOf.set(task, i));
    this.left = plan.tasks.map(() => 0);
    for (const refs of plan.parts.values()) for (const ref of refs) this.left[ref.task]++;
    this.fill();
  }

  /**
   * How to read an input planned here, or undefined (stdin, or one the plan passed over): the parts its workers
   * read, delivered in order, their line numbers moved past the parts before. Called in input order.
   */
  take(input: Input, notice?: (message: string) => void): Read | undefined {
    const refs = this.plan.parts.get(input);
    if (!refs) return undefined;
    return async (sinks) => {
      let lines = 0;
      for (const [i, ref] of refs.entries()) {
        const part = await this.part(ref);
        const last = i === refs.length - 1;
        if (!last && part.splits === false) {
          // The part's last job goes on into the next part: the rest of the file is read here in one piece.
          refs.slice(i + 1).forEach((r) => this.settle(r));
          return lines + (await this.readRest(input, this.startOf(ref), lines, sinks));
        }
        this.options.onBytes?.(part.bytes);
        for (const job of part.jobs) {
          shiftLines(job, lines);
          deliver(job, sinks, this.options.jobSteps);
        }
        // Between parts, as between chunks: the sinks (the store's write queue) may hold the reading back.
        await betweenOf(sinks);
        for (const message of part.notices) notice?.(message);
        if (part.failure) {
          refs.slice(i + 1).forEach((r) => this.settle(r));
          throw inputError(input.name, part.failure, lines);
        }
        lines += part.lines;
      }
      return lines;
    };
  }

  /** An input planned here that is not read after all (already stored by an earlier input of the same run). */
  drop(input: Input): void {
    for (const ref of this.plan.parts.get(input) ?? []) this.settle(ref);
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async part(ref: PartRef): Promise<PartResult> {
    const pending = this.pending[ref.task]!;
    // While the part needed next is still being read, this thread reads a task that no worker has taken yet.
    while (!pending.done) {
      const queued = this.pool.steal();
      if (!queued) break;
      // Its result may be let go already (an input dropped after all): then it is read for nothing.
      const stolen = this.pending[this.indexOf.get(queued.task)!];
      if (stolen) stolen.done = true;
      await runTask(queued.task, this.reading).then(queued.resolve, queued.reject);
    }
    const result = await pending.result;
    this.settle(ref);
    return result.parts[ref.index];
  }

  private settle(ref: PartRef): void {
    if (--this.left[ref.task] > 0) return;
    this.pending[ref.task] = undefined;
    this.settled++;
    this.fill();
  }

  private fill(): void {
    const tasks = this.plan.tasks;
    while (this.sent < tasks.length && this.sent - this.settled < this.window) {
      // Every input of it dropped before it was sent: not read at all.
      if (this.left[this.sent] === 0) {
        this.sent++;
        continue;
      }
      const pending: Pending = { result: this.pool.run(tasks[this.sent]), done: false };
      // Awaited in turn; until then a failed worker must not count as an unhandled rejection.
      pending.result.then(() => void (pending.done = true), () => void (pending.done = true));
      this.pending[this.sent++] = pending;
    }
  }

  private startOf(ref: PartRef): number {
    const task = this.plan.tasks[ref.task];
    return task.kind === 'range' ? task.start : 0;
  }

  /** The rest of a file from `start`, read in this thread; its jobs' lines move by `offset`. */
  private async readRest(input: Input, start: number, offset: number, sinks: Sink[]): Promise<number> {
    const { ruleSet, enrich, jobSteps } = this.options;
    const collector = new JobCollector((job) => {
      shiftLines(job, offset);
      deliver(job, sinks, jobSteps);
    }, () => betweenOf(sinks));
    const analyzer = new SourceAnalyzer(input.name, ruleSet, [collector], { enrich });
    try {
      return (await readLogFile(input.path!, ruleSet.automaton, analyzer, { maxLineBytes: this.options.maxLineBytes, start })) ?? 0;
    } catch (err) {
      throw inputError(input.name, readFailure(err), offset);
    }
  }
}
