// What a failed request means, said for a person: which permission is missing, whether to try again, and when.

import type { Auth } from './auth.js';
import { maskSecrets } from './auth.js';
import type { Opened, RequestSpec } from './client.js';

/** A request that did not succeed: what to say, and whether (and when) to try it again. */
export interface Failure {
  message: string;
  status: number | null;
  retry: boolean;
  /** How long the server asked to wait (Retry-After). */
  waitMs?: number;
  /** The request never reached the server (connection refused): safe to send again even when it writes. */
  notSent?: boolean;
  url?: string;
}

/** A page instead of JSON: the address is not Bamboo's REST API (a login page, a proxy, a missing context path). */
export const HTML_INSTEAD_OF_JSON = (what: string, server: string): string =>
  `${what}: the server answered with an HTML page instead of JSON (a login page, or no Bamboo REST API at this address): ` +
  `check --server ${server}; a Bamboo under a context path needs it in the URL (e.g. ${new URL(server).origin}/bamboo)`;

/** What aborts a request that waited too long, told apart from a user's stop. */
export class IdleTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no data for ${seconds(ms)} (--timeout)`);
    this.name = 'IdleTimeout';
  }
}

export const seconds = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`);

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS/;

/** Connection errors, resets and timeouts: tried again, except an untrusted certificate, which will not pass. */
export function networkFailure(err: unknown, origin: string, timeoutMs: number): Failure {
  const reason = err instanceof IdleTimeout ? err : (err as { cause?: unknown })?.cause ?? err;
  if (reason instanceof IdleTimeout || (err as Error)?.name === 'TimeoutError') {
    return { message: `no answer from ${origin} within ${seconds(timeoutMs)} (--timeout)`, status: null, retry: true };
  }
  const code = codeOf(err);
  if (code && TLS_CODES.test(code)) {
    return {
      message: `cannot connect to ${origin}: its TLS certificate is not trusted (${code}); for a private CA, set NODE_EXTRA_CA_CERTS to the CA's PEM file`,
      status: null,
      retry: false,
    };
  }
  const said = code ?? ((reason as Error)?.message || String(reason));
  const hint = HINTS[code ?? ''] ?? 'the connection failed';
  return { message: `cannot reach ${origin} (${said}): ${hint}`, status: null, retry: true, notSent: code === 'ECONNREFUSED' };
}

const HINTS: Record<string, string> = {
  ECONNREFUSED: 'is the server up, and the port right?',
  ENOTFOUND: 'unknown host name',
  EAI_AGAIN: 'the host name could not be looked up (DNS)',
  ECONNRESET: 'the connection was reset',
  UND_ERR_SOCKET: 'the connection was closed',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'no route to the host',
};

/** The error code of a fetch failure (undici puts the socket's error in `cause`). */
function codeOf(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

/** An HTTP status that is no success, in words; the body is read for Bamboo's own `message`. */
export async function statusError(spec: RequestSpec, opened: Opened, auth: Auth, server: string): Promise<Failure> {
  const status = opened.status;
  const said = await bambooMessage(opened, auth);
  const base = { status, url: opened.url };
  if (status === 429 || status === 503) {
    const waitMs = retryAfter(opened);
    const why = status === 429 ? 'the server limits the rate of requests (429)' : 'the server is unavailable (503)';
    return { ...base, message: `${spec.what}: ${why}`, retry: true, waitMs };
  }
  if (status >= 500) return { ...base, message: `${spec.what}: server error ${status}${said}`, retry: true };
  // A page, not Bamboo's JSON error: the address is not the REST API (no status: it says nothing of the plan).
  if (status === 404 && /html/i.test(opened.contentType)) return { ...base, status: null, message: `${HTML_INSTEAD_OF_JSON(spec.what, server)} (404)`, retry: false };
  return { ...base, message: refusal(spec, status, auth) + said, retry: false };
}

function refusal(spec: RequestSpec, status: number, auth: Auth): string {
  if (status === 401) {
    if (!auth.header) return `${spec.what}: 401 Unauthorized: the server wants credentials: set BAMBOO_TOKEN to a personal access token (or use --token-file)`;
    return (
      `${spec.what}: 401 Unauthorized: the server did not accept ${auth.source} (an expired or revoked token? ` +
      'personal access tokens need Bamboo 6.10+; an older server takes BAMBOO_USER/BAMBOO_PASSWORD)'
    );
  }
  if (status === 403) {
    const who = auth.header ? `, which ${auth.source} does not give` : ': no credentials were given (set BAMBOO_TOKEN, or use --token-file)';
    return `${spec.what}: 403 Forbidden: this needs ${spec.permission}${who}`;
  }
  if (status === 404) return `${spec.what}: 404 Not Found (deleted or renamed, or the key is mistyped?)`;
  return `${spec.what}: the server refused the request (${status})`;
}

/** `{"message": "…"}` or `{"errors": […]}` from a Bamboo error answer, masked and short; '' when none. */
async function bambooMessage(opened: Opened, auth: Auth): Promise<string> {
  let text = '';
  try {
    for await (const chunk of opened.body) {
      text += chunk.toString('utf8');
      if (text.length > 65_536) break;
    }
  } catch {
    return '';
  } finally {
    opened.cancel();
  }
  try {
    const body = JSON.parse(text) as { message?: unknown; errors?: unknown[] };
    const message = typeof body.message === 'string' ? body.message : typeof body.errors?.[0] === 'string' ? body.errors[0] : '';
    return message ? ` (the server says: ${maskSecrets(message, auth.secrets).slice(0, 300)})` : '';
  } catch {
    return '';
  }
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
function retryAfter(opened: Opened): number | undefined {
  const value = opened.retryAfter;
  if (value === null || value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
