// What there is to fetch: the plans, each plan's results newest first (paged), and the job results of a plan result.

import type { BambooClient, RequestSpec } from './client.js';

const API = '/rest/api/latest';

/** A plan result as the results list gives it. */
export interface ResultRef {
  /** `PROJ-PLAN-57`. */
  key: string;
  plan: string;
  number: number;
  /** `Failed`, `Successful`, `Unknown`. */
  state: string;
  /** `Finished`, `InProgress`, `Queued`, `Pending`, `NotBuilt`. */
  lifeCycle: string;
  completed: Date | null;
}

/** A job result of a plan result. */
export interface JobRef {
  /** `PROJ-PLAN-JOB1-57`. */
  key: string;
  state: string;
  lifeCycle: string;
  /** `logFiles[]`: the `.log` download URLs the server gives (Bamboo 9.x), or none. */
  logFiles: string[];
}

/** Where listing stops: at the first result already done, or the first finished before `since`. */
export interface ListBounds {
  newest: number | null;
  since: Date | null;
  /**
   * Set when the listing is over: the number of the first result it stopped at (done before, or too old), or 0
   * when it ran out of results. Everything up to it is done or left out by choice.
   */
  stoppedAt?: number;
}

export interface Page<T> {
  items: T[];
  size: number;
}

const readPermission = (what: string) => `View permission on ${what} (a personal access token with at least Read permission)`;

/** The keys of the plans to fetch: those of the projects named, or, with none named, every plan the user sees. */
export async function plansOf(client: BambooClient, projects: string[]): Promise<string[]> {
  const keys: string[] = [];
  if (projects.length === 0) {
    const spec = { path: `${API}/plan`, what: 'the list of plans', permission: readPermission('the plans') };
    for await (const plan of listed<{ key: string }>(client, spec, 'plans', 'plan')) keys.push(plan.key);
  }
  for (const project of projects) {
    for await (const plan of paged((start, max) => projectPlansPage(client, project, start, max))) keys.push(plan);
  }
  return keys;
}

/** The items of a collection Bamboo pages with `start-index`/`max-results` (`{"plans": {"size": 3, "plan": [...]}}`). */
export function listed<T>(client: BambooClient, spec: RequestSpec, container: string, item: string): AsyncGenerator<T> {
  return paged(async (start, max) => {
    const body = await client.json<Record<string, { size?: number } & Record<string, unknown>>>({
      ...spec,
      query: { ...spec.query, 'start-index': start, 'max-results': max },
    });
    const list = body[container];
    return { items: (list?.[item] as T[] | undefined) ?? [], size: list?.size ?? 0 };
  });
}

/** A project's plans, paged with Bamboo's expand ranges (`plans[25:50].plan`). */
async function projectPlansPage(client: BambooClient, project: string, start: number, max: number): Promise<Page<string>> {
  const expand = start === 0 ? 'plans.plan' : `plans[${start}:${start + max}].plan`;
  const spec = {
    path: `${API}/project/${encodeURIComponent(project)}`,
    query: { expand },
    what: `project ${project}`,
    permission: readPermission(`the plans of project ${project}`),
  };
  const body = await client.json<{ plans?: { size?: number; plan?: { key: string }[] } }>(spec);
  return { items: (body.plans?.plan ?? []).map((p) => p.key), size: body.plans?.size ?? 0 };
}

/** Every item of a paged collection, page after page until `size` is reached or a page comes back empty. */
export async function* paged<T>(page: (start: number, max: number) => Promise<Page<T>>, max = 100): AsyncGenerator<T> {
  for (let start = 0; ; ) {
    const { items, size } = await page(start, max);
    yield* items;
    start += items.length;
    if (items.length === 0 || start >= size) return;
  }
}

/** How often a page that lost its overlap with the one before is read again from a page further back. */
const STEP_BACKS = 3;

