// The tracker on the signals real logs show besides the header: keys in other lines, paths, environment dumps, agent logs.
import { describe, expect, it } from 'vitest';
import { emptyContext, type JobContext } from '../../src/model.js';
import { parseEnvelope } from '../../src/parse/envelope.js';
import { CONTEXT_KEYWORDS, RECOGNISERS, trackLine } from '../../src/context/tracker.js';
import { AgentInventory } from '../../src/context/agents.js';
import { RuleSet } from '../../src/rules/rule-set.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

/** Runs lines through the tracker the way the analyzer does: only the lines the prefilter lets through. */
function track(lines: string[]): JobContext {
  const ruleSet = new RuleSet([]);
  const ctx = emptyContext();
  lines.forEach((l, i) => {
    const line = parseEnvelope(l, i + 1);
    if (ruleSet.match(line.text, line.parts).context) trackLine(ctx, line);
  });
  return ctx;
}

const T = (msg: string, type = 'simple') => `${type}\t03-Nov-2025 09:41:08\t${msg}`;

// Real lines: Bamboo 8.2.5 REST unstyled log from ls1intum/Artemis BuildLogEntryServiceTest (bamboo-facts §1.5 sample B).
const ARTEMIS_HEADER = 'Build ABC23H01E01 - AB12345 - Default Job #5 (MY-JOB) started building on agent ls1Agent-test.artemistest.in.tum.de, bamboo version: 8.2.5';
const ARTEMIS_FAILING =
  'Failing task since return code of [/tmp/runInDocker6842401286113283280.sh /opt/bambooagent/bamboo-agent-home/temp/ABC23H01E01-JOB1-5-ScriptBuildTask-450090153682409851.sh] was 1 while expected 0';

describe('the recogniser table', () => {
  it('derives the prefilter keywords from the recognisers, each once', () => {
    expect(CONTEXT_KEYWORDS).toEqual([...new Set(RECOGNISERS.map((r) => r.keyword))]);
    expect(CONTEXT_KEYWORDS).toContain("Bamboo agent '");
  });

  it('lets "Bamboo agent \'x\' started" reach the tracker (its keyword was missing from the hand-kept list)', () => {
    const ctx = track(["2025-08-28 23:31:09,786 INFO [AgentRunnerThread] [RemoteAgent] Bamboo agent '3c81b2c1a728' started"]);
    expect(ctx.agent).toMatchObject({ name: '3c81b2c1a728', container: true });
  });
});

describe('build key from lines other than the header', () => {
  it('replaces a header key that is not a Bamboo key with the one "Executing build" names', () => {
    const ctx = track([T(ARTEMIS_HEADER), T('Remote agent on host ls1Agent-test.artemistest.in.tum.de'), T('Executing build ABC23H01E01 - Default Job #5 (ABC23H01E01-JOB1-5)')]);
    expect(ctx).toMatchObject({ build: 'ABC23H01E01-JOB1-5', plan: 'ABC23H01E01-JOB1', number: 5, bambooVersion: '8.2.5' });
  });

  it('takes it from "Finished building KEY." and "Build KEY completed."', () => {
    expect(track([T(ARTEMIS_HEADER), T('Finished building ABC23H01E01-JOB1-5.')]).build).toBe('ABC23H01E01-JOB1-5');
    expect(track([T('Stopping timer.'), T('Build ABC23H01E01-JOB1-5 completed.')]).build).toBe('ABC23H01E01-JOB1-5');
    // A deployment's numeric key is no build key.
    expect(track([T('Build 2981890-3145731-3637262 completed.')]).build).toBeNull();
  });

  it('keeps a Bamboo key the header gave', () => {
    const ctx = track([T('Build A - B #3 (ACME-WEB-JOB1-3) started building on agent x'), T('Build OTHER-PLAN-JOB1-9 completed.')]);
    expect(ctx.build).toBe('ACME-WEB-JOB1-3');
  });

  it('reads plan, job, build, agent home and the Docker Runner from a fragment with only the "Failing task" line', () => {
    const ctx = track([T(ARTEMIS_FAILING)]);
    expect(ctx).toMatchObject({ build: 'ABC23H01E01-JOB1-5', number: 5, agentHomeDir: '/opt/bambooagent/bamboo-agent-home', state: 'failed' });
    expect(ctx.agent.os).toBe('linux');
    expect(ctx.runner.kind).toBe('docker');
    // Real line, Russian-locale Bamboo 2016 log (bamboo-facts §5): a job key with a job part.
    const ru = track(['simple\t14-сен-2016 05:21:12\tFailing task since return code of [/bin/sh /opt/atlassian/bamboo/temp/RV-TIAT2-JOB1-7414-ScriptBuildTask-8744185176314095995.sh] was 1 while expected 0']);
    expect(ru).toMatchObject({ build: 'RV-TIAT2-JOB1-7414', plan: 'RV-TIAT2', job: 'JOB1', number: 7414, agentHomeDir: '/opt/atlassian/bamboo' });
  });

  it('reads the key and a macOS agent from a temp script path in a script error', () => {
    // Real line (a UI copy posted in a 2017 blog about CocoaPods after a macOS update).
    const ctx = track([
      '06-Dec-2017 09:28:38\t/Users/tianyi/bamboo-agent-home/temp/IOS-PB-JOB1-382-ScriptBuildTask-1550561307052749322.sh: /usr/local/bin/pod: /System/Library/Frameworks/Ruby.framework/Versions/2.0/usr/bin/ruby: bad interpreter: No such file or directory',
    ]);
    expect(ctx).toMatchObject({ build: 'IOS-PB-JOB1-382', plan: 'IOS-PB', job: 'JOB1', agentHomeDir: '/Users/tianyi/bamboo-agent-home' });
    expect(ctx.agent.os).toBe('macos');
  });
});

