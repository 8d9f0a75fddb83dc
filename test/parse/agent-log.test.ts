import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../src/model.js';
import { SourceAnalyzer } from '../../src/diagnose/analyzer.js';
import { parseAgentLine, parseLog4jLine } from '../../src/parse/agent-log.js';
import { parseEnvelope } from '../../src/parse/envelope.js';
import { BUILTIN_RULES_DIR, loadRules } from '../../src/rules/load.js';
import { RuleSet } from '../../src/rules/rule-set.js';
import { readLogStream } from '../../src/sources/log-source.js';
import { ROOT } from '../helpers/cli.js';

const FIXTURES = join(ROOT, 'test', 'fixtures');
const FATAL =
  "2018-07-19 01:23:44,249 FATAL [scheduler_Worker-10] [AgentContext] Agent encountered a fatal error: 'The last successful transmission was 11 minutes ago, the heartbeat timeout is 10 minutes, terminating agent'. Exiting.";
const WRAPPED =
  "INFO   | jvm 7    | 2025/08/28 23:31:09 | 2025-08-28 23:31:09,742 INFO [AgentRunnerThread] [DefaultBuildAgent] Build agent '3c81b2c1a728' started. Waiting for builds...";

describe('parseAgentLine', () => {
  it('reads a log4j line of atlassian-bamboo.log: time without millis, level, thread, class and message', () => {
    expect(parseLog4jLine(FATAL)).toEqual({
      time: '2018-07-19T01:23:44',
      level: 'FATAL',
      thread: 'scheduler_Worker-10',
      logger: 'AgentContext',
      message:
        "Agent encountered a fatal error: 'The last successful transmission was 11 minutes ago, the heartbeat timeout is 10 minutes, terminating agent'. Exiting.",
    });
  });

  it('reads a service-wrapper line that wraps a log4j line, taking the inner time and level', () => {
    expect(parseAgentLine(WRAPPED)).toMatchObject({
      time: '2025-08-28T23:31:09',
      level: 'INFO',
      logger: 'DefaultBuildAgent',
      message: "Build agent '3c81b2c1a728' started. Waiting for builds...",
    });
  });

  it("reads the wrapper's own lines with the wrapper's time", () => {
    expect(parseAgentLine('STATUS | wrapper  | 2025/08/28 23:30:58 | --> Wrapper Started as Console')).toEqual({
      time: '2025-08-28T23:30:58',
      level: 'STATUS',
      message: '--> Wrapper Started as Console',
    });
  });

  it('rejects build-log lines and text that only looks close', () => {
    expect(parseAgentLine('simple\t04-Apr-2016 15:33:26\tBuild working directory is /x')).toBeNull();
    expect(parseAgentLine('2018-07-19 01:23:44 no level here')).toBeNull();
    expect(parseAgentLine('INFO: nothing | like | the wrapper')).toBeNull();
    expect(parseAgentLine('\tat java.base/java.lang.Thread.run(Thread.java:840)')).toBeNull();
  });
});

describe('parseEnvelope on agent-log lines', () => {
  it('gives the time and the message, type plain', () => {
    expect(parseEnvelope(FATAL, 7)).toMatchObject({ line: 7, type: 'plain', time: '2018-07-19T01:23:44' });
    expect(parseEnvelope(WRAPPED, 5)).toEqual({
      line: 5,
      type: 'plain',
      time: '2025-08-28T23:31:09',
      text: "Build agent '3c81b2c1a728' started. Waiting for builds...",
    });
  });

  it('still reads a UI copy (dd-MMM-yyyy) before trying the agent layout', () => {
    expect(parseEnvelope("28-Feb-2014 19:50:14 Starting task 'Copy Files' of type 'x'", 1).time).toBe('2014-02-28T19:50:14');
  });
});

const ruleSet = new RuleSet(loadRules([BUILTIN_RULES_DIR, join(FIXTURES, 'rules')]));

async function diagnose(file: string): Promise<Diagnosis[]> {
  const found: Diagnosis[] = [];
  const analyzer = new SourceAnalyzer(file, ruleSet, [{ diagnosis: (d) => void found.push(d) }]);
  await readLogStream(createReadStream(join(FIXTURES, 'agent-logs', file)), ruleSet.automaton, analyzer);
  return found.filter((d) => d.rule === 'test-agent-heartbeat');
}

describe('agent-side logs through the engine', () => {
  it('ties the diagnosis to the agent named in atlassian-bamboo.log, with no build key', async () => {
    const [d] = await diagnose('atlassian-bamboo.log');
    expect(d).toMatchObject({
      build: null,
      plan: null,
      line: 7,
      time: '2018-07-19T01:23:44',
      // Only a remote agent has a log of its own ([RemoteAgent] "ready to receive builds"); its name is no elastic one.
      agent: { name: 'build-linux-02', type: 'remote', container: null },
      captures: { ago: '11 minutes', timeout: '10 minutes' },
      scenario: 'any-agent',
    });
    expect(d.severity).toBe('error');
  });

  it('learns from the wrapper log that the agent runs in a container, and its home', async () => {
    const [d] = await diagnose('wrapper.log');
    expect(d).toMatchObject({ line: 10, time: '2025-08-29T04:47:15', agent: { name: '3c81b2c1a728', container: true }, scenario: 'container-agent' });
    expect(d.fix).toContain('at /var/atlassian/application-data/bamboo-agent lost the server after 11 minutes');
  });
});