/**
 * A plan's results, newest first, down to `bounds`. Pages overlap by one result: results that finish while the
 * list is read push older ones down (met again, skipped by number), and a result deleted meanwhile pulls them up
 * (the overlap is missing: the page is read again from a page further back), so none is skipped.
 */
export async function* planResults(client: BambooClient, plan: string, bounds: ListBounds, max = 25): AsyncGenerator<ResultRef> {
  let lowest = Number.POSITIVE_INFINITY;
  let backs = 0;
  for (let start = 0; ; ) {
    const { items, size } = await resultsPage(client, plan, start, max);
    const overlaps = start === 0 || items.some((r) => r.number >= lowest);
    if (!overlaps && backs++ < STEP_BACKS) {
      start = Math.max(0, start - max);
      continue;
    }
    for (const r of items.filter((i) => i.number < lowest).sort((a, b) => b.number - a.number)) {
      if ((bounds.newest !== null && r.number <= bounds.newest) || (bounds.since && r.completed && r.completed < bounds.since)) {
        bounds.stoppedAt = r.number;
        return;
      }
      lowest = r.number;
      yield r;
    }
    if (items.length === 0 || start + items.length >= size) {
      bounds.stoppedAt = 0;
      return;
    }
    start += Math.max(1, items.length - 1);
  }
}

interface RawResult {
  key?: string;
  buildResultKey?: string;
  number?: number;
  buildNumber?: number;
  state?: string;
  buildState?: string;
  lifeCycleState?: string;
  buildCompletedTime?: string;
  logFiles?: string[];
  plan?: { key?: string };
}

async function resultsPage(client: BambooClient, plan: string, start: number, max: number): Promise<Page<ResultRef>> {
  const spec = {
    path: `${API}/result/${encodeURIComponent(plan)}`,
    // includeAllStates: results in progress are listed too, so they hold back what is remembered as done.
    query: { includeAllStates: true, 'start-index': start, 'max-results': max },
    what: `the results of plan ${plan}`,
    permission: readPermission(`plan ${plan}`),
  };
  const body = await client.json<{ results?: { size?: number; result?: RawResult[] } }>(spec);
  const items = (body.results?.result ?? []).map((r) => toResult(r, plan)).filter((r): r is ResultRef => r !== null);
  return { items, size: body.results?.size ?? 0 };
}

function toResult(r: RawResult, plan: string): ResultRef | null {
  const key = r.buildResultKey ?? r.key;
  const number = r.buildNumber ?? r.number ?? Number(key?.match(/-(\d+)$/)?.[1]);
  if (!key || !Number.isSafeInteger(number)) return null;
  const completed = r.buildCompletedTime ? new Date(r.buildCompletedTime) : null;
  return {
    key,
    plan: r.plan?.key ?? plan,
    number,
    state: r.buildState ?? r.state ?? 'Unknown',
    lifeCycle: r.lifeCycleState ?? 'Finished',
    completed: completed && !Number.isNaN(completed.getTime()) ? completed : null,
  };
}

/** The job results of a plan result (`stages.stage[].results.result[]`). */
export async function jobsOf(client: BambooClient, result: ResultRef): Promise<JobRef[]> {
  const spec = {
    path: `${API}/result/${encodeURIComponent(result.key)}`,
    query: { expand: 'stages.stage.results.result' },
    what: `plan result ${result.key}`,
    permission: readPermission(`plan ${result.plan}`),
  };
  const body = await client.json<{ stages?: { stage?: { results?: { result?: RawResult[] } }[] } }>(spec);
  const jobs: JobRef[] = [];
  for (const stage of body.stages?.stage ?? []) {
    for (const r of stage.results?.result ?? []) {
      const key = r.buildResultKey ?? r.key;
      if (key) jobs.push({ key, state: r.buildState ?? r.state ?? 'Unknown', lifeCycle: r.lifeCycleState ?? 'Finished', logFiles: r.logFiles ?? [] });
    }
  }
  return jobs;
}
