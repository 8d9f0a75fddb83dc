// Watches a Bamboo server: a fetch pass every interval until stopped, riding out a server that is down.

import { setTimeout as sleep } from 'node:timers/promises';
import { ServerError } from '../errors.js';
import { fetchOnce, type FetchOptions, type FetchSummary } from './fetch-run.js';

export interface WatchOptions extends FetchOptions {
  intervalMs: number;
  /** Stops the watch: the pass under way ends its started jobs (stored), and the call returns. */
  signal: AbortSignal;
  /** The longest pause between tries while the server cannot be reached. */
  maxBackoffMs?: number;
  /** A pass is over. */
  onPass?: (summary: FetchSummary) => void;
  /** A pass failed (server down, or refusing); the next try is in `waitMs`; `failures` in a row so far. */
  onDown?: (error: ServerError, waitMs: number, failures: number) => void;
  /** The server answers again after being down. */
  onBack?: () => void;
}

export interface WatchSummary {
  passes: number;
  /** Passes that ended with the server unreachable or refusing. */
  down: number;
  totals: Pick<FetchSummary, 'results' | 'builds' | 'comments' | 'labels'> & { analysed: number; diagnoses: number; failed: Error[] };
}

/**
 * Passes run one after another, `intervalMs` apart. While the server is down (or answers with errors) the pause
 * doubles up to `maxBackoffMs`, each failure is told once, and nothing is lost: what was not fetched is not
 * remembered as done, so the next pass that reaches the server fetches it. A refusal on the very first pass (a
 * wrong URL, a bad token) is a mistake to fix, not an outage to wait out: it ends the watch with that error.
 */
export async function watchServer(options: WatchOptions): Promise<WatchSummary> {
  const summary: WatchSummary = { passes: 0, down: 0, totals: { results: 0, builds: 0, comments: 0, labels: 0, analysed: 0, diagnoses: 0, failed: [] } };
  let failures = 0;
  let reached = false;
  while (!options.signal.aborted) {
    let waitMs = options.intervalMs;
    try {
      const pass = await fetchOnce(options);
      add(summary, pass);
      if (failures > 0) options.onBack?.();
      failures = 0;
      reached = true;
      options.onPass?.(pass);
    } catch (err) {
      if (options.signal.aborted) break;
      if (!(err instanceof ServerError) || (!reached && !err.transient)) throw err;
      summary.down++;
      waitMs = Math.min(options.intervalMs * 2 ** failures++, options.maxBackoffMs ?? 600_000);
      options.onDown?.(err, waitMs, failures);
    }
    await sleep(waitMs, undefined, { signal: options.signal }).catch(() => {});
  }
  return summary;
}

function add(summary: WatchSummary, pass: FetchSummary): void {
  summary.passes++;
  const t = summary.totals;
  t.results += pass.results;
  t.builds += pass.builds;
  t.comments += pass.comments;
  t.labels += pass.labels;
  t.analysed += pass.outcomes.analysed;
  t.diagnoses += pass.severities.error + pass.severities.warning + pass.severities.info;
  t.failed.push(...pass.failed);
}
