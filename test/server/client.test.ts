// The REST client and the pass over a server, called as a library: retries, redirects, marks held by failures.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { serverUrl, parseDuration } from '../../src/cli/server-setup.js';
import { loadRuleSet } from '../../src/rules/rule-set.js';
import { ServerError, UsageError } from '../../src/errors.js';
import { maskSecrets, resolveAuth } from '../../src/server/auth.js';
import { BambooClient } from '../../src/server/client.js';
import { doneThrough, fetchOnce, type FetchOptions } from '../../src/server/fetch-run.js';
import { FetchState } from '../../src/store/fetch-state.js';
import { Store } from '../../src/store/store.js';
import { FakeBamboo } from '../helpers/fake-bamboo.js';
import { sampleResult } from '../helpers/fake-bamboo-data.js';

const auth = resolveAuth({ BAMBOO_TOKEN: 'client-token-19af' });
const clientOf = (server: string) => new BambooClient({ server, auth, retries: 4, backoffMs: 5 });

describe('BambooClient', () => {
  let fake: FakeBamboo;
  const servers: Server[] = [];
  afterEach(async () => {
    await fake?.stop();
    for (const s of servers.splice(0)) s.close();
  });

  it('tries a GET that keeps failing with 500 five times, then gives a transient ServerError', async () => {
    fake = await new FakeBamboo().start();
    fake.fault({ match: /plan/, status: 500, times: 99 });
    const err = await clientOf(fake.url).json({ path: '/rest/api/latest/plan', what: 'the plans', permission: 'View' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ status: 500, transient: true });
    expect(fake.seen(/plan/)).toHaveLength(5);
  });

  it('sends a POST that failed with 500 once only (no second comment), but again after a 503 with Retry-After', async () => {
    fake = await new FakeBamboo().add(sampleResult('agent-environment')).start();
    const client = clientOf(fake.url);
    const post = () => client.send({ path: '/rest/api/latest/result/ACME-TOOLS-JOB1-31/comment', body: { content: 'x' }, what: 'a comment', permission: 'write' });
    fake.fault({ match: /^POST/, status: 500 });
    await expect(post()).rejects.toThrow('a comment: server error 500');
    fake.fault({ match: /^POST/, status: 503, retryAfter: new Date(Date.now() + 300).toUTCString() });
    await post();
    expect(fake.seen(/^POST/)).toHaveLength(3);
    expect(fake.comments.get('ACME-TOOLS-JOB1-31')).toEqual([{ id: 1, author: 'bamboo-doctor', content: 'x' }]);
  });

  it('follows a redirect on the same server with the credentials, and never one to another host', async () => {
    fake = await new FakeBamboo().start();
    const other = await listen((req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]'));
    const port = (other.address() as AddressInfo).port;
    const redirector = await listen((req, res) => {
      if (req.url === '/ok') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ auth: req.headers.authorization }));
      res.writeHead(302, { Location: req.url === '/same' ? '/ok' : `http://localhost:${port}/rest/api/latest/agent` }).end();
    });
    const base = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
    let reached = 0;
    other.on('request', () => reached++);
    expect(await clientOf(base).json({ path: '/same', what: 'agents', permission: 'admin' })).toEqual({ auth: 'Bearer client-token-19af' });
    const err = await clientOf(base).json({ path: '/away', what: 'agents', permission: 'admin' }).catch((e: Error) => e);
    expect((err as Error).message).toBe(`${base}/away: redirected to another server (http://localhost:${port}): give that address with --server (credentials are never sent to another host)`);
    expect(reached).toBe(0);
  });

  async function listen(handler: Parameters<typeof createServer>[1]): Promise<Server> {
    const s = createServer(handler);
    servers.push(s);
    await new Promise<void>((done) => s.listen(0, '127.0.0.1', done));
    return s;
  }
});

describe('the pass over a server, as a library', () => {
  let fake: FakeBamboo;
  afterEach(() => fake.stop());

  it('a job result that cannot be read holds the plan\'s mark, and the next pass reads it', async () => {
    fake = await new FakeBamboo().add(sampleResult('agent-environment')).start();
    fake.fault({ match: /^GET \/download\//, status: 500, times: 5 });
    const store = new Store(':memory:');
    const options: FetchOptions = {
      client: clientOf(fake.url),
      plans: [],
      projects: [],
      since: null,
      firstSince: new Date(Date.now() - 86_400_000),
      state: 'failed',
      force: false,
      concurrency: 2,
      ruleSet: loadRuleSet(),
      store,
      sinks: [],
      agentFiles: [],
      specPaths: [],
      writeBack: null,
    };
    const first = await fetchOnce(options);
    expect(first.outcomes).toEqual({ analysed: 0, stored: 0, gone: 0, failed: 1 });
    expect(first.failed[0].message).toMatch(/the log of ACME-TOOLS-JOB1-31: server error 500/);
    expect(await new FetchState(store.sql(), fake.url, '').newest('ACME-TOOLS')).toBe(0); // below the result that failed
    const second = await fetchOnce(options);
    expect(second.outcomes.analysed).toBe(1);
    expect(await new FetchState(store.sql(), fake.url, '').newest('ACME-TOOLS')).toBe(31);
    store.close();
  });

  it('remembers the number up to which every result is done', () => {
    const r = (number: number, done: boolean) => ({ number, done });
    expect(doneThrough([r(3, true), r(1, true), r(2, true)], null)).toBe(3);
    expect(doneThrough([r(3, true), r(1, true), r(2, false)], null)).toBe(1);
    expect(doneThrough([r(5, true), r(6, false), r(7, true)], 4)).toBe(5);
    expect(doneThrough([r(5, false)], 4)).toBe(4);
    expect(doneThrough([], null)).toBeNull();
  });
});

describe('server options', () => {
  it('takes the base URL with or without /rest/api/latest and a trailing slash', () => {
    expect(serverUrl('https://ci.example.com/bamboo/')).toBe('https://ci.example.com/bamboo');
    expect(serverUrl('https://ci.example.com/bamboo/rest/api/latest')).toBe('https://ci.example.com/bamboo');
    expect(() => serverUrl('ci.example.com')).toThrow(UsageError);
    expect(() => serverUrl('ftp://ci.example.com')).toThrow('expected an http:// or https:// URL');
  });

  it('reads durations', () => {
    expect(parseDuration('30s', '--timeout')).toBe(30_000);
    expect(parseDuration('5m', '--interval')).toBe(300_000);
    expect(parseDuration('250ms', '--timeout')).toBe(250);
    expect(parseDuration('90', '--interval')).toBe(90_000);
    expect(() => parseDuration('soon', '--interval')).toThrow('--interval soon: expected a duration such as 30s, 5m or 1h');
  });

  it('takes credentials from --token-file, BAMBOO_TOKEN or basic auth, and masks every form of them', () => {
    expect(resolveAuth({ BAMBOO_TOKEN: 'abc123' }).header).toBe('Bearer abc123');
    const basic = resolveAuth({ BAMBOO_USER: 'jdoe', BAMBOO_PASSWORD: 'pa55word' });
    expect(basic.header).toBe(`Basic ${Buffer.from('jdoe:pa55word').toString('base64')}`);
    expect(maskSecrets(`x pa55word ${basic.header} y`, basic.secrets)).toBe('x ******** Basic ******** y');
    expect(() => resolveAuth({ BAMBOO_USER: 'jdoe' })).toThrow('basic auth needs both BAMBOO_USER and BAMBOO_PASSWORD');
    expect(resolveAuth({}).header).toBeNull();
  });
});
