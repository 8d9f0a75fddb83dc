// JSON or text by content: a Maven/Gradle/npm paste starting with `[` is a log; only a Bamboo REST shape is an export.
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { sniff } from '../../src/sources/log-source.js';
import { notFollowable, openInput } from '../../src/sources/inputs.js';
import { ndjson, runCli } from '../helpers/cli.js';

const B = (s: string) => Buffer.from(s);
// Real Maven lines of a Bamboo job (ls1intum/Artemis BuildLogEntryServiceTest, bamboo-facts §4 B14).
const MAVEN = [
  '[INFO] BUILD FAILURE',
  '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.10.1:compile (default-compile) on project Test-Maven-Tests: Compilation failure: Compilation failure:',
].join('\n');

describe('sniff decides JSON by content', () => {
  it('reads text that starts with [ or { as text', () => {
    expect(sniff(B(MAVEN))).toBe('text');
    expect(sniff(B('[INFO]'))).toBe('text');
    expect(sniff(B('npm ERR! code ERESOLVE'))).toBe('text');
    expect(sniff(B('{"level":"info","msg":"listening","time":"2025-01-01T10:00:00Z"}\n{"level":"error"}\n'))).toBe('text');
    expect(sniff(B('[1, 2, 3]'))).toBe('text');
    expect(sniff(B('[["a"]]'))).toBe('text');
    expect(sniff(B('{}'))).toBe('text');
  });

  it('reads Bamboo REST shapes as JSON: a job result, a results list, an array of results, an empty list', () => {
    expect(sniff(B('{"expand":"changes,testResults,metadata,logEntries","key":"LAB-PROV-JOB1-10"'))).toBe('json');
    expect(sniff(B('\ufeff\n {"results":{"result":['))).toBe('json');
    expect(sniff(B('[\n  {"buildResultKey":"A-B-JOB1-3","state":"Failed","logEntries":{"logEntry":[]}}\n]'))).toBe('json');
    expect(sniff(B('{"key":"A-B-JOB1-3","state":"Failed","logEntries":{"size":1}}'))).toBe('json');
    expect(sniff(B('[]'))).toBe('json');
  });

  it('asks for more while the head cannot tell, and calls it text at the end of the input', () => {
    expect(sniff(B('['), false)).toBe('more');
    expect(sniff(B('[\n  {"buildR'), false)).toBe('more');
    expect(sniff(B('['))).toBe('text');
    expect(sniff(B('[INFO'), false)).toBe('text');
  });

  it('lets a followed [INFO] log be followed', () => {
    expect(notFollowable(B(MAVEN))).toBeNull();
    expect(notFollowable(B('{"expand":"logEntries"'))).toMatch(/REST JSON export/);
  });
});

/** A pipe that delivers its first byte alone, then the rest later, as a slow writer would. */
function slowPipe(text: string): Readable {
  const pipe = new PassThrough();
  pipe.write(text.slice(0, 1));
  setTimeout(() => pipe.end(text.slice(1)), 20);
  return pipe;
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

describe('openInput on stdin', () => {
  it('reads on past a lone "[" until it can tell, and keeps every byte', async () => {
    const text = `${MAVEN}\n`;
    const opened = await openInput({ name: '-', path: null, stat: null }, slowPipe(text));
    expect(opened.kind).toBe('text');
    expect(await readAll(opened.stream)).toBe(text);
    const json = '[{"buildResultKey":"A-B-JOB1-3","state":"Failed","logEntries":{"logEntry":[]}}]';
    const export_ = await openInput({ name: '-', path: null, stat: null }, slowPipe(json));
    expect(export_.kind).toBe('json');
    expect(await readAll(export_.stream)).toBe(json);
  });

  it('diagnoses a pasted Maven log on stdin through the real CLI', async () => {
    const r = await runCli(['analyze', '-', '--format', 'ndjson', '--no-db'], { input: `${MAVEN}\n` });
    expect(r.stderr).not.toMatch(/JSON|parser/i);
    expect(ndjson(r.stdout).map((d) => d.rule)).toContain('maven-build-failure');
  });
});
