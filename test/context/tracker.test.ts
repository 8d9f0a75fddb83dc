import { describe, expect, it } from 'vitest';
import { emptyContext, type JobContext } from '../../src/model.js';
import { parseEnvelope } from '../../src/parse/envelope.js';
import { trackLine } from '../../src/context/tracker.js';
import { parseVolume, shellWords } from '../../src/context/docker-run.js';
import { RuleSet } from '../../src/rules/rule-set.js';

function track(lines: string[]): { ctx: JobContext; events: (string | null)[] } {
  const ctx = emptyContext();
  const events = lines.map((l, i) => trackLine(ctx, parseEnvelope(l, i + 1)));
  return { ctx, events };
}

const T = (msg: string, type = 'simple') => `${type}\t03-Nov-2025 09:41:08\t${msg}`;

describe('trackLine', () => {
  it('reads the 8.x header with the Bamboo version, and the remote agent line', () => {
    const { ctx } = track([
      T('Build ABC - Default Job #5 (ABC-PLAN-JOB1-5) started building on agent ls1Agent-test.example, bamboo version: 8.2.5'),
      T('Remote agent on host ls1Agent-test.example'),
      T('Build working directory is /opt/bambooagent/bamboo-agent-home/xml-data/build-dir/ABC-PLAN-JOB1'),
    ]);
    expect(ctx).toMatchObject({
      build: 'ABC-PLAN-JOB1-5',
      plan: 'ABC-PLAN',
      job: 'JOB1',
      number: 5,
      bambooVersion: '8.2.5',
      agentHomeDir: '/opt/bambooagent/bamboo-agent-home',
      agent: { name: 'ls1Agent-test.example', type: 'remote', container: false },
      started: '2025-11-03T09:41:08',
    });
  });

  it('reads the 2013 header form and local agent names', () => {
    expect(track([T('Build PROJECT-PLAN-JOB1-1 started building on agent Default Agent')]).ctx).toMatchObject({
      build: 'PROJECT-PLAN-JOB1-1',
      agent: { name: 'Default Agent', type: 'local' },
    });
    expect(track([T('Build PlanName - Run tests #229 (PLAN-JOB1-229) started building on agent Local #2')]).ctx).toMatchObject({
      build: 'PLAN-JOB1-229',
      number: 229,
      agent: { type: 'local' },
    });
  });

  it('reads a localized header and an elastic agent', () => {
    const { ctx } = track([T('Build Q-Track WAS - release - release-4.0.0 빌드 #7 (QTRAC-REL4-JOB1-7) started building on agent Elastic Agent on i-0a1b2c3d4e5f67890')]);
    expect(ctx).toMatchObject({ build: 'QTRAC-REL4-JOB1-7', agent: { type: 'elastic', name: 'Elastic Agent on i-0a1b2c3d4e5f67890' } });
  });

  it('sees an agent in a container from its home or a container-id host name', () => {
    expect(track([T('Remote agent on host 3c81b2c1a728')]).ctx.agent.container).toBe(true);
    const { ctx } = track([T('Build working directory is /var/atlassian/application-data/bamboo-agent/xml-data/build-dir/X-Y-JOB1')]);
    expect(ctx.agent.container).toBe(true);
  });

  it('reads the Docker Runner from the docker run command entry before Executing build', () => {
    const run =
      "Beginning to execute external process for build 'A - B #3 (A-B-JOB1-3)'\\n ... running command line: \\n/usr/bin/docker run --volume /h/bamboo-agent-home/xml-data/build-dir/A-B-JOB1:/h/bamboo-agent-home/xml-data/build-dir/A-B-JOB1 --volume ${system.HOME}:${system.HOME} -v /var/run/docker.sock:/var/run/docker.sock --detach --name c1d9 --memory=4g --net=host maven:3.9 tail -f /dev/null\\n ... in: /h\\n ... using extra environment variables: \\nbamboo_agentId=1";
    const { ctx } = track([
      T('Build A - B #3 (A-B-JOB1-3) started building on agent linux-01'),
      T(run, 'command'),
      T('Executing build A - B #3 (A-B-JOB1-3)'),
      T("Beginning to execute external process for build 'x'\\n ... running command line: \\n/usr/bin/docker run --rm other:1 echo hi", 'command'),
    ]);
    expect(ctx.runner).toEqual({
      kind: 'docker',
      image: 'maven:3.9',
      volumes: [
        { host: '/h/bamboo-agent-home/xml-data/build-dir/A-B-JOB1', container: '/h/bamboo-agent-home/xml-data/build-dir/A-B-JOB1' },
        { host: '${system.HOME}', container: '${system.HOME}' },
        { host: '/var/run/docker.sock', container: '/var/run/docker.sock' },
      ],
      arguments: ['--memory=4g', '--net=host'],
    });
    expect(ctx.agent.service).toBe(true);
  });

  it('says agent environment when the build starts with no runner, docker when a task runs in runInDocker', () => {
    expect(track([T('Build A - B #3 (A-B-JOB1-3) started building on agent x'), T('Executing build A - B #3 (A-B-JOB1-3)')]).ctx.runner.kind).toBe('agent');
    const wrapper = track([
      T("Beginning to execute external process for build 'x'\\n ... running command line: \\n/tmp/runInDocker6842401286113283280.sh /h/temp/A-B-JOB1-3-ScriptBuildTask-1.sh", 'command'),
    ]);
    expect(wrapper.ctx.runner.kind).toBe('docker');
  });

  it('takes the agent user home from a Docker task --config path', () => {
    const { ctx } = track([T('/usr/bin/docker --config /home/bamboo/.dockercfg-bamboo-3f2a9c1e-0b7d-4e21 pull x', 'command')]);
    expect(ctx.agent.home).toBe('/home/bamboo');
  });

  it('follows tasks and the build result', () => {
    const { ctx, events } = track([
      T('Build A - B #3 (A-B-JOB1-3) started building on agent x'),
      T("Starting task 'Checkout' of type 'com.atlassian.bamboo.plugins.vcs:task.vcs.checkout'"),
      T("Finished task 'Checkout' with result: Success"),
      T("Starting task 'Tests' of type 'com.atlassian.bamboo.plugins.scripttask:task.builder.script'"),
      T('Failing task since return code of [/bin/sh t.sh] was 1 while expected 0'),
      T("Finished task 'Tests' with result: Failed"),
      T('Finished building A-B-JOB1-3.'),
    ]);
    expect(ctx.tasks).toEqual([
      { name: 'Checkout', type: 'com.atlassian.bamboo.plugins.vcs:task.vcs.checkout', result: 'success' },
      { name: 'Tests', type: 'com.atlassian.bamboo.plugins.scripttask:task.builder.script', result: 'failed' },
    ]);
    expect(events).toEqual([null, null, null, null, 'failed', null, 'finished']);
    expect(ctx.state).toBe('failed');
  });

  it('calls a build successful only when every task succeeded', () => {
    const ok = track([T("Starting task 'a' of type 't'"), T("Finished task 'a' with result: Success"), T('Finished building A-B-JOB1-3.')]);
    expect(ok.ctx.state).toBe('successful');
    expect(track([T('Finished building A-B-JOB1-3.')]).ctx.state).toBe('unknown');
  });
});

