// agent.os: the tracker tells Windows, Linux and macOS agents apart by the paths the log shows, and only by them.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyContext, type JobContext } from '../../src/model.js';
import { parseEnvelope } from '../../src/parse/envelope.js';
import { trackLine } from '../../src/context/tracker.js';
import { osOfPath } from '../../src/context/agent-os.js';
import { loadAgents } from '../../src/context/agents.js';
import { ROOT, tempDir } from '../helpers/cli.js';

function track(lines: string[]): JobContext {
  const ctx = emptyContext();
  lines.forEach((l, i) => trackLine(ctx, parseEnvelope(l, i + 1)));
  return ctx;
}

const T = (msg: string, type = 'simple') => `${type}\t12-Jan-2026 14:02:10\t${msg}`;
const header = (agent: string) => T(`Build Acme - Installer #412 (ACME-INST-WIN-412) started building on agent ${agent}, bamboo version: 10.2.1`);
const command = (parts: string[]) => T(`Beginning to execute external process for build 'Acme - Installer #412 (ACME-INST-WIN-412)'\\n${parts.join('\\n')}`, 'command');

describe('osOfPath', () => {
  it.each([
    ['D:\\bamboo-agent-home\\xml-data\\build-dir\\ACME-INST-WIN', 'windows'],
    ['C:/bamboo-agent-home/xml-data/build-dir/ACME-WEB-JOB1', 'windows'],
    ['\\\\fileserver\\bamboo\\agent-07\\xml-data\\build-dir\\X-Y-JOB1', 'windows'],
    ['bamboo-agent-home\\xml-data\\build-dir', 'windows'],
    ['/home/bamboo/bamboo-agent-home/xml-data/build-dir/ACME-WEB-JOB1', 'linux'],
    ['/opt/bambooagent/bamboo-agent-home', 'linux'],
    ['/var/atlassian/application-data/bamboo-agent', 'linux'],
    ['/Users/bambooagent/bamboo-agent-home/xml-data/build-dir/MOB-IOS-JOB1', 'macos'],
    ['/Volumes/Builds/bamboo-agent-home', 'macos'],
    ['/opt/homebrew/bin/node', 'macos'],
    ['/Library/Java/JavaVirtualMachines/temurin-17.jdk/Contents/Home', 'macos'],
    ['/private/var/folders/xy/T/npm-1234', 'macos'],
    ['/opt/maven-3.3/boot', 'linux'],
  ])('%s → %s', (path, os) => {
    expect(osOfPath(path)).toBe(os);
  });

  it('tells nothing from a relative path, a Bamboo variable or a word', () => {
    expect(osOfPath('xml-data/build-dir/X-Y-JOB1')).toBeNull();
    expect(osOfPath('${system.HOME}')).toBeNull();
    expect(osOfPath('build-dir')).toBeNull();
  });
});

