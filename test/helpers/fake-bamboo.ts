// A fake Bamboo REST API on 127.0.0.1 for tests: results, plan results, paged log entries, `.log` downloads, agents,
// comments and labels (recorded), with faults to inject (429, 5xx, resets, login pages, hangs).

import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { downloadOf, entriesJson, lookup, planResultJson, resultJson, type FakeResult } from './fake-bamboo-data.js';

export interface FakeOptions {
  /** A token the server takes as `Bearer`; with neither, anyone may read. */
  token?: string;
  basic?: { user: string; password: string };
  /** Bamboo under a context path (`/bamboo`): other paths answer with an HTML page. */
  contextPath?: string;
  /** The most results one page gives, whatever `max-results` asks for. */
  resultsPage?: number;
  /** The most log entries one request gets, whatever range it asks for. */
  entriesCap?: number;
  /** `logFiles` URLs on this base instead (Bamboo's base URL setting naming another host). */
  advertisedBase?: string;
  /** How a `.log` download is refused: 403, or a login page (200, HTML). */
  refuseDownload?: 'forbidden' | 'login-page';
  agents?: unknown[] | number;
  remoteAgents?: unknown[] | number;
  /** Serve HTTPS with this key and certificate. */
  tls?: { key: string; cert: string };
}

export interface Fault {
  /** Matched against `METHOD path?query`. */
  match: RegExp;
  times: number;
  status?: number;
  retryAfter?: string;
  /** Close the connection without an answer; `cut`: send half of a download and close it. */
  reset?: boolean;
  cut?: boolean;
  /** Never answer (a timeout). */
  hang?: boolean;
  /** Runs before the request is answered (a result finishing meanwhile). */
  before?: () => void;
  /** The error message quotes the request's Authorization header back (a careless proxy). */
  echoAuth?: boolean;
}

export interface Recorded {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

const LOGIN_PAGE = '<!DOCTYPE html>\n<html><head><title>Log in - Atlassian Bamboo</title></head><body><form id="loginForm"></form></body></html>\n';

export class FakeBamboo {
  results: FakeResult[] = [];
  projects = new Map<string, string[]>();
  comments = new Map<string, { id: number; author: string; content: string }[]>();
  labels = new Map<string, string[]>();
  requests: Recorded[] = [];
  faults: Fault[] = [];
  private server: Server | null = null;
  port = 0;

  constructor(readonly options: FakeOptions = {}) {}

  /** The server's base URL, with its context path. */
  get url(): string {
    return `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${this.port}${this.options.contextPath ?? ''}`;
  }

  async start(port = this.port): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.server = this.options.tls ? createTlsServer(this.options.tls, handler) : createServer(handler);
    await new Promise<void>((done) => this.server!.listen(port, '127.0.0.1', done));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  }

  add(...results: FakeResult[]): this {
    this.results.push(...results);
    return this;
  }

  fault(fault: Partial<Fault> & { match: RegExp }): this {
    this.faults.push({ times: 1, ...fault });
    return this;
  }

  /** Requests whose `METHOD path` matches. */
  seen(match: RegExp): Recorded[] {
    return this.requests.filter((r) => match.test(`${r.method} ${r.url}`));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    const url = req.url ?? '/';
    this.requests.push({ method: req.method ?? 'GET', url, authorization: req.headers.authorization, body });
    const fault = this.faults.find((f) => f.times > 0 && f.match.test(`${req.method} ${url}`));
    if (fault) {
      fault.times--;
      fault.before?.();
      if (fault.hang) return;
      if (fault.reset) return void req.socket.destroy();
      const message = fault.echoAuth ? `fault ${fault.status}: refused ${req.headers.authorization}` : `fault ${fault.status}`;
      if (fault.status) return json(res, fault.status, { message }, fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {});
    }
    const context = this.options.contextPath ?? '';
    if (!url.startsWith(`${context}/`)) return html(res, 404, '<html><body>Not Found</body></html>');
    if (!this.authorized(req.headers.authorization)) return json(res, 401, { message: 'Client must be authenticated to access this resource.', 'status-code': 401 });
    const u = new URL(url.slice(context.length), 'http://x');
    this.route(req.method ?? 'GET', u, body, res, fault?.cut === true);
  }

  private authorized(header: string | undefined): boolean {
    const { token, basic } = this.options;
    if (!token && !basic) return true;
    if (token && header === `Bearer ${token}`) return true;
    return !!basic && header === `Basic ${Buffer.from(`${basic.user}:${basic.password}`).toString('base64')}`;
  }

