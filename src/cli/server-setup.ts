// Sets up what `fetch` and `watch` run with: the client, the store, the printer, and messages with secrets masked.

import { UsageError } from '../errors.js';
import { parseBound } from '../history/time.js';
import type { Sink } from '../diagnose/analyzer.js';
import { printer } from '../output/printers.js';
import { maskSecrets, resolveAuth, type Auth } from '../server/auth.js';
import { BambooClient } from '../server/client.js';
import type { FetchEvent, FetchOptions } from '../server/fetch-run.js';
import type { StorePort } from '../store/port.js';
import { userPath, userPaths, type Io } from './io.js';
import { isTerminal, StatusLine } from './progress.js';
import type { ServerArgs } from './server-args.js';
import { loadRuleSet } from '../rules/rule-set.js';
import { openStoreOption } from './shared.js';

/** What a command runs with; `close` ends the printer's output and the database. */
export interface ServerSetup {
  options: FetchOptions;
  store: StorePort | null;
  say: (message: string) => void;
  /** The progress line (on a terminal only), fed by the run's events. */
  status: StatusLine | null;
  finish(): void;
}

/** A plan's first fetch reaches back this far when --since is not given. */
const FIRST_FETCH_DAYS = 7;

export async function serverSetup(args: ServerArgs, io: Io, signal?: AbortSignal, { quietRetries = false } = {}): Promise<ServerSetup> {
  const server = serverUrl(args.server);
  if (!Number.isInteger(args.concurrency) || args.concurrency < 1) throw new UsageError(`--concurrency ${args.concurrency}: expected a whole number above 0`);
  if (args.project.length && args.plan.length) throw new UsageError('name plans (--plan) or projects (--project), not both');
  if (args.dryRun && !args.comment && !args.label) throw new UsageError('--dry-run shows what --comment or --label would write: name one of them');
  const auth = resolveAuth(io.env ?? process.env, args.tokenFile === undefined ? undefined : userPath(io, args.tokenFile));
  const { say, status, print } = messages(io, auth, server);
  const out = printer(args.format, print);
  const onRetry = quietRetries ? undefined : (m: string) => say(`bamboo-doctor: ${m}`);
  const client = new BambooClient({ server, auth, timeoutMs: parseDuration(args.timeout, '--timeout'), signal, onRetry });
  const options = await fetchOptionsOf(args, client, out, io);
  return { options, store: options.store, say, status, finish: () => out.finish() };
}

/** stderr messages and stdout output, secrets masked, the progress line cleared before either; the warnings said. */
function messages(io: Io, auth: Auth, server: string) {
  const mask = (s: string) => maskSecrets(s, auth.secrets);
  const status = isTerminal(io.stderr) ? new StatusLine((s) => io.stderr.write(s)) : null;
  const say = (s: string) => {
    status?.clear();
    io.stderr.write(`${mask(s)}\n`);
  };
  const print = (s: string) => {
    if (isTerminal(io.stdout)) status?.clear();
    io.stdout.write(mask(s));
  };
  if (auth.warning) say(`bamboo-doctor: warning: ${auth.warning}`);
  const url = new URL(server);
  if (auth.header && url.protocol === 'http:' && !isLoopback(server)) say(`bamboo-doctor: warning: ${auth.source} goes over plain http to ${url.host}`);
  return { say, status, print };
}

/** The run's options; the database is opened last, once every option has been found good. */
async function fetchOptionsOf(args: ServerArgs, client: BambooClient, out: Sink, io: Io): Promise<FetchOptions> {
  const now = new Date();
  const since = args.since === undefined ? null : new Date(parseBound(args.since, 'since', now).value);
  const ruleSet = loadRuleSet(userPaths(io, args.rules));
  return {
    client,
    plans: args.plan,
    projects: args.project,
    since,
    firstSince: new Date(now.getTime() - FIRST_FETCH_DAYS * 86_400_000),
    state: args.state,
    force: args.force,
    concurrency: args.concurrency,
    ruleSet,
    store: await openStoreOption(args.db, io),
    sinks: [out],
    maxLineBytes: args.maxLineBytes,
    agentFiles: userPaths(io, args.agents),
    specPaths: userPaths(io, args.specs),
    writeBack: args.comment || args.label ? { comment: args.comment, label: args.label, dryRun: args.dryRun } : null,
  };
}

/** The server's base URL: http(s), no credentials in it, without a trailing `/` or `/rest/api/latest`. */
export function serverUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--server ${text}: expected Bamboo's base URL, such as https://ci.example.com or https://ci.example.com/bamboo`);
  }
  if (url.username || url.password) {
    // The URL is not repeated: it holds a password.
    throw new UsageError('--server: credentials do not belong in the URL (they would end up in logs); use BAMBOO_TOKEN, --token-file or BAMBOO_USER/BAMBOO_PASSWORD');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--server ${text}: expected an http:// or https:// URL`);
  const path = url.pathname.replace(/\/+$/, '').replace(/\/rest(\/api(\/latest)?)?$/, '');
  return `${url.origin}${path}`;
}

/** `30s`, `5m`, `1h`, `500ms`, or a number of seconds. */
export function parseDuration(text: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(text.trim());
  const ms = m ? Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's').toLowerCase() as 'ms'] : NaN;
  if (!(ms > 0)) throw new UsageError(`${option} ${text}: expected a duration such as 30s, 5m or 1h`);
  return ms;
}

const isLoopback = (server: string): boolean => /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(new URL(server).hostname);

/** The progress line's text from the run's events: job results read of those known. */
export function progressOf(status: StatusLine | null): (e: FetchEvent) => void {
  let known = 0;
  let done = 0;
  return (e) => {
    if (e.kind === 'queued') known += e.jobs;
    else if (e.kind === 'job') done++;
    else return;
    status?.show(`${done}/${known} job results`, e.kind === 'job');
  };
}