describe('trackLine sets agent.os from evidence only', () => {
  it('a Windows working directory (drive letter, backslashes) → windows', () => {
    const ctx = track([header('WIN-BUILD-07'), T('Build working directory is D:\\bamboo-agent-home\\xml-data\\build-dir\\ACME-INST-WIN')]);
    expect(ctx.agent).toMatchObject({ name: 'WIN-BUILD-07', os: 'windows' });
    expect(ctx.agentHomeDir).toBe('D:\\bamboo-agent-home');
  });

  it('a POSIX working directory → linux; under /Users → macos', () => {
    expect(track([T('Build working directory is /opt/bambooagent/bamboo-agent-home/xml-data/build-dir/ABC-PLAN-JOB1')]).agent.os).toBe('linux');
    expect(track([T('Build working directory is /var/atlassian/application-data/bamboo-agent/xml-data/build-dir/X-Y-JOB1')]).agent.os).toBe('linux');
    expect(track([T('Build working directory is /Users/bambooagent/bamboo-agent-home/xml-data/build-dir/MOB-IOS-JOB1')]).agent.os).toBe('macos');
  });

  it('stays unknown when the log shows no path: a header alone, a Docker Runner wrapper alone', () => {
    expect(track([header('build-linux-01'), T('Remote agent on host build-linux-01')]).agent.os).toBe('unknown');
    // A task wrapper of the runner, without the working directory: the container is Linux, the agent host is not told.
    const runner = track([command([' ... running command line: ', '/tmp/runInDocker6842401286113283280.sh ../temp/X-Y-JOB1-7-ScriptBuildTask-1.sh'])]);
    expect(runner.runner.kind).toBe('docker');
    expect(runner.agent.os).toBe('unknown');
  });

  it("an agent-side log: the 'Remote Agent Home' line tells the OS", () => {
    const lines = readFileSync(join(ROOT, 'test', 'fixtures', 'variants', 'atlassian-bamboo-windows-agent.log'), 'utf8').split(/\r?\n/);
    const ctx = track(lines.filter((l) => l.includes('Remote Agent Home') || l.includes("Build agent '")));
    expect(ctx.agent).toMatchObject({ name: 'WIN-BUILD-07', os: 'windows' });
    expect(track([T('* Remote Agent Home: /var/atlassian/application-data/bamboo-agent', 'build')]).agent.os).toBe('linux');
  });

  it("in a fragment, the process directory of a command entry ('... in:', bamboo_agentWorkingDirectory) tells it", () => {
    const inDir = command([' ... running command line: ', 'cmd.exe /c D:\\bamboo-agent-home\\temp\\X-Y-JOB1-7-ScriptBuildTask-1.bat', ' ... in: D:\\bamboo-agent-home\\xml-data\\build-dir\\X-Y-JOB1']);
    expect(track([inDir]).agent.os).toBe('windows');
    const env = command([' ... using extra environment variables: ', 'bamboo_agentWorkingDirectory=C:\\bamboo-agent-home\\xml-data\\build-dir']);
    expect(track([env]).agent.os).toBe('windows');
    expect(track([command([' ... in: /home/bamboo/bamboo-agent-home/xml-data/build-dir/X-Y-JOB1'])]).agent.os).toBe('linux');
  });

  it('the working directory wins over a process directory seen before it', () => {
    const ctx = track([command([' ... in: /mnt/share/tools']), T('Build working directory is C:\\bamboo-agent-home\\xml-data\\build-dir\\X-Y-JOB1')]);
    expect(ctx.agent.os).toBe('windows');
    const later = track([T('Build working directory is C:\\bamboo-agent-home\\xml-data\\build-dir\\X-Y-JOB1'), command([' ... in: /cygdrive/c/tools'])]);
    expect(later.agent.os).toBe('windows');
  });

  it('the program a failed task ran is written in the agent OS; a Docker Runner wrapper is not', () => {
    const pwsh = T('Failing task since return code of [C:\\Program Files\\PowerShell\\7\\pwsh.exe .\\Cleanup.build.ps1 CleanBranches] was 1 while expected 0');
    expect(track([pwsh]).agent.os).toBe('windows');
    expect(track([T('Failing task since return code of [/bin/sh /opt/x/temp/X-Y-JOB1-7-ScriptBuildTask-1.sh] was 1 while expected 0')]).agent.os).toBe('linux');
    const wrapped = track([T('Failing task since return code of [/tmp/runInDocker68424.sh ../temp/X-Y-JOB1-7-ScriptBuildTask-1.sh] was 1 while expected 0')]);
    expect(wrapped.agent.os).toBe('unknown');
  });

  it('any other absolute path under a host root tells the OS only while nothing else did', () => {
    expect(track([T('12:17:03.476 [INFO] [org.sonarqube.gradle.SonarQubeTask] User cache: /home/bambuild/.sonar/cache', 'build')]).agent.os).toBe('linux');
    expect(track([T("Initialization script 'C:\\Users\\xxx\\AppData\\Local\\Temp\\init.gradle' line: 1", 'build')]).agent.os).toBe('windows');
    // The working directory is stronger, before or after.
    const win = track([T('Build working directory is C:\\bamboo-agent-home\\xml-data\\build-dir\\X-Y-JOB1'), T('npm cache at /home/x/.npm', 'build')]);
    expect(win.agent.os).toBe('windows');
    const later = track([T('npm cache at /home/x/.npm', 'build'), T('Build working directory is C:\\bamboo-agent-home\\xml-data\\build-dir\\X-Y-JOB1')]);
    expect(later.agent.os).toBe('windows');
    // A URL's path is not a path of the agent.
    expect(track([T('Download: http://sonar.example:9000/home/batch_bootstrap/index', 'build')]).agent.os).toBe('unknown');
  });

  it('a Windows tool named in a message is not evidence: only paths of the agent are', () => {
    const ctx = track([header('build-linux-01'), T("'mvn' is not recognized as an internal or external command,", 'error')]);
    expect(ctx.agent.os).toBe('unknown');
  });
});

describe('--agents: os fills what the log did not tell', () => {
  const dir = tempDir();
  const facts = join(dir, 'facts.yaml');
  writeFileSync(facts, 'WIN-BUILD-07:\n  type: remote\n  os: windows\nmac-ios-01:\n  os: macos\n');

  it('an agent-side log without its home line gets the os of its name', () => {
    const ctx = track([T("Build agent 'WIN-BUILD-07' started. Waiting for builds...", 'build')]);
    loadAgents([facts]).enrich(ctx);
    expect(ctx.agent.os).toBe('windows');
  });

  it('the log wins over the inventory', () => {
    const ctx = track([header('mac-ios-01'), T('Build working directory is /opt/bamboo-agent-home/xml-data/build-dir/X-Y-JOB1')]);
    loadAgents([facts]).enrich(ctx);
    expect(ctx.agent.os).toBe('linux');
  });

  it('names the file and line of an os that is not windows, linux or macos', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'WIN-BUILD-07:\n  os: win10\n');
    expect(() => loadAgents([bad])).toThrow(/bad\.yaml:2.*os \(windows\/linux\/macos\)/s);
  });
});