  private route(method: string, u: URL, body: string, res: ServerResponse, cut: boolean): void {
    const path = decodeURIComponent(u.pathname);
    const q = u.searchParams;
    const base = this.url;
    const logBase = this.options.advertisedBase ?? base;
    let m: RegExpExecArray | null;
    if ((m = /^\/download\/([^/]+)\/build_logs\/([^/]+\.log)$/.exec(path))) return this.download(m[1], m[2], res, cut);
    if (path === '/rest/api/latest/agent') return listOrStatus(res, this.options.agents ?? []);
    if (path === '/rest/api/latest/agent/remote') return listOrStatus(res, this.options.remoteAgents ?? 404);
    if (path === '/rest/api/latest/plan') return json(res, 200, { plans: paged(this.planKeys().map((key) => ({ key })), q, 'plan') });
    if ((m = /^\/rest\/api\/latest\/project\/([^/]+)$/.exec(path))) return this.project(m[1], q, res);
    if ((m = /^\/rest\/api\/latest\/result\/([^/]+)\/(comment|label)$/.exec(path))) return this.writable(method, m[1], m[2], body, q, res);
    if ((m = /^\/rest\/api\/latest\/result\/([A-Z0-9_]+-[A-Z0-9_]+)$/.exec(path))) {
      const all = this.results.filter((r) => r.plan === m![1] && (q.get('includeAllStates') === 'true' || r.lifeCycle === 'Finished'));
      if (!this.planKeys().includes(m[1])) return json(res, 404, { message: `Plan ${m[1]} not found`, 'status-code': 404 });
      const sorted = all.sort((a, b) => b.number - a.number).map((r) => resultJson(r, base));
      return json(res, 200, { expand: 'results', results: paged(sorted, q, 'result', this.options.resultsPage) });
    }
    if ((m = /^\/rest\/api\/latest\/result\/([^/]+)$/.exec(path))) {
      const { result, job } = lookup(this.results, m[1]);
      if (!result) return json(res, 404, { message: `Result ${m[1]} not found`, 'status-code': 404 });
      if (!job) return json(res, 200, planResultJson(result, base, logBase));
      const range = /logEntries(?:\[(\d+):(\d+)\])?/.exec(q.get('expand') ?? '');
      const [start, end] = range?.[1] ? [Number(range[1]), Number(range[2])] : [0, 25];
      return json(res, 200, entriesJson(job, result, logBase, start, end, this.options.entriesCap ?? 1000));
    }
    json(res, 404, { message: 'not found', 'status-code': 404 });
  }

  /** Plans with results, and those of the projects (a plan may have none). */
  private planKeys(): string[] {
    return [...new Set([...this.results.map((r) => r.plan), ...[...this.projects.values()].flat()])].sort();
  }

  private project(key: string, q: URLSearchParams, res: ServerResponse): void {
    const plans = (this.projects.get(key) ?? this.planKeys().filter((p) => p.startsWith(`${key}-`))).map((k) => ({ key: k, type: 'chain' }));
    if (!plans.length) return json(res, 404, { message: `Project ${key} not found` });
    const range = /plans\[(\d+):(\d+)\]/.exec(q.get('expand') ?? '');
    const [start, end] = range ? [Number(range[1]), Number(range[2])] : [0, 25];
    json(res, 200, { key, expand: 'plans', plans: { size: plans.length, 'start-index': start, 'max-result': end - start, plan: plans.slice(start, end) } });
  }

  private download(jobKey: string, file: string, res: ServerResponse, cut: boolean): void {
    if (this.options.refuseDownload === 'forbidden') return json(res, 403, { message: 'You are not permitted to access this resource' });
    if (this.options.refuseDownload === 'login-page') return html(res, 200, LOGIN_PAGE);
    const job = downloadOf(this.results, jobKey, file);
    if (!job) return html(res, 404, '<html><body>Not Found</body></html>');
    res.writeHead(200, { 'Content-Type': 'text/plain;charset=UTF-8' });
    if (!cut) return void res.end(job.log);
    res.write(job.log.slice(0, job.log.length >> 1));
    setTimeout(() => res.socket?.destroy(), 20);
  }

  private writable(method: string, key: string, kind: string, body: string, q: URLSearchParams, res: ServerResponse): void {
    if (!lookup(this.results, key).result) return json(res, 404, { message: `Result ${key} not found` });
    if (kind === 'comment') {
      const list = this.comments.get(key) ?? [];
      this.comments.set(key, list);
      if (method === 'POST') {
        list.push({ id: list.length + 1, author: 'bamboo-doctor', content: (JSON.parse(body) as { content: string }).content });
        return void res.writeHead(204).end();
      }
      return json(res, 200, { comments: paged(list, q, 'comment') });
    }
    const labels = this.labels.get(key) ?? [];
    this.labels.set(key, labels);
    if (method === 'POST') {
      labels.push((JSON.parse(body) as { name: string }).name.toLowerCase());
      return void res.writeHead(204).end();
    }
    json(res, 200, { labels: paged(labels.map((name) => ({ name })), q, 'label') });
  }
}

/** A page as Bamboo gives it: `max-results` (25 when not asked) up to `cap`. */
function paged<T>(all: T[], q: URLSearchParams, item: string, cap = 1000) {
  const start = Number(q.get('start-index') ?? 0);
  const max = Math.min(Number(q.get('max-results') ?? 25), cap);
  const page = all.slice(start, start + max);
  return { size: all.length, 'start-index': start, 'max-result': page.length, [item]: page };
}

function listOrStatus(res: ServerResponse, value: unknown[] | number): void {
  if (typeof value === 'number') return json(res, value, { message: `status ${value}` });
  json(res, 200, value);
}

function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', ...headers }).end(JSON.stringify(value));
}

function html(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html;charset=UTF-8' }).end(text);
}

/** A `--token-file` in `dir` holding the token, readable by its owner only. */
export function tokenFileIn(dir: string, token: string): string {
  const file = join(dir, 'token');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return file;
}
