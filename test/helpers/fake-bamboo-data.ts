// The data a fake Bamboo serves, in the REST shapes of bamboo-facts §2 (recorded DC 9.x responses of r0jjames/bam-cli).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error: a plain ES module without types (the converter the bench uses too)
import { logBuildKey, logToEntries } from '../../bench/log-to-rest.mjs';
import { ROOT } from './cli.js';

export interface FakeJob {
  /** `ACME-WEB-JOB1`. */
  jobKey: string;
  state: 'Failed' | 'Successful';
  log: string;
}

export interface FakeResult {
  plan: string;
  number: number;
  state: 'Failed' | 'Successful' | 'Unknown';
  lifeCycle: 'Finished' | 'InProgress' | 'Queued';
  completed: Date;
  jobs: FakeJob[];
}

/** A bundled sample log as the one job of a plan result, keyed as its header says (`ACME-WEB-JOB1-57`). */
export function sampleResult(file: string, state: FakeJob['state'] = 'Failed', completed = new Date(Date.now() - 3_600_000)): FakeResult {
  const log = readFileSync(join(ROOT, 'samples', `${file}.log`), 'utf8');
  const key: string = logBuildKey(log);
  const [project, plan, job, number] = key.split('-');
  return { plan: `${project}-${plan}`, number: Number(number), state, lifeCycle: 'Finished', completed, jobs: [{ jobKey: `${project}-${plan}-${job}`, state, log }] };
}

/**
 * The same result under another number: the log's key and `#n` renumbered (a generated variant of a bundled
 * sample, for results that come after it).
 */
export function renumbered(result: FakeResult, number: number, lifeCycle: FakeResult['lifeCycle'] = 'Finished'): FakeResult {
  const jobs = result.jobs.map((j) => ({
    ...j,
    log: j.log.replaceAll(`${j.jobKey}-${result.number}`, `${j.jobKey}-${number}`).replaceAll(`#${result.number} `, `#${number} `),
  }));
  return { ...result, number, lifeCycle, completed: new Date(), jobs };
}

const key = (r: FakeResult) => `${r.plan}-${r.number}`;
const jobResultKey = (j: FakeJob, r: FakeResult) => `${j.jobKey}-${r.number}`;

/** An element of `results.result[]`. */
export function resultJson(r: FakeResult, base: string) {
  const finished = r.lifeCycle === 'Finished';
  return {
    key: key(r),
    buildResultKey: key(r),
    number: r.number,
    buildNumber: r.number,
    state: r.state,
    buildState: r.state,
    lifeCycleState: r.lifeCycle,
    finished,
    successful: r.state === 'Successful',
    buildCompletedTime: finished ? r.completed.toISOString() : undefined,
    buildStartedTime: new Date(r.completed.getTime() - 15_000).toISOString(),
    link: { href: `${base}/rest/api/latest/result/${key(r)}`, rel: 'self' },
    plan: { key: r.plan, type: 'chain', planKey: { key: r.plan } },
    planResultKey: { key: key(r), entityKey: { key: r.plan }, resultNumber: r.number },
    stages: { size: 1, 'start-index': 0, 'max-result': 1 },
  };
}

/** A job result without its entries, as `stages.stage[].results.result[]` holds it (with `logFiles`, as 9.x). */
export function jobJson(j: FakeJob, r: FakeResult, logBase: string) {
  const k = jobResultKey(j, r);
  const job = j.jobKey.split('-')[2];
  return {
    key: k,
    buildResultKey: k,
    number: r.number,
    buildNumber: r.number,
    state: j.state,
    buildState: j.state,
    lifeCycleState: r.lifeCycle,
    stage: 'Default Stage',
    logFiles: [`${logBase}/download/${j.jobKey}/build_logs/plan-786438-${job}-${r.number}.log`],
    plan: { key: j.jobKey, type: 'job', planKey: { key: j.jobKey } },
    planResultKey: { key: k, entityKey: { key: j.jobKey }, resultNumber: r.number },
    parent: { href: `${logBase}/rest/api/latest/result/${key(r)}`, rel: 'parent' },
  };
}

/** A plan result with `?expand=stages.stage.results.result`. */
export function planResultJson(r: FakeResult, base: string, logBase: string) {
  const jobs = r.jobs.map((j) => jobJson(j, r, logBase));
  return {
    ...resultJson(r, base),
    stages: { size: 1, 'start-index': 0, 'max-result': 1, stage: [{ name: 'Default Stage', state: r.state, results: { size: jobs.length, 'start-index': 0, 'max-result': jobs.length, result: jobs } }] },
  };
}

/** A job result with the entries from `start` to `end` (`?expand=logEntries[start:end]`), at most `cap` of them. */
export function entriesJson(j: FakeJob, r: FakeResult, logBase: string, start: number, end: number, cap: number) {
  const all = logToEntries(j.log) as unknown[];
  const page = all.slice(start, Math.min(end, start + cap));
  return { ...jobJson(j, r, logBase), logEntries: { size: all.length, 'start-index': start, 'max-result': page.length, logEntry: page } };
}

/** Finds what a key names: a plan (`ACME-WEB`), a plan result (`ACME-WEB-57`) or a job result (`ACME-WEB-JOB1-57`). */
export function lookup(results: FakeResult[], k: string): { result?: FakeResult; job?: FakeJob } {
  for (const r of results) {
    if (key(r) === k) return { result: r };
    const job = r.jobs.find((j) => jobResultKey(j, r) === k);
    if (job) return { result: r, job };
  }
  return {};
}

/** The log a download path names: `/download/{JOB}/build_logs/{JOB}-{n}.log` or 9.x's `plan-<id>-{JOB}-{n}.log`. */
export function downloadOf(results: FakeResult[], jobKey: string, file: string): FakeJob & { result: FakeResult } | undefined {
  const n = Number(/-(\d+)\.log$/.exec(file)?.[1]);
  for (const r of results) {
    const j = r.jobs.find((x) => x.jobKey === jobKey);
    if (j && r.number === n) return { ...j, result: r };
  }
  return undefined;
}
