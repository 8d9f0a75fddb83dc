// What an administrator expects from each variant log of test/fixtures/variants (used by variants.test.ts).

/** The agent's environment, as a job without a Docker Runner shows it. */
export const AGENT_ENV = { kind: 'agent', image: null, volumes: [] };

/** Per fixture: the exit code and the diagnosis an administrator expects first, and the generic one folded into it. */
export const CASES: { file: string; why: string; rule: string; expect: Record<string, any>; folded?: boolean }[] = [
  {
    file: 'bamboo5-local-agent.log',
    why: "a 5.x-era 'Build <plan> - Build #n (KEY)' header on local agent 'Local #2'",
    rule: 'git-host-key-verification-failed',
    expect: {
      scenario: 'agent-environment', build: 'MOB-NIGHTLY-JOB1-229', plan: 'MOB-NIGHTLY', job: 'JOB1', number: 229,
      agent: { name: 'Local #2', type: 'local' }, runner: AGENT_ENV, task: { name: 'Git checkout' },
      line: 11, time: '2016-04-04T15:33:29',
      evidence: ['Host key verification failed.', 'fatal: Could not read from remote repository.'],
    },
    folded: true,
  },
  {
    file: 'ui-copy-docker-runner.log',
    why: 'a UI copy (no type column, a space after the time) whose command entry spans several lines',
    rule: 'docker-cli-missing',
    expect: {
      scenario: 'docker-runner', build: 'ACME-API-JOB1-88', agent: { name: 'build-linux-03', type: 'remote' },
      runner: {
        kind: 'docker', image: 'maven:3.9-eclipse-temurin-21',
        volumes: [
          { host: '/opt/bambooagent/bamboo-agent-home/xml-data/build-dir/ACME-API-JOB1', container: '/opt/bambooagent/bamboo-agent-home/xml-data/build-dir/ACME-API-JOB1' },
          { host: '/opt/bambooagent/bamboo-agent-home/temp', container: '/opt/bambooagent/bamboo-agent-home/temp' },
        ],
      },
      task: { name: 'Build image' }, line: 26, time: '2025-11-03T09:41:18',
    },
    folded: true,
  },
  {
    file: 'korean-ui-copy.log',
    why: 'a Korean server (numeric month 3월, localized 빌드 header), UI copy with a TAB after the time',
    rule: 'maven-build-failure',
    expect: {
      scenario: 'agent-environment', build: 'QTRAC-REL4-JOB1-7', number: 7, agent: { name: 'Base Agent' }, runner: AGENT_ENV,
      task: { name: 'Maven 빌드' }, line: 13, time: '2023-03-20T13:11:40', captures: { project: 'qtrack-was' },
    },
    folded: true,
  },
  {
    file: 'japanese-ui-copy.log',
    why: 'a Japanese server (12月), UI copy, on an elastic agent with no Docker Runner',
    rule: 'docker-pull-access-denied',
    expect: {
      scenario: 'elastic-agent-environment', build: 'ZAIKO-NIGHT-JOB1-311', agent: { name: 'Elastic Agent on i-0f3e2d1c0b9a87654', type: 'elastic' },
      runner: AGENT_ENV, line: 6, time: '2024-12-08T08:00:04', captures: { registry: '123456789012.dkr.ecr.ap-northeast-1.amazonaws.com' },
    },
    folded: true,
  },
  {
    file: 'windows-agent-crlf.log',
    why: 'a Windows agent: CRLF, D:\\ paths, a PowerShell script task',
    rule: 'disk-full',
    expect: {
      scenario: 'windows-agent', build: 'ACME-INST-WIN-412', agent: { name: 'WIN-BUILD-07', type: 'remote', container: false, os: 'windows' },
      runner: AGENT_ENV, task: { name: 'Build installer' }, line: 13, time: '2026-01-12T14:03:55',
    },
    folded: true,
  },
  {
    file: 'rest-html-log-service-agent.json',
    why: "a REST export with only the HTML 'log' field: <br />-joined docker run, &#39; entities, errorOutputLog",
    rule: 'docker-pull-access-denied',
    expect: {
      scenario: 'docker-runner-service-agent', build: 'SVC-BUILD-JOB1-301', agent: { name: 'build-svc-02', type: 'remote', service: true },
      runner: { kind: 'docker', image: 'registry.svc.example/ci/jdk21-docker:3' }, task: { name: 'Pull base image' },
      line: 8, time: '2026-02-18T11:20:07', captures: { image: 'registry.svc.example/base/jre21', requirement: "'docker login'" },
    },
    folded: true,
  },
  {
    file: 'docker-run-volume-forms.log',
    why: 'a Docker Runner on a container agent, its volumes as --volume, --volume=, -v …:ro and --mount type=bind',
    rule: 'docker-socket-permission-denied',
    expect: {
      scenario: 'docker-runner-docker-agent', build: 'PLAT-IMG-JOB1-19', agent: { name: '3c81b2c1a728', container: true },
      runner: {
        kind: 'docker', image: 'registry.plat.example/ci/docker-cli:27',
        volumes: [
          { host: '/var/atlassian/application-data/bamboo-agent/xml-data/build-dir/PLAT-IMG-JOB1', container: '/var/atlassian/application-data/bamboo-agent/xml-data/build-dir/PLAT-IMG-JOB1' },
          { host: '/var/atlassian/application-data/bamboo-agent/temp', container: '/var/atlassian/application-data/bamboo-agent/temp' },
          { host: '/opt/cache/m2', container: '/root/.m2' },
          { host: '/var/run/docker.sock', container: '/var/run/docker.sock' },
          { host: '/etc/pki/ca-trust', container: '/etc/pki/ca-trust' },
        ],
      },
      line: 10, time: '2026-03-05T16:20:45',
    },
    folded: true,
  },
  {
    file: 'split-streams-out-of-order.log',
    why: "an OOM kill whose stdout line ('exit code 137') was logged before the stderr 'Killed' line",
    rule: 'out-of-memory-killed',
    // any-order: the stdout line logged first (line 9) is the first evidence line.
    expect: { scenario: 'agent-environment', build: 'ACME-WEB-BUNDLE-904', runner: AGENT_ENV, task: { name: 'Bundle' }, line: 9, time: '2026-04-21T02:16:52' },
    folded: true,
  },
  {
    file: 'invalid-utf8.log',
    why: 'Latin-1 bytes and UTF-16 junk in a UTF-8 log (German server, März)',
    rule: 'dns-resolution-failed',
    expect: {
      scenario: 'agent-environment', build: 'LAGER-BE-JOB1-77', agent: { name: 'build-m\ufffdnchen-01', type: 'remote' },
      task: { name: 'Abh\ufffdngigkeiten' }, line: 9, time: '2026-03-06T10:00:04', captures: { host: 'git.lager.example' },
    },
    folded: true,
  },
  {
    file: 'truncated-mid-line.log',
    why: 'a download cut in the middle of a line (and of a UTF-8 character), before the build finished',
    rule: 'maven-build-failure',
    expect: { build: 'QTRAC-REL4-JOB1-8', line: 13, time: '2023-03-20T13:11:40' },
    folded: true,
  },
  {
    file: 'deployment-failed.log',
    why: "a deployment result: numeric key, no 'Finished building', ended by 'Finished processing deployment result'",
    rule: 'dns-resolution-failed',
    expect: {
      scenario: 'agent-environment', build: '2981890-3145731-3637262', plan: null, job: null, number: null,
      agent: { name: 'deploy-linux-02', type: 'remote' }, runner: AGENT_ENV, line: 10, time: '2026-05-14T18:05:08',
      captures: { host: 'releases.beta.acme.example' },
    },
    folded: true,
  },
  {
    file: 'atlassian-bamboo-windows-agent.log',
    why: "a Windows agent's atlassian-bamboo.log (CRLF, stack-trace lines) with the heartbeat timeout",
    rule: 'agent-heartbeat-timeout',
    expect: {
      scenario: 'windows-agent', build: null, agent: { name: 'WIN-BUILD-07', os: 'windows' }, task: null, line: 11, time: '2026-01-12T14:30:41',
      captures: { ago: '11', timeout: '10' },
    },
  },
];
