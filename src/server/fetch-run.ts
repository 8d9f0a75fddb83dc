// One pass over a Bamboo server: the plans' new results, their failed job results analysed into the store.

import type { Sink } from '../diagnose/analyzer.js';
import { userContext } from '../context/user-context.js';
import { ServerError } from '../errors.js';
import type { RuleSet } from '../rules/rule-set.js';
import { FetchState } from '../store/fetch-state.js';
import type { StorePort } from '../store/port.js';
import type { BambooClient } from './client.js';
import { fetchJob, type JobOutcome, type JobRun, type JobTally } from './fetch-job.js';
import { jobsOf, planResults, plansOf, type ListBounds, type ResultRef } from './listing.js';
import { limit, type Limit } from './pool.js';
import { serverAgents } from './server-agents.js';
import type { WriteBackOptions } from './write-back.js';

export interface FetchOptions {
  client: BambooClient;
  /** Plans named; when none, the plans of `projects`, or every plan when none is named either. */
  plans: string[];
  projects: string[];
  /** Results finished before this are not fetched. */
  since: Date | null;
  /** The bound of a plan's first fetch when `since` is not given (a plan's whole history may be years). */
  firstSince: Date;
  /** `failed`: the failed job results of failed results; `all`: every job result (green builds too). */
  state: 'failed' | 'all';
  /** Fetch again what the store holds complete, and list past what was remembered as done. */
  force: boolean;
  concurrency: number;
  ruleSet: RuleSet;
  store: StorePort | null;
  sinks: Sink[];
  maxLineBytes?: number;
  /** `--agents` files and `--specs` paths, added to (and overriding) the server's agents list. */
  agentFiles: string[];
  specPaths: string[];
  writeBack: WriteBackOptions | null;
  /** Readings of a log whose stream broke, and the pause between them. */
  attempts?: number;
  backoffMs?: number;
  /** Ends the pauses between readings at once (watch's stop); the client's requests take the same signal. */
  signal?: AbortSignal;
  onEvent?: (event: FetchEvent) => void;
}

export type FetchEvent =
  | { kind: 'notice'; message: string }
  /** More job results to read are known (for a progress line). */
  | { kind: 'queued'; jobs: number }
  | { kind: 'job'; key: string; outcome: JobOutcome };

export interface FetchSummary extends JobTally {
  plans: number;
  results: number;
  /** Results not finished yet: fetched by a later run. */
  inProgress: number;
  outcomes: Record<JobOutcome, number>;
}

/**
 * Lists each plan's results newest first down to what was done before (or `since`), reads the wanted job results
 * with at most `concurrency` at a time, and remembers per plan the number up to which every result is done. A
 * server that cannot be reached while listing ends the pass with that ServerError (`transient`); the jobs
 * already started finish first, so nothing is left half written.
 */
export async function fetchOnce(options: FetchOptions): Promise<FetchSummary> {
  const say = (message: string) => options.onEvent?.({ kind: 'notice', message });
  const summary = emptySummary();
  const known = await serverAgents(options.client, say);
  const run: JobRun = {
    client: options.client,
    ruleSet: options.ruleSet,
    store: options.store,
    state: options.store ? new FetchState(options.store.sql(), options.client.server, purposeOf(options.writeBack)) : null,
    sinks: options.sinks,
    force: options.force,
    maxLineBytes: options.maxLineBytes,
    enrich: await userContext(options.agentFiles, options.specPaths, known),
    writeBack: options.writeBack,
    attempts: options.attempts ?? 3,
    backoffMs: options.backoffMs ?? 1000,
    signal: options.signal,
    say,
    tally: summary,
  };
  const plans = options.plans.length ? options.plans : await plansOf(options.client, options.projects);
  const pass = new Pass(options, run, summary, limit(options.concurrency));
  for (const plan of plans) {
    summary.plans++;
    await pass.plan(plan);
  }
  if (pass.firsts.length) say(firstFetch(pass.firsts, options));
  return summary;
}

function emptySummary(): FetchSummary {
  const outcomes = { analysed: 0, stored: 0, gone: 0, failed: 0 };
  return { plans: 0, results: 0, inProgress: 0, outcomes, builds: 0, severities: { error: 0, warning: 0, info: 0 }, failed: [], comments: 0, labels: 0 };
}

class Pass {
  /** Plans fetched for the first time (without --since): said in one line at the end. */
  readonly firsts: string[] = [];

  constructor(
    private readonly options: FetchOptions,
    private readonly run: JobRun,
    private readonly summary: FetchSummary,
    private readonly pool: Limit,
  ) {}

