// `bamboo-doctor fetch --server URL …`: the failed job results of a Bamboo server, analysed into the database.

import type { Severity } from '../model.js';
import { fetchOnce, type FetchSummary } from '../server/fetch-run.js';
import type { Io } from './io.js';
import type { ServerArgs } from './server-args.js';
import { progressOf, serverSetup } from './server-setup.js';
import { counted, exitCode } from './shared.js';

export interface FetchArgs extends ServerArgs {
  failOn: Severity | 'none';
}

/** Exit codes as `analyze`: 2 when a job result could not be read (or the server refused), 1 at --fail-on, else 0. */
export async function fetchCommand(args: FetchArgs, io: Io): Promise<number> {
  const setup = await serverSetup(args, io);
  try {
    const summary = await fetchOnce({ ...setup.options, onEvent: eventsOf(setup) });
    setup.status?.clear();
    setup.finish();
    for (const e of summary.failed) setup.say(`error: ${e.message}`);
    setup.say(`bamboo-doctor: ${fetchLine(summary, args.dryRun)}${setup.store ? ` → ${setup.store.name}` : ''}`);
    return exitCode(summary.failed.length, summary.severities, args.failOn);
  } finally {
    await setup.store?.close();
  }
}

/** Notices go to stderr; job events feed the progress line. */
export function eventsOf(setup: { say: (s: string) => void; status: Parameters<typeof progressOf>[0] }) {
  const progress = progressOf(setup.status);
  return (e: Parameters<typeof progress>[0]) => (e.kind === 'notice' ? setup.say(`bamboo-doctor: ${e.message}`) : progress(e));
}

/** `3 plans, 12 results, 4 job results read (2 stored already), 6 diagnoses (3 errors), 1 in progress (next run)`. */
export function fetchLine(s: FetchSummary, dryRun: boolean): string {
  const { analysed, stored, gone } = s.outcomes;
  const skipped = [stored ? `${stored} stored already` : '', gone ? `${gone} gone` : ''].filter(Boolean).join(', ');
  const parts = [
    `${s.plans} plan${s.plans === 1 ? '' : 's'}`,
    `${s.results} result${s.results === 1 ? '' : 's'}`,
    `${analysed} job result${analysed === 1 ? '' : 's'} read${skipped ? ` (${skipped})` : ''}`,
    counted(s.severities),
  ];
  if (s.inProgress) parts.push(`${s.inProgress} in progress (next run)`);
  if (s.comments || s.labels) parts.push(`${s.comments} comment${s.comments === 1 ? '' : 's'} and ${s.labels} label${s.labels === 1 ? '' : 's'} ${dryRun ? 'would be ' : ''}written`);
  if (s.failed.length) parts.push(`${s.failed.length} failed`);
  return parts.join(', ');
}