describe('agent type needs evidence', () => {
  it('is unknown for a named agent until a line shows what it is', () => {
    const header = T('Build A - B #3 (A-B-JOB1-3) started building on agent build-linux-07');
    expect(track([header]).agent.type).toBe('unknown');
    expect(track([header, T('Remote agent on host build-linux-07')]).agent).toMatchObject({ type: 'remote' });
  });

  it('takes a server-side local-working-dir for a local agent, whatever its name', () => {
    // Real lines (Artemis test log of a Bamboo 8.2.5 local agent; the project replaced "bamboo" by "jenkins").
    const ctx = track([
      T('Build mtc Test Maven - ARTEMISADMIN - Default Job #7 (MTCTSTMVN-ARTEMISADMIN-JOB1-7) started building on agent Agent1, jenkins version: 8.2.5'),
      T('Build working directory is /var/atlassian/application-data/jenkins/local-working-dir/MTCTSTMVN-ARTEMISADMIN-JOB1'),
    ]);
    expect(ctx).toMatchObject({ build: 'MTCTSTMVN-ARTEMISADMIN-JOB1-7', agentHomeDir: '/var/atlassian/application-data/jenkins' });
    expect(ctx.agent).toMatchObject({ name: 'Agent1, jenkins version: 8.2.5', type: 'local', os: 'linux' });
  });

  it('reads remote and elastic agents from the agent\'s own log', () => {
    const remote = track(["2025-08-28 23:31:09,786 INFO [AgentRunnerThread] [RemoteAgent] * Bamboo agent '3c81b2c1a728' ready to receive builds."]);
    expect(remote.agent.type).toBe('remote');
    const elastic = track(["2025-08-28 23:31:09,786 INFO [AgentRunnerThread] [RemoteAgent] * Bamboo agent 'Elastic Agent on i-0a1b2c3d4e5f67890' ready to receive builds."]);
    expect(elastic.agent.type).toBe('elastic');
  });

  it('joins bamboo_agentId of an environment dump with the --agents list', () => {
    // Synthetic dump in the form of bamboo-facts §1.4 (the .log's command entry with literal \n separators).
    const ctx = track([
      T("Beginning to execute external process for build 'A - B #3 (A-B-JOB1-3)'\\n ... running command line: \\n/bin/sh script.sh\\n ... in: /srv/agent/xml-data/build-dir/A-B-JOB1\\n ... using extra environment variables: \\nbamboo_agentId=2553816\\nbamboo_capability_system_git_executable=/usr/bin/git\\nbamboo_resultsUrl=https://bamboo.acme.example/browse/A-B-JOB1-3", 'command'),
    ]);
    expect(ctx.agentDetail).toMatchObject({ id: '2553816', serverUrl: 'https://bamboo.acme.example' });
    expect(ctx.build).toBe('A-B-JOB1-3');
    const inventory = new AgentInventory();
    inventory.add('build-linux-02', { type: 'remote', service: true });
    inventory.addId('2553816', 'build-linux-02');
    inventory.enrich(ctx);
    expect(ctx.agent).toMatchObject({ name: 'build-linux-02', type: 'remote', service: true });
  });

  it('reads an ephemeral agent in Kubernetes from its environment, without keeping its token', () => {
    // The value's form is the one documented for atlassian/bamboo-agent-base (README, "Ephemeral agent specific configuration").
    const ctx = track([
      T('BAMBOO_EPHEMERAL_AGENT_DATA=BAMBOO_SERVER=http://localhost#SECURITY_TOKEN=123456789#bamboo.agent.ephemeral.for.key=PROJ-PLAN-JOB1-1', 'build'),
    ]);
    expect(ctx.agent).toMatchObject({ type: 'ephemeral', container: true });
    expect(ctx.agentDetail.kubernetes).toBe(true);
    expect(ctx.build).toBe('PROJ-PLAN-JOB1-1');
    expect(JSON.stringify(ctx)).not.toContain('123456789');
    const pod = track([T('KUBERNETES_SERVICE_HOST=10.96.0.1', 'build')]);
    expect(pod.agent.type).toBe('ephemeral');
    expect(pod.agentDetail.kubernetes).toBe(true);
  });
});

