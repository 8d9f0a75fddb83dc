// Log text as people paste it: indented code blocks, Markdown tables, and server logs whose lines carry the build key.
// Lines are quoted from the real-log corpus (test/fixtures/real, sources in its SOURCES.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../src/parse/envelope.js';
import { ROOT } from '../helpers/cli.js';

const REAL = join(ROOT, 'test', 'fixtures', 'real');
const firstLine = (file: string, includes: string) => readFileSync(join(REAL, file), 'utf8').split(/\r?\n/).find((l) => l.includes(includes))!;

describe('parseEnvelope on pasted forms', () => {
  it('reads a typed line indented as a whole (a code block in a forum post)', () => {
    const raw = firstLine('jfrog-windows-gradle-return-code-minus-one.log', 'Beginning to execute');
    expect(raw.startsWith('    command ')).toBe(true);
    const line = parseEnvelope(raw, 2);
    expect(line).toMatchObject({ type: 'command', time: '2014-10-07T07:14:45' });
    expect(line.text.startsWith("Beginning to execute external process for build 'access - build all - Default Job #24 (AC-BA-JOB1-24)'")).toBe(true);
    expect(line.parts?.[2]).toMatch(/^\.\\gradlew -I J:\\Bamboo\\temp\\/);
  });

  it('keeps an indented line without type or time as it is (a stack trace line)', () => {
    expect(parseEnvelope('\tat com.atlassian.bamboo.task.TaskExecutorImpl.execute(TaskExecutorImpl.java:98)', 1)).toMatchObject({ type: 'plain', time: null, text: '\tat com.atlassian.bamboo.task.TaskExecutorImpl.execute(TaskExecutorImpl.java:98)' });
  });

  it('reads a UI copy pasted into a Markdown table (time | message)', () => {
    const line = parseEnvelope(firstLine('plandsl-elastic-agent-ui-table.log', 'started building'), 1);
    expect(line.time).toBe('2017-09-05T09:47:55');
    expect(line.text).toBe('Build Bitvoodoo Infrastructure - Test Bamboo Plans - Deploy Sandbox Plan #394 (BVINFRA-PLANDSLADDONDEVELOP-JOB1-394) started building on agent Elastic Agent on i-02a24728bb7092562');
  });

  it("takes a server log line's build key prefix and its local agent thread apart from the message", () => {
    const line = parseEnvelope(firstLine('allure-windows-local-agent-server-log.log', 'Executing build'), 4);
    expect(line).toMatchObject({
      time: '2017-11-20T15:49:34',
      key: 'TEST-NIEL-JOB1-45',
      agent: 'Default Agent',
      text: 'Executing build Test - Nielsen - Default Job #45 (TEST-NIEL-JOB1-45)',
    });
    // A remote agent's own log line has neither.
    const remote = parseEnvelope("2018-07-18 09:12:12,509 INFO [AgentRunnerThread] [RemoteAgent] * Bamboo agent 'build-linux-02' ready to receive builds.", 1);
    expect(remote.key).toBeUndefined();
    expect(remote.agent).toBeUndefined();
  });
});