describe('docker run words', () => {
  it('splits quoted words and volumes with options or drive letters', () => {
    expect(shellWords(`run -v "/a b:/c" --name='x y' img`)).toEqual(['run', '-v', '/a b:/c', '--name=x y', 'img']);
    expect(parseVolume('/a:/b:ro')).toEqual({ host: '/a', container: '/b' });
    expect(parseVolume('C:\\data:/data')).toEqual({ host: 'C:\\data', container: '/data' });
    expect(parseVolume('/data')).toBeNull(); // an anonymous volume mounts nothing of the host
  });
});

describe('Windows agents', () => {
  it('finds the agent home in a working directory with backslashes', () => {
    const { ctx } = track([T('Build working directory is C:\\bamboo-agent-home\\xml-data\\build-dir\\WIN-APP-JOB1')]);
    expect(ctx.agentHomeDir).toBe('C:\\bamboo-agent-home');
    expect(ctx.agent.container).toBe(false);
  });
});

describe('agent type from the header alone', () => {
  it('leaves a named agent that is neither elastic nor local unknown: a name is no evidence of a remote agent', () => {
    expect(track([T('Build A - B #3 (A-B-JOB1-3) started building on agent build-linux-07')]).ctx.agent.type).toBe('unknown');
  });
});

describe('logs without their header, and logs copied from the UI', () => {
  it('takes the build key from "Executing build … (KEY)" when no header was read', () => {
    const { ctx } = track([
      T('Remote agent on host build-linux-04'),
      T('Build working directory is /home/bamboo/bamboo-agent-home/xml-data/build-dir/ACME-WEB-IT'),
      T('Executing build Acme - Web - Integration tests #57 (ACME-WEB-IT-57)'),
    ]);
    expect(ctx).toMatchObject({ build: 'ACME-WEB-IT-57', plan: 'ACME-WEB', job: 'IT', number: 57 });
    // The working directory line comes before the runner's docker run: none was missed, so the agent's environment.
    expect(ctx.runner.kind).toBe('agent');
  });

  it('leaves the runner open in a fragment that starts at "Executing build"', () => {
    const { ctx } = track([T('Executing build A - B #3 (A-B-JOB1-3)')]);
    expect(ctx.build).toBe('A-B-JOB1-3');
    expect(ctx.runner.kind).toBe('unknown');
  });

  it('reads the runner from a docker run line of its own (the UI shows the command entry as several lines)', () => {
    const lines = [
      '03-Nov-2025 09:41:07 Build Acme - API - Default Job #88 (ACME-API-JOB1-88) started building on agent build-linux-03',
      "03-Nov-2025 09:41:08 Beginning to execute external process for build 'Acme - API - Default Job #88 (ACME-API-JOB1-88)'",
      ' ... running command line: ',
      '/usr/bin/docker run --volume /h/xml-data/build-dir/ACME-API-JOB1:/h/xml-data/build-dir/ACME-API-JOB1 --detach --name 5b8e maven:3.9 tail -f /dev/null',
      '03-Nov-2025 09:41:14 Executing build Acme - API - Default Job #88 (ACME-API-JOB1-88)',
    ];
    // Only lines holding a context keyword reach the tracker.
    const ruleSet = new RuleSet([]);
    const ctx = emptyContext();
    lines.forEach((l, i) => {
      const line = parseEnvelope(l, i + 1);
      if (ruleSet.match(line.text).context) trackLine(ctx, line);
    });
    expect(ctx.runner).toMatchObject({ kind: 'docker', image: 'maven:3.9', volumes: [{ host: '/h/xml-data/build-dir/ACME-API-JOB1' }] });
  });

  it("does not take a script's traced docker run for the runner in a fragment", () => {
    const { ctx } = track([T('+ docker run --rm -v /h/xml-data/build-dir/A-B-JOB1:/src node:20 npm test', 'error')]);
    expect(ctx.runner.kind).toBe('unknown');
  });
});

