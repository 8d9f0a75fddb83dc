// Scenario choice with agent.os: Windows agents get the windows-agent fix of a rule; Linux and Mac agents keep theirs.
import { describe, expect, it } from 'vitest';
import { emptyContext, type AgentOs, type JobContext, type RunnerKind } from '../../src/model.js';
import { chooseScenario, evaluate, UNDETERMINED } from '../../src/diagnose/scenario.js';
import { renderTemplate } from '../../src/rules/template.js';
import type { ScenarioDef } from '../../src/rules/schema.js';
import { loadRules } from '../../src/rules/load.js';
import { RuleSet } from '../../src/rules/rule-set.js';
import { diagnoseLines } from '../../src/diagnose/rule-tests.js';

function ctxOf(os: AgentOs, runner: RunnerKind): JobContext {
  const c = emptyContext();
  c.agent = { ...c.agent, name: 'WIN-BUILD-07', type: 'remote', os };
  c.runner.kind = runner;
  return c;
}

const sc = (id: string, when: ScenarioDef['when']): ScenarioDef => ({ id, title: id, when, fix: id });
const ruleSet = new RuleSet(loadRules());
/** The shape the shipped rules use: the Windows scenario first, only outside a Docker Runner. */
const SCENARIOS = [
  sc('windows-agent', { 'agent.os': 'windows', 'runner.kind': ['agent', 'unknown'] }),
  sc('docker-runner', { 'runner.kind': 'docker' }),
  sc('agent-environment', { 'runner.kind': 'agent' }),
  sc('unknown', {}),
];

describe('agent.os as a scenario condition', () => {
  const pick = (os: AgentOs, runner: RunnerKind) => chooseScenario(SCENARIOS, ctxOf(os, runner));

  it('a Windows agent in its own environment gets the Windows scenario, also before the runner is known', () => {
    expect(pick('windows', 'agent').id).toBe('windows-agent');
    expect(pick('windows', 'unknown').id).toBe('windows-agent');
  });

  it('Linux and macOS agents rule the Windows scenario out and keep their fix', () => {
    expect(pick('linux', 'agent').id).toBe('agent-environment');
    expect(pick('macos', 'agent').id).toBe('agent-environment');
    expect(pick('linux', 'docker').id).toBe('docker-runner');
  });

  it('an unknown OS leaves the Windows scenario open: the fix lists it with the one that fits', () => {
    const choice = pick('unknown', 'agent');
    expect(choice.id).toBe(UNDETERMINED);
    expect(choice.candidates.map((s) => s.id)).toEqual(['windows-agent', 'agent-environment']);
  });

  it('a Docker Runner rules the Windows scenario out whatever the OS (its container is Linux)', () => {
    expect(pick('unknown', 'docker').id).toBe('docker-runner');
    expect(pick('windows', 'docker').id).toBe('docker-runner');
  });

  it('evaluates a plain agent.os condition like agent.type: yes, no, or open when unknown', () => {
    const plain = sc('w', { 'agent.os': 'windows' });
    expect(evaluate(plain, ctxOf('windows', 'agent'))).toBe('yes');
    expect(evaluate(plain, ctxOf('linux', 'agent'))).toBe('no');
    expect(evaluate(plain, ctxOf('unknown', 'agent'))).toBe('open');
    expect(evaluate(sc('posix', { 'agent.os': ['linux', 'macos'] }), ctxOf('macos', 'agent'))).toBe('yes');
  });
});