describe('agent OS, home and account from paths', () => {
  it('reads a Windows agent home from a temp script path', () => {
    // Synthetic: a Windows agent's script task.
    const ctx = track([T('Failing task since return code of [C:\\bamboo-agent-home\\temp\\ACME-WIN-JOB1-12-ScriptBuildTask-77.bat] was 1 while expected 0')]);
    expect(ctx).toMatchObject({ build: 'ACME-WIN-JOB1-12', agentHomeDir: 'C:\\bamboo-agent-home' });
    expect(ctx.agent.os).toBe('windows');
  });

  it('takes C:\\Windows\\system32\\config\\systemprofile for a service running as LocalSystem', () => {
    // Synthetic: a Docker task's config under LocalSystem's profile.
    const ctx = track([T('C:\\Program Files\\Docker\\docker.exe --config C:\\Windows\\system32\\config\\systemprofile\\.dockercfg-bamboo-0f5e1c2a-9d3b-4b7e-8a61-2c4f9e8d7b10 pull acme/app', 'command')]);
    expect(ctx.agent).toMatchObject({ os: 'windows', service: true, home: 'C:\\Windows\\system32\\config\\systemprofile' });
    expect(ctx.agentDetail).toMatchObject({ user: 'NT AUTHORITY\\SYSTEM', uuid: '0f5e1c2a-9d3b-4b7e-8a61-2c4f9e8d7b10' });
  });

  it('reads the agent working directory substitution and a tmp directory', () => {
    const ctx = track([
      T('Substituting variable: ${bamboo.agentWorkingDirectory} with /home/bamboo/bamboo-agent-home/xml-data/build-dir', 'command'),
    ]);
    expect(ctx.agentHomeDir).toBe('/home/bamboo/bamboo-agent-home');
    // bamboo-facts §1.5 sample B.
    const tmp = track([T('Substituting variable: ${bamboo.tmp.directory} with /opt/bambooagent/bamboo-agent-home/temp', 'command')]);
    expect(tmp.agentHomeDir).toBe('/opt/bambooagent/bamboo-agent-home');
  });

  it('does not take a URL or a relative path for an agent path', () => {
    const ctx = track([T('Downloading https://repo.example/xml-data/build-dir/artifact.jar into xml-data/build-dir/x', 'build')]);
    expect(ctx.agentHomeDir).toBeNull();
    expect(ctx.agent.os).toBe('unknown');
  });
});

describe('real corpus lines', () => {
  const REAL = join(ROOT, 'test', 'fixtures', 'real');
  const lines = (file: string) => readFileSync(join(REAL, file), 'utf8').split(/\r?\n/);

  it('reads a server log: the key prefix, the local agent thread, a Windows server home', () => {
    const ctx = track(lines('allure-windows-local-agent-server-log.log'));
    expect(ctx).toMatchObject({ build: 'TEST-NIEL-JOB1-45', agentHomeDir: 'C:\\Users\\shama\\bamboo-home' });
    expect(ctx.agent).toMatchObject({ name: 'Default Agent', type: 'local', os: 'windows' });
  });

  it("takes a server's bamboo-home build directory for a local agent", () => {
    const ctx = track(['simple\t15-Feb-2018 15:50:44\tBuild working directory is /app/bamboo-home/xml-data/build-dir/CICD-BDSL-JOB1']);
    expect(ctx.agent.type).toBe('local');
    expect(ctx.agentHomeDir).toBe('/app/bamboo-home');
  });

  it('reads the key of an MSBuild task from its response file under LocalSystem\'s profile', () => {
    const ctx = track(lines('msbuild-windows-localsystem-rsp.log'));
    expect(ctx).toMatchObject({ build: 'AC-AP-JOB1-28', agent: { os: 'windows', service: true } });
  });

  it('reads a Windows agent from the program of a command entry (.\\gradlew)', () => {
    const ctx = track(lines('jfrog-windows-gradle-return-code-minus-one.log'));
    expect(ctx).toMatchObject({ build: 'AC-BA-JOB1-24', agent: { os: 'windows' } });
  });
});