  async plan(plan: string): Promise<void> {
    const state = this.run.state;
    const newest = this.options.force ? null : ((await state?.newest(plan)) ?? null);
    const since = this.options.since ?? (newest === null ? this.options.firstSince : null);
    if (newest === null && !this.options.since && !this.options.force) this.firsts.push(plan);
    const listed: { number: number; done: Promise<boolean> }[] = [];
    const bounds: ListBounds = { newest, since };
    try {
      for await (const result of planResults(this.options.client, plan, bounds)) {
        this.summary.results++;
        const done = this.result(result);
        done.catch(() => {}); // seen below, once the listing is over; not an unhandled rejection meanwhile
        listed.push({ number: result.number, done });
      }
    } catch (err) {
      if (!(err instanceof ServerError) || err.transient || err.status !== 404) throw await settled(listed, err);
      this.run.say(`${plan}: no such plan on the server (404): deleted or renamed, or the key is mistyped`);
    }
    const done = await allDone(listed.map(async (l) => ({ number: l.number, done: await l.done })));
    // A first fetch starts from where the listing stopped: older results are left out by choice (--since).
    const before = (await state?.newest(plan)) ?? null;
    const mark = doneThrough(done, before ?? bounds.stoppedAt ?? null);
    // A dry run is a preview: what it would write is still to write, so it remembers nothing.
    if (state && !this.options.writeBack?.dryRun && mark !== null && mark !== before) await state.remember(plan, mark);
  }

  /** True when nothing of the result is left to fetch; false holds it (and newer ones) for the next run. */
  private async result(result: ResultRef): Promise<boolean> {
    if (result.lifeCycle !== 'Finished' && result.lifeCycle !== 'NotBuilt') {
      this.summary.inProgress++;
      return false;
    }
    if (result.lifeCycle === 'NotBuilt' || (this.options.state === 'failed' && result.state !== 'Failed')) return true;
    try {
      const jobs = await this.pool(() => jobsOf(this.options.client, result));
      const wanted = jobs.filter((j) => this.options.state === 'all' || j.state === 'Failed');
      this.options.onEvent?.({ kind: 'queued', jobs: wanted.length });
      const outcomes = await allDone(
        wanted.map((job) =>
          this.pool(async () => {
            const outcome = await fetchJob(this.run, job, result.plan);
            this.summary.outcomes[outcome]++;
            this.options.onEvent?.({ kind: 'job', key: job.key, outcome });
            return outcome;
          }),
        ),
      );
      return outcomes.every((o) => o !== 'failed');
    } catch (err) {
      if (!(err instanceof ServerError)) throw err;
      if (err.status === 404) return true; // the result was deleted since it was listed
      this.summary.failed.push(err);
      return false;
    }
  }
}

/** `first fetch of ACME-WEB, ACME-API and 3 more plans: results since 2025-11-30 (--since to go further back)`. */
function firstFetch(plans: string[], options: FetchOptions): string {
  const writing = purposeOf(options.writeBack);
  const named = plans.length > 3 ? `${plans.slice(0, 3).join(', ')} and ${plans.length - 3} more plans` : plans.join(', ');
  const what = writing ? `first fetch with --${writing.replace('+', ' --')}` : 'first fetch';
  return `${what} of ${named}: results since ${options.firstSince.toISOString().slice(0, 10)} (--since to go further back)`;
}

/** What a run writes back has its own mark: a run that comments must see the results an earlier run only read. */
function purposeOf(writeBack: WriteBackOptions | null): string {
  return [writeBack?.comment ? 'comment' : '', writeBack?.label ? 'label' : ''].filter(Boolean).join('+');
}

/** Like Promise.all, but waits for every task before passing the first error on: none is left running. */
async function allDone<T>(tasks: Promise<T>[]): Promise<T[]> {
  const settledTasks = await Promise.allSettled(tasks);
  const failure = settledTasks.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  return settledTasks.map((s) => (s as PromiseFulfilledResult<T>).value);
}

/** Waits for the results already started before passing the listing's error on. */
async function settled(listed: { done: Promise<boolean> }[], err: unknown): Promise<unknown> {
  await Promise.allSettled(listed.map((l) => l.done));
  return err;
}

/**
 * The highest number up to which every listed result is done, from the one remembered: a result not done
 * stops it there, so that result and all newer ones are listed again next time.
 */
export function doneThrough(results: { number: number; done: boolean }[], from: number | null): number | null {
  let mark = from;
  for (const r of [...results].sort((a, b) => a.number - b.number)) {
    if (mark !== null && r.number <= mark) continue;
    if (!r.done) break;
    mark = r.number;
  }
  return mark;
}