describe('evidence paths when the OS is not known', () => {
  const pick = (evidence: string[]) => chooseScenario(SCENARIOS, ctxOf('unknown', 'agent'), 'task', evidence);

  it('never offers the Windows scenario first when the evidence shows POSIX paths', () => {
    const choice = pick(['/bin/sh: 1: /opt/tools/bin/mvn: not found']);
    expect(choice.candidates.map((s) => s.id)).toEqual(['agent-environment', 'windows-agent']);
    expect(choice.id).toBe(UNDETERMINED);
    // Without paths it stays first, as the rule orders it.
    expect(pick(["'mvn' is not recognized as an internal or external command,"]).candidates[0].id).toBe('windows-agent');
  });

  it('takes a drive path in the evidence for a Windows agent', () => {
    expect(pick(["Could not find file 'D:\\bamboo-agent-home\\xml-data\\build-dir\\A-B-JOB1\\app.csproj'"]).id).toBe('windows-agent');
  });

  it('lets the shipped executable-not-found rule list its Linux fix first for a POSIX fragment', () => {
    // A fragment with no header and no working directory: only the evidence shows the paths, and these (/tmp, /usr)
    // Git Bash prints on Windows too, so the Windows scenario stays a candidate, last.
    const [d] = diagnoseLines(ruleSet, ['error\t12-Jan-2026 14:02:10\t/tmp/build.sh: line 3: /usr/local/bin/mvn: No such file or directory', 'error\t12-Jan-2026 14:02:10\t/tmp/build.sh: line 4: gradle: command not found']).filter((x) => x.rule === 'executable-not-found');
    expect(d.agent.os).toBe('unknown');
    expect(d.candidates?.[0]).not.toBe('windows-agent');
    expect(d.candidates).toContain('windows-agent');
  });

  it('takes a path under a host root (/home, /opt) for the agent OS when nothing else told it', () => {
    // User homes under /home and software under /opt are a POSIX host's layout: the Windows scenario is no candidate then.
    const [d] = diagnoseLines(ruleSet, ['error\t12-Jan-2026 14:02:10\t/home/ci/build.sh: line 3: /opt/tools/bin/mvn: No such file or directory', 'error\t12-Jan-2026 14:02:10\t/home/ci/build.sh: line 4: gradle: command not found']).filter((x) => x.rule === 'executable-not-found');
    expect(d.agent.os).toBe('linux');
    expect(d.candidates ?? [d.scenario]).not.toContain('windows-agent');
  });
});

describe('placeholders', () => {
  it('{{agent.os}} gives the OS, or the fallback when unknown; {{agent.user}} reads a Windows home', () => {
    const c = ctxOf('windows', 'agent');
    c.agent.home = 'C:\\Users\\bamboo-svc';
    expect(renderTemplate('{{agent.os}} / {{agent.user}}', c, {})).toBe('windows / bamboo-svc');
    expect(renderTemplate('{{agent.os|an OS not in the log}}', ctxOf('unknown', 'agent'), {})).toBe('an OS not in the log');
  });
});

describe('the shipped rules on a Windows job and on a Linux job', () => {
  const T = (msg: string, type = 'simple') => `${type}\t12-Jan-2026 14:02:10\t${msg}`;
  const WIN = 'D:\\bamboo-agent-home';
  const LINUX = '/home/bamboo/bamboo-agent-home';
  const dir = (home: string) => (home === WIN ? `${home}\\xml-data\\build-dir\\ACME-INST-WIN` : `${home}/xml-data/build-dir/ACME-INST-WIN`);
  const script = (home: string) =>
    home === WIN
      ? `powershell.exe -ExecutionPolicy bypass -Command /d ${home}\\temp\\ACME-INST-WIN-412-ScriptBuildTask-1.ps1`
      : `/bin/sh ${home}/temp/ACME-INST-WIN-412-ScriptBuildTask-1.sh`;

  /** A job on `home`'s agent whose script task prints `body` and fails. */
  const job = (home: string, body: string[]) => [
    T('Build Acme - Installer #412 (ACME-INST-WIN-412) started building on agent WIN-BUILD-07, bamboo version: 10.2.1'),
    T('Remote agent on host WIN-BUILD-07'),
    T(`Build working directory is ${dir(home)}`),
    T('Executing build Acme - Installer #412 (ACME-INST-WIN-412)'),
    T("Starting task 'Build installer' of type 'com.atlassian.bamboo.plugins.scripttask:task.builder.script'"),
    ...body.map((b) => T(b, 'error')),
    T(`Failing task since return code of [${script(home)}] was 1 while expected 0`),
    T("Finished task 'Build installer' with result: Failed"),
    T('Finished building ACME-INST-WIN-412.'),
  ];
  const EVIDENCE: Record<string, (home: string) => string[]> = {
    'disk-full': (h) => [`System.IO.IOException: There is not enough space on the disk. : '${dir(h)}\\out\\setup.msi'`],
    'task-nonzero-exit': () => [],
    'executable-not-found': () => ["'msbuild' is not recognized as an internal or external command,"],
    'working-directory-permission-denied': (h) => [h === WIN ? `Access to the path '${dir(h)}\\bin\\app.dll' is denied.` : `rm: cannot remove '${dir(h)}/bin/app.dll': Permission denied`],
    'jvm-out-of-memory': () => ['Exception in thread "main" java.lang.OutOfMemoryError: Java heap space'],
  };
  const LINUX_ONLY = /\bsudo\b|df -h|rm -rf|bash -c|chown|systemctl|\/etc\//;

  for (const [rule, evidence] of Object.entries(EVIDENCE)) {
    it(`${rule}: windows-agent with PowerShell/cmd steps on Windows, its Linux fix on Linux`, () => {
      const onWindows = diagnoseLines(ruleSet, job(WIN, evidence(WIN))).find((d) => d.rule === rule)!;
      expect(onWindows, rule).toBeDefined();
      expect(onWindows).toMatchObject({ scenario: 'windows-agent', agent: { os: 'windows' } });
      expect(onWindows.fix).not.toMatch(LINUX_ONLY);
      expect(onWindows.fix).not.toMatch(/not in the log>/);
      const onLinux = diagnoseLines(ruleSet, job(LINUX, evidence(LINUX))).find((d) => d.rule === rule)!;
      expect(onLinux).toMatchObject({ scenario: 'agent-environment', agent: { os: 'linux' } });
    });
  }

  it('the Windows fixes name Windows tools and the agent home with backslashes', () => {
    const fix = (rule: string) => diagnoseLines(ruleSet, job(WIN, EVIDENCE[rule](WIN))).find((d) => d.rule === rule)!.fix;
    expect(fix('disk-full')).toContain('Remove-Item -Recurse -Force "D:\\bamboo-agent-home\\xml-data\\build-dir\\*"');
    expect(fix('disk-full')).toContain('Get-PSDrive');
    expect(fix('executable-not-found')).toContain('where.exe msbuild');
    expect(fix('working-directory-permission-denied')).toContain('icacls "D:\\bamboo-agent-home\\xml-data\\build-dir\\ACME-INST-WIN\\bin\\app.dll"');
    expect(fix('jvm-out-of-memory')).toContain('D:\\bamboo-agent-home\\conf\\wrapper.conf');
    expect(fix('task-nonzero-exit')).toContain('Set-Location "D:\\bamboo-agent-home\\xml-data\\build-dir\\ACME-INST-WIN"');
  });
});

