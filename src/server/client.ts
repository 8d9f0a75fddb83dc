// HTTP to one Bamboo server with Node's built-in fetch: credentials, retries with backoff and Retry-After, timeouts.

import { setTimeout as sleep } from 'node:timers/promises';
import { ServerError } from '../errors.js';
import type { Auth } from './auth.js';
import { HTML_INSTEAD_OF_JSON, IdleTimeout, networkFailure, seconds, statusError, type Failure } from './failures.js';

export interface ClientOptions {
  /** The server's base URL with its context path, if any (`https://ci.example.com/bamboo`). */
  server: string;
  auth: Auth;
  /** No answer (or, while reading a body, no data) for this long is a timeout. */
  timeoutMs?: number;
  /** Tries after the first, for answers that may pass (429, 503, 5xx on a read, resets, timeouts). */
  retries?: number;
  /** The first backoff; it doubles with each try. */
  backoffMs?: number;
  /** The longest wait a Retry-After is obeyed for. */
  maxWaitMs?: number;
  /** Stops waits and requests at once (watch's SIGINT). */
  signal?: AbortSignal;
  /** Told when a request is tried again, and why. */
  onRetry?: (message: string) => void;
}

export interface RequestSpec {
  /** A path under the server (`/rest/api/latest/result/ACME-WEB`), or an absolute URL on the same server. */
  path: string;
  query?: Record<string, string | number | boolean>;
  method?: 'GET' | 'POST';
  body?: unknown;
  /** What the request reads or writes, for messages: `the results of plan ACME-WEB`. */
  what: string;
  /** What a 403 means is missing: `View permission on plan ACME-WEB`. */
  permission: string;
}

/** An answer whose body has not been read yet. */
export interface Opened {
  status: number;
  contentType: string;
  url: string;
  /** The Retry-After header of a 429 or 503. */
  retryAfter: string | null;
  body: AsyncIterable<Buffer>;
  cancel(): void;
}

const USER_AGENT = 'bamboo-doctor';

export class BambooClient {
  readonly server: string;
  private readonly origin: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxWaitMs: number;

  constructor(private readonly options: ClientOptions) {
    this.server = options.server;
    this.origin = new URL(options.server).origin;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 4;
    this.backoffMs = options.backoffMs ?? 500;
    this.maxWaitMs = options.maxWaitMs ?? 120_000;
  }

