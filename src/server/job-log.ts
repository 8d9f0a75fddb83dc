// The log of a job result as bytes: the `.log` download, or, when the server refuses it, its log entries page by page.

import { ServerError } from '../errors.js';
import type { BambooClient } from './client.js';
import type { JobRef } from './listing.js';

/** A job's log to analyse: the name its diagnoses carry (a URL, no credentials) and its bytes. */
export interface JobLog {
  name: string;
  stream: AsyncIterable<Buffer>;
  via: 'download' | 'entries';
}

/** Log entries asked for per request (Bamboo sends 25 unless asked for more). */
const ENTRIES_PAGE = 500;

/** Statuses with which a download is refused while the REST API may still give the entries. */
const REFUSED = [401, 403, 404];

/**
 * The `.log` download first (the whole log in one stream, as the user would save it); when it is refused (a
 * token that may not download logs, a login page), the same log as REST entries, read page by page and given
 * as one job-result export. Throws a ServerError with status 404 when the job result is gone.
 */
export async function openJobLog(client: BambooClient, job: JobRef, plan: string, pageSize = ENTRIES_PAGE): Promise<JobLog> {
  const url = downloadUrl(client, job);
  const what = `the log of ${job.key}`;
  const opened = await client.stream({ path: url, what, permission: `View permission on plan ${plan}` }, REFUSED);
  if (!REFUSED.includes(opened.status) && !/html/i.test(opened.contentType)) return { name: url, stream: opened.body, via: 'download' };
  opened.cancel();
  const first = await entriesPage(client, job.key, plan, 0, pageSize);
  const name = client.url(`/rest/api/latest/result/${job.key}`, { expand: 'logEntries' });
  return { name, stream: entriesExport(client, job.key, plan, first, pageSize), via: 'entries' };
}

/**
 * Where the `.log` is: the server's own `logFiles` URL (9.x names them `plan-<id>-JOB1-4.log`) when it points at
 * this server, else its path under `--server` (Bamboo's base URL setting may name another host or a proxy: the
 * credentials go only to --server), else the older `/download/{JOB}/build_logs/{JOB}-{n}.log`.
 */
function downloadUrl(client: BambooClient, job: JobRef): string {
  const given = job.logFiles[0];
  if (given) {
    const url = new URL(given, client.server);
    if (url.origin === new URL(client.server).origin) return url.href;
    const at = url.pathname.indexOf('/download/');
    if (at >= 0) return client.url(url.pathname.slice(at));
  }
  const jobKey = job.key.replace(/-\d+$/, '');
  return client.url(`/download/${encodeURIComponent(jobKey)}/build_logs/${encodeURIComponent(job.key)}.log`);
}

interface EntriesPage {
  state: string | null;
  start: number;
  size: number;
  entries: unknown[];
}

async function entriesPage(client: BambooClient, key: string, plan: string, start: number, max: number): Promise<EntriesPage> {
  const spec = {
    path: `/rest/api/latest/result/${encodeURIComponent(key)}`,
    query: { expand: `logEntries[${start}:${start + max}]`, 'max-results': max },
    what: `the log entries of ${key}`,
    permission: `View permission on plan ${plan}`,
  };
  const body = await client.json<{ state?: string; buildState?: string; logEntries?: { size?: number; 'start-index'?: number; logEntry?: unknown[] } }>(spec);
  if (!body.logEntries) throw new ServerError(client.url(spec.path), 200, `${spec.what}: the server sent no logEntries (not a job result?)`);
  const entries = body.logEntries.logEntry ?? [];
  return { state: body.buildState ?? body.state ?? null, start: body.logEntries['start-index'] ?? start, size: body.logEntries.size ?? entries.length, entries };
}

/**
 * The pages as one job-result export, streamed as they are read: the JSON reader then analyses it exactly as an
 * export saved with `?expand=logEntries`. When the server does not page as asked, the export stops with the
 * entries read and keeps the server's `size`: the reader then tells that only part of the log was analysed.
 */
async function* entriesExport(client: BambooClient, key: string, plan: string, first: EntriesPage, max: number): AsyncGenerator<Buffer> {
  yield Buffer.from(`{"buildResultKey":${JSON.stringify(key)},"state":${JSON.stringify(first.state ?? 'Unknown')},"logEntries":{"start-index":0,"logEntry":[`);
  let read = 0;
  for (let page: EntriesPage | null = first; page; ) {
    if (page.entries.length) yield Buffer.from(`${read ? ',' : ''}${page.entries.map((e) => JSON.stringify(e)).join(',')}`);
    read += page.entries.length;
    if (page.entries.length === 0 || read >= first.size) break;
    page = await entriesPage(client, key, plan, read, max);
    if (page.start !== read) break;
  }
  yield Buffer.from(`],"size":${first.size}}}`);
}