describe('Windows scenarios across the shipped rules', () => {
  const rules = loadRules();
  const withWindows = rules.filter((r) => r.scenarios.some((s) => s.id === 'windows-agent'));
  /**
   * Not covered: failures a Windows agent cannot have (the Linux OOM killer, ETXTBSY, npm's EACCES, which Windows
   * reports as EPERM), and the Docker rules, written for a Linux Docker host (Docker Desktop on a Windows agent is left open).
   */
  const NOT_COVERED = ['out-of-memory-killed', 'text-file-busy', 'npm-eacces', 'docker-cli-missing', 'docker-daemon-unreachable', 'docker-socket-permission-denied', 'docker-pull-access-denied', 'docker-push-access-denied', 'docker-pull-rate-limit', 'docker-registry-x509', 'docker-manifest-unknown'];

  it('each Windows fix is free of Linux commands, and the scenario comes before every OS-specific one', () => {
    expect(withWindows.length).toBeGreaterThanOrEqual(14);
    for (const r of withWindows) {
      const at = r.scenarios.findIndex((s) => s.id === 'windows-agent');
      const fix = r.scenarios[at].fix;
      expect(fix, r.id).not.toMatch(/\bsudo\b|df -h|rm -rf|\bchmod\b|\bchown\b|systemctl|bash -c|getent|dmesg|\/etc\//);
      expect(r.scenarios[at].when, r.id).toEqual({ 'agent.os': 'windows', 'runner.kind': ['agent', 'unknown'] });
      // Only an OS-neutral scenario (a local agent runs inside the server) may come first.
      expect(r.scenarios.slice(0, at).map((s) => s.id), r.id).toEqual(at === 0 ? [] : ['local-agent']);
    }
  });

  it('every rule whose fix runs sudo, systemctl or df -h has a Windows scenario, unless Windows cannot hit it', () => {
    const linuxFixes = rules.filter((r) => r.scenarios.some((s) => /\bsudo\b|systemctl|df -h/.test(s.fix)));
    const missing = linuxFixes.filter((r) => !withWindows.includes(r) && !NOT_COVERED.includes(r.id)).map((r) => r.id);
    expect(missing).toEqual([]);
  });
});
