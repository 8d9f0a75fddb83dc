// One failed job result: skipped when stored complete, else its log read and analysed as `analyze` would; written back.

import { setTimeout as sleep } from 'node:timers/promises';
import { analyzeStream } from '../analyze.js';
import type { JobSummary, Sink } from '../diagnose/analyzer.js';
import { ServerError } from '../errors.js';
import { diagnosesOfBuild, findBuild } from '../store/stored-sql.js';
import type { Diagnosis, JobContext, Severity } from '../model.js';
import type { RuleSet } from '../rules/rule-set.js';
import type { FetchState } from '../store/fetch-state.js';
import type { StorePort } from '../store/port.js';
import type { BambooClient } from './client.js';
import { openJobLog } from './job-log.js';
import type { JobRef } from './listing.js';
import { writeBack, type WriteBackOptions } from './write-back.js';

/** `failed` holds back what is remembered as done, so the job is tried again by the next run. */
export type JobOutcome = 'analysed' | 'stored' | 'gone' | 'failed';

/** What every job of a run shares. */
export interface JobRun {
  client: BambooClient;
  ruleSet: RuleSet;
  store: StorePort | null;
  state: FetchState | null;
  sinks: Sink[];
  force: boolean;
  maxLineBytes?: number;
  enrich?: (ctx: JobContext) => void;
  writeBack: WriteBackOptions | null;
  /** Readings of one log, when the stream breaks midway (a reset): each one replaces what the last stored. */
  attempts: number;
  backoffMs: number;
  signal?: AbortSignal;
  say: (message: string) => void;
  tally: JobTally;
}

/** What the jobs of a run added up to. */
export interface JobTally {
  builds: number;
  severities: Record<Severity, number>;
  failed: Error[];
  comments: number;
  labels: number;
}

export async function fetchJob(run: JobRun, job: JobRef, plan: string): Promise<JobOutcome> {
  try {
    if (!run.force && (await run.state?.storedComplete(job.key))) {
      await writeStored(run, job, plan);
      return 'stored';
    }
    const diagnoses = await analyzeJob(run, job, plan);
    if (diagnoses === null) return 'failed';
    if (run.writeBack) await write(run, job, plan, diagnoses);
    return 'analysed';
  } catch (err) {
    if (!(err instanceof ServerError)) throw err;
    if (err.status === 404) {
      run.say(`${job.key}: gone from the server (404), passed over`);
      return 'gone';
    }
    run.tally.failed.push(err);
    return 'failed';
  }
}

/**
 * Reads the log into the store. Diagnoses reach the other sinks (stdout) only from the reading that is kept, so
 * a reading that broke and was read again prints nothing twice. Null when every reading broke.
 */
async function analyzeJob(run: JobRun, job: JobRef, plan: string): Promise<Diagnosis[] | null> {
  for (let attempt = 1; ; attempt++) {
    const log = await openJobLog(run.client, job, plan);
    const held: [Diagnosis, JobContext][] = [];
    const ended: JobSummary[] = [];
    const hold: Sink = { diagnosis: (d, ctx) => void held.push([d, ctx]), jobEnd: (j) => void ended.push(j) };
    const result = await analyzeStream({
      name: log.name,
      kind: 'bamboo',
      stream: log.stream,
      ruleSet: run.ruleSet,
      store: run.store,
      sinks: [hold],
      maxLineBytes: run.maxLineBytes,
      enrich: run.enrich,
      keepDiagnoses: false,
      notice: (message) => run.say(`${log.name}: ${message}`),
    });
    const error = result.failed[0];
    if (error && attempt < run.attempts) {
      run.say(`${job.key}: ${error.message}; reading it again in ${run.backoffMs * attempt} ms`);
      await sleep(run.backoffMs * attempt, undefined, { signal: run.signal });
      continue;
    }
    for (const [d, ctx] of held) for (const sink of run.sinks) sink.diagnosis?.(d, ctx);
    for (const j of ended) for (const sink of run.sinks) sink.jobEnd?.(j);
    run.tally.builds += result.builds;
    for (const s of Object.keys(result.severities) as Severity[]) run.tally.severities[s] += result.severities[s];
    if (error) {
      run.tally.failed.push(error);
      return null;
    }
    return ended.filter((j) => j.ctx.build === job.key).flatMap((j) => j.diagnoses);
  }
}

/** A job stored complete by an earlier run: with --comment/--label, its stored diagnoses are written back. */
async function writeStored(run: JobRun, job: JobRef, plan: string): Promise<void> {
  if (!run.writeBack || !run.store) return;
  const build = await findBuild(run.store.sql(), job.key);
  if (build) await write(run, job, plan, await diagnosesOfBuild(run.store.sql(), build.id));
}

async function write(run: JobRun, job: JobRef, plan: string, diagnoses: Diagnosis[]): Promise<void> {
  const written = await writeBack(run.client, { key: job.key, plan }, diagnoses, run.writeBack!, run.say);
  run.tally.comments += written.comments;
  run.tally.labels += written.labels;
}