describe('the build key from an environment dump', () => {
  it('names the plan, job and number too, as a header would', () => {
    const { ctx } = track([
      T("Beginning to execute external process for build 'A - B #7 (A-B-JOB1-7)'\\n ... running command line: \\n/bin/sh x.sh\\n ... using extra environment variables: \\nbamboo_buildResultKey=A-B-JOB1-7", 'command'),
    ]);
    expect(ctx).toMatchObject({ build: 'A-B-JOB1-7', plan: 'A-B', job: 'JOB1', number: 7 });
  });
});

describe('docker run options that take a value', () => {
  it.each(['--pids-limit 256', '--ip 10.0.0.5', '--sysctl net.ipv4.ip_forward=1', '--cpu-quota 50000', '--oom-score-adj 500', '--dns-search example.com', '--mac-address 02:42:ac:11:00:02'])(
    '%s is not taken for the image',
    (option) => {
      const { ctx } = track([
        T('Build A - B #3 (A-B-JOB1-3) started building on agent build-linux-07'),
        `docker run --rm ${option} --volume /home/bamboo/bamboo-agent-home/xml-data/build-dir/A-B-JOB1:/data maven:3.9`,
      ]);
      expect(ctx.runner.image).toBe('maven:3.9');
      expect(ctx.runner.volumes).toEqual([{ host: '/home/bamboo/bamboo-agent-home/xml-data/build-dir/A-B-JOB1', container: '/data' }]);
    },
  );
});