  /** A JSON answer; an HTML page (a login page, a wrong address) is a ServerError saying so. */
  json<T>(spec: RequestSpec): Promise<T> {
    return this.request(spec, 'application/json', [], async (opened) => {
      const text = (await collect(opened.body)).toString('utf8');
      if (/html/i.test(opened.contentType) || /^\s*</.test(text)) throw new ServerError(opened.url, opened.status, HTML_INSTEAD_OF_JSON(spec.what, this.server));
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new ServerError(opened.url, opened.status, `${spec.what}: the answer is not valid JSON (${opened.contentType || 'no content type'})`);
      }
    });
  }

  /** A POST of JSON whose answer is not needed (Bamboo answers 204, or the created object). */
  async send(spec: RequestSpec): Promise<void> {
    await this.request({ ...spec, method: 'POST' }, 'application/json', [], async (opened) => void (await collect(opened.body)));
  }

  /**
   * An answer to read as a stream (a log download). Statuses in `passed` come back as answers rather than
   * errors, so the caller can turn to another way (a refused download: the log entries instead).
   */
  stream(spec: RequestSpec, passed: number[] = []): Promise<Opened> {
    return this.request(spec, 'text/plain, */*', passed, async (opened) => opened);
  }

  /** The URL of a path, or of an absolute URL given by the server itself (`logFiles`). */
  url(path: string, query?: RequestSpec['query']): string {
    const url = new URL(/^https?:\/\//i.test(path) ? path : `${this.server}${path}`);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, String(v));
    return url.href;
  }

  private async request<T>(spec: RequestSpec, accept: string, passed: number[], consume: (opened: Opened) => Promise<T>): Promise<T> {
    const url = this.url(spec.path, spec.query);
    for (let attempt = 1; ; attempt++) {
      let failure: Failure;
      try {
        const opened = await this.attempt(spec, url, accept);
        if ((opened.status >= 200 && opened.status < 300) || passed.includes(opened.status)) return await consume(opened);
        failure = await statusError(spec, opened, this.options.auth, this.server);
      } catch (err) {
        if (this.options.signal?.aborted) throw err;
        if (err instanceof ServerError) throw err;
        failure = networkFailure(err, this.origin, this.timeoutMs);
      }
      // A POST that reached the server is not sent twice (a second comment), unless the server said to wait.
      const again = failure.retry && attempt <= this.retries && (spec.method !== 'POST' || failure.waitMs !== undefined || failure.notSent);
      if (!again) throw new ServerError(failure.url ?? url, failure.status, failure.message, failure.retry);
      const waitMs = Math.min(failure.waitMs ?? this.backoff(attempt), this.maxWaitMs);
      this.options.onRetry?.(`${failure.message}; trying again in ${seconds(waitMs)} (${attempt}/${this.retries})`);
      await sleep(waitMs, undefined, { signal: this.options.signal });
    }
  }

  /** One request, following redirects on the same server only: credentials never go to another host. */
  private async attempt(spec: RequestSpec, first: string, accept: string): Promise<Opened> {
    const timer = new IdleTimer(this.timeoutMs, this.options.signal);
    let url = first;
    let method = spec.method ?? 'GET';
    try {
      for (let hop = 0; ; hop++) {
        const res = await fetch(url, {
          method,
          headers: this.headers(accept, method === 'POST' && spec.body !== undefined),
          body: method === 'POST' && spec.body !== undefined ? JSON.stringify(spec.body) : undefined,
          redirect: 'manual',
          signal: timer.signal,
        });
        const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
        if (!location) return this.opened(res, url, timer);
        await res.body?.cancel().catch(() => {});
        const next = new URL(location, url);
        if (next.origin !== this.origin) {
          const why = `redirected to another server (${next.origin}): give that address with --server (credentials are never sent to another host)`;
          throw new ServerError(url, res.status, why);
        }
        if (hop >= 5) throw new ServerError(url, res.status, 'more than 5 redirects');
        if (res.status === 303) method = 'GET';
        url = next.href;
      }
    } catch (err) {
      timer.stop();
      throw err;
    }
  }

  private opened(res: Response, url: string, timer: IdleTimer): Opened {
    const header = (name: string) => res.headers.get(name);
    const contentType = header('content-type') ?? '';
    return { status: res.status, contentType, url, retryAfter: header('retry-after'), body: timer.read(res), cancel: () => cancel(res, timer) };
  }

  private headers(accept: string, json: boolean): Record<string, string> {
    const headers: Record<string, string> = { Accept: accept, 'User-Agent': USER_AGENT };
    if (this.options.auth.header) headers.Authorization = this.options.auth.header;
    if (json) {
      headers['Content-Type'] = 'application/json';
      headers['X-Atlassian-Token'] = 'no-check'; // Atlassian's XSRF check on writes
    }
    return headers;
  }

  private backoff(attempt: number): number {
    const base = this.backoffMs * 2 ** (attempt - 1);
    return Math.round(base + Math.random() * base * 0.25);
  }
}

/**
 * Aborts a request that gets no answer within the timeout, and a body that stops delivering data for as long:
 * a long log download is fine as long as it moves.
 */
class IdleTimer {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private readonly onAbort = () => this.controller.abort(this.outer?.reason);

  constructor(
    private readonly ms: number,
    private readonly outer?: AbortSignal,
  ) {
    // Removed when the request is over: a watch makes thousands of requests under one signal.
    outer?.addEventListener('abort', this.onAbort, { once: true });
    this.reset();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  reset(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.controller.abort(new IdleTimeout(this.ms)), this.ms);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.outer?.removeEventListener('abort', this.onAbort);
  }

  async *read(res: Response): AsyncGenerator<Buffer> {
    try {
      if (!res.body) return;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        this.reset();
        yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      }
    } catch (err) {
      throw this.controller.signal.reason instanceof IdleTimeout ? this.controller.signal.reason : err;
    } finally {
      this.stop();
    }
  }
}

function cancel(res: Response, timer: IdleTimer): void {
  timer.stop();
  res.body?.cancel().catch(() => {});
}

async function collect(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}
