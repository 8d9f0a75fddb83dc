import { describe, expect, it } from 'vitest';
import { loadRuleSet } from '../../src/rules/rule-set.js';
import { SourceAnalyzer, type JobSummary } from '../../src/diagnose/analyzer.js';
import type { Diagnosis } from '../../src/model.js';
import { readJsonStream } from '../../src/sources/json-source.js';
import { InputError } from '../../src/errors.js';

const ruleSet = loadRuleSet();

// Log texts from samples/docker-runner-remote-agent.log; the JSON around them follows bamboo-facts §2 (recorded responses).
const DOCKER_RUN =
  "Beginning to execute external process for build 'Acme - Web - Default Job #57 (ACME-WEB-JOB1-57)'\n ... running command line: \n" +
  '/usr/bin/docker run --volume /home/bamboo/bamboo-agent-home/xml-data/build-dir/ACME-WEB-JOB1:/home/bamboo/bamboo-agent-home/xml-data/build-dir/ACME-WEB-JOB1 ' +
  '--volume /home/bamboo/bamboo-agent-home/temp:/home/bamboo/bamboo-agent-home/temp --detach --name 3e941325-9958-461d-be89-84caf6420b9a948354104 ' +
  'registry.acme.example/ci/build-node:20 tail -f /dev/null\n ... in: /home/bamboo/bamboo-agent-home/xml-data/build-dir/ACME-WEB-JOB1';
const DOCKER_PULL =
  "Beginning to execute external process for build 'Acme - Web - Default Job #57 (ACME-WEB-JOB1-57)'\n ... running command line: \n" +
  '/usr/bin/docker --config /home/bamboo/.dockercfg-bamboo-ee4a296a-5802-4cd4-aab7-4f7e91bb6605 pull registry.acme.example/team/app:1.4.2';
const DENIED =
  "Error response from daemon: pull access denied for registry.acme.example/team/app, repository does not exist or may require 'docker login': denied: requested access to the resource is denied";

type Line = [style: string | null, time: string, text: string];

/** The job's log as [cssStyle, formattedDate, text]; the header and lifecycle lines carry the build key. */
function jobLines(key = 'ACME-WEB-JOB1-57'): Line[] {
  return [
    [null, '03-Nov-2025 09:41:07', `Build Acme - Web - Default Job #57 (${key}) started building on agent build-linux-01, bamboo version: 9.6.1`],
    [null, '03-Nov-2025 09:41:07', 'Remote agent on host build-linux-01'],
    [null, '03-Nov-2025 09:41:07', 'Build working directory is /home/bamboo/bamboo-agent-home/xml-data/build-dir/ACME-WEB-JOB1'],
    [null, '03-Nov-2025 09:41:08', DOCKER_RUN],
    ['errorOutputLog', '03-Nov-2025 09:41:09', "Unable to find image 'registry.acme.example/ci/build-node:20' locally"],
    [null, '03-Nov-2025 09:42:11', "Starting task 'Pull app image' of type 'com.atlassian.bamboo.plugins.bamboo-docker-plugin:task.docker.cli'"],
    [null, '03-Nov-2025 09:42:11', DOCKER_PULL],
    ['errorOutputLog', '03-Nov-2025 09:42:12', DENIED],
    [null, '03-Nov-2025 09:42:12', "Finished task 'Pull app image' with result: Failed"],
    [null, '03-Nov-2025 09:42:17', `Finished building ${key}.`],
  ];
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function entries(lines: Line[], { html = false } = {}) {
  return lines.map(([style, time, text]) => ({
    ...(style ? { cssStyle: style } : {}),
    date: 1762162867000,
    formattedDate: time,
    log: text.split('\n').map(escape).join('<br />'),
    ...(html ? {} : { unstyledLog: text }),
  }));
}

/** A job result as `GET /rest/api/latest/result/{KEY}?expand=logEntries` returns it (§2.1). */
function jobResult(key: string, state: string, lines: Line[], options: { html?: boolean; keyLast?: boolean } = {}) {
  const logEntry = entries(lines, options);
  const facts = { key, buildResultKey: key, id: 1474569, buildNumber: 57, number: 57, state, buildState: state };
  const rest = {
    lifeCycleState: 'Finished',
    stage: 'Default Stage',
    plan: { key: key.replace(/-\d+$/, ''), name: 'Acme - Web - Default Job', shortKey: 'WEB-JOB1', type: 'job', enabled: true },
    planResultKey: { key, entityKey: { key: key.replace(/-\d+$/, '') }, resultNumber: 57 },
    logEntries: { size: logEntry.length, 'start-index': 0, 'max-result': logEntry.length, logEntry },
  };
  const expand = { expand: 'changes,testResults,metadata,logEntries,plan,vcsRevisions,artifacts,comments,labels,jiraIssues,variables,logFiles' };
  return options.keyLast ? { ...expand, ...rest, ...facts } : { ...expand, ...facts, ...rest };
}

interface Read {
  diagnoses: Diagnosis[];
  jobs: JobSummary[];
  entries: number | null;
  error: unknown;
}

/** Reads a JSON text through a real SourceAnalyzer, fed in chunks of `chunk` bytes. */
async function read(json: string | Buffer, chunk = 1 << 20, live = false): Promise<Read> {
  const got: Read = { diagnoses: [], jobs: [], entries: null, error: null };
  const analyzer = new SourceAnalyzer('export.json', ruleSet, [
    { diagnosis: (d) => void got.diagnoses.push(d), jobEnd: (j) => void got.jobs.push(j) },
  ], { live });
  const bytes = Buffer.isBuffer(json) ? json : Buffer.from(json);
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
  }
  try {
    got.entries = await readJsonStream(chunks(), ruleSet.automaton, analyzer);
  } catch (err) {
    got.error = err;
  }
  return got;
}

const essentials = (d: Diagnosis) => ({
  rule: d.rule, scenario: d.scenario, severity: d.severity, build: d.build, plan: d.plan, job: d.job, number: d.number,
  line: d.line, time: d.time, evidence: d.evidence, agent: d.agent.name, runner: d.runner.image, volumes: d.runner.volumes.length, task: d.task?.name,
});

const EXPECTED = {
  rule: 'docker-pull-access-denied', scenario: 'docker-runner-remote-agent', severity: 'error',
  build: 'ACME-WEB-JOB1-57', plan: 'ACME-WEB', job: 'JOB1', number: 57, line: 8, time: '2025-11-03T09:42:12',
  evidence: [DENIED], agent: 'build-linux-01', runner: 'registry.acme.example/ci/build-node:20', volumes: 2, task: 'Pull app image',
};

describe('readJsonStream', () => {
  it('reads a single job result: key, state, entry index as line, formattedDate as time, the runner from a multi-line entry', async () => {
    const got = await read(JSON.stringify(jobResult('ACME-WEB-JOB1-57', 'Failed', jobLines())));
    expect(got.error).toBeNull();
    expect(got.entries).toBe(10);
    expect(got.diagnoses.map(essentials)).toEqual([EXPECTED]);
    expect(got.jobs).toHaveLength(1);
    expect(got.jobs[0].ctx.state).toBe('failed');
  });

  it('takes the key from buildResultKey and the state from state even when the log never names the build', async () => {
    const lines = jobLines().filter(([, , t]) => !t.startsWith('Build Acme') && !t.startsWith('Finished building'));
    const got = await read(JSON.stringify(jobResult('LAB-PROV-JOB2-10', 'Failed', lines)));
    expect(got.diagnoses.map((d) => [d.build, d.plan, d.job, d.number, d.line])).toEqual([['LAB-PROV-JOB2-10', 'LAB-PROV', 'JOB2', 10, 7]]);
    expect(got.jobs[0].ctx.state).toBe('failed');
  });

  it('reads a results list (results.result[]): one job per result, Successful lowers error findings to info', async () => {
    const list = {
      expand: 'results',
      results: { expand: 'result', size: 2, 'start-index': 0, 'max-result': 2, result: [
        jobResult('ACME-WEB-JOB1-57', 'Failed', jobLines()),
        jobResult('ACME-WEB-JOB1-58', 'Successful', jobLines('ACME-WEB-JOB1-58').filter(([, , t]) => !t.startsWith('Finished task'))),
      ] },
    };
    const got = await read(JSON.stringify(list));
    expect(got.jobs.map((j) => [j.ctx.build, j.ctx.state])).toEqual([['ACME-WEB-JOB1-57', 'failed'], ['ACME-WEB-JOB1-58', 'successful']]);
    expect(got.diagnoses.map((d) => [d.build, d.severity, d.line])).toEqual([['ACME-WEB-JOB1-57', 'error', 8], ['ACME-WEB-JOB1-58', 'info', 8]]);
  });

  it('reads a plan result with stages.stage[].results.result[]: the jobs, not the plan result, are builds', async () => {
    const plan = {
      key: 'ACME-WEB-57', buildResultKey: 'ACME-WEB-57', state: 'Failed', plan: { key: 'ACME-WEB', type: 'chain' },
      stages: { size: 2, stage: [
        { name: 'Build', results: { size: 1, result: [jobResult('ACME-WEB-JOB1-57', 'Failed', jobLines())] } },
        { name: 'Deploy', results: { size: 1, result: [jobResult('ACME-WEB-DEP-57', 'Failed', jobLines('ACME-WEB-DEP-57'))] } },
      ] },
    };
    const got = await read(JSON.stringify(plan));
    expect(got.jobs.map((j) => j.ctx.build)).toEqual(['ACME-WEB-JOB1-57', 'ACME-WEB-DEP-57']);
    expect(got.diagnoses.map((d) => [d.build, d.job, d.line])).toEqual([['ACME-WEB-JOB1-57', 'JOB1', 8], ['ACME-WEB-DEP-57', 'DEP', 8]]);
  });

  it('gives the same diagnosis when buildResultKey and state come after the log entries', async () => {
    const lines = jobLines().filter(([, , t]) => !t.startsWith('Build Acme')); // only the export names the build
    const got = await read(JSON.stringify(jobResult('ACME-WEB-JOB1-57', 'Failed', lines, { keyLast: true })), 1 << 20, true);
    expect(got.diagnoses.map((d) => [d.build, d.number, d.scenario, d.line])).toEqual([['ACME-WEB-JOB1-57', 57, 'docker-runner-remote-agent', 7]]);
  });

  it('turns the HTML of `log` into text when there is no unstyledLog (<br /> parts, &quot; &amp; entities)', async () => {
    const got = await read(JSON.stringify(jobResult('ACME-WEB-JOB1-57', 'Failed', jobLines(), { html: true })));
    expect(got.diagnoses.map(essentials)).toEqual([EXPECTED]);
    const amp = jobLines();
    amp[7] = ['errorOutputLog', '03-Nov-2025 09:42:12', DENIED.replace('daemon', 'daemon "a&b"')];
    const withEntities = await read(JSON.stringify(jobResult('ACME-WEB-JOB1-57', 'Failed', amp, { html: true })));
    expect(withEntities.diagnoses[0].evidence).toEqual([DENIED.replace('daemon', 'daemon "a&b"')]);
  });

  it('gives the same result in every chunking, a UTF-8 character split between chunks included', async () => {
    const lines = jobLines();
    lines[7] = ['errorOutputLog', '03-Nov-2025 09:42:12', `Ошибка ё 월: ${DENIED}`];
    const json = JSON.stringify(jobResult('ACME-WEB-JOB1-57', 'Failed', lines));
    const whole = await read(json);
    expect(whole.diagnoses[0].evidence).toEqual([`Ошибка ё 월: ${DENIED}`]);
    for (const size of [1, 2, 3, 7, 64, 4099]) {
      const got = await read(json, size);
      expect(got.diagnoses.map(essentials), `chunk ${size}`).toEqual(whole.diagnoses.map(essentials));
    }
  });

  it('accepts a UTF-8 byte-order mark and a top-level array of job results', async () => {
    const json = JSON.stringify([jobResult('ACME-WEB-JOB1-57', 'Failed', jobLines())]);
    const got = await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]));
    expect(got.error).toBeNull();
    expect(got.diagnoses.map((d) => d.build)).toEqual(['ACME-WEB-JOB1-57']);
  });

  it('keeps the jobs read before a cut and names the job and entry reached', async () => {
    const list = { results: { result: [jobResult('ACME-WEB-JOB1-57', 'Failed', jobLines()), jobResult('ACME-WEB-JOB1-58', 'Failed', jobLines('ACME-WEB-JOB1-58'))] } };
    const json = JSON.stringify(list);
    const cut = json.slice(0, json.indexOf('Remote agent on host', json.indexOf('ACME-WEB-JOB1-58')) + 5);
    const got = await read(cut, 100);
    expect(got.diagnoses.map((d) => d.build)).toEqual(['ACME-WEB-JOB1-57']);
    expect(got.jobs.map((j) => j.ctx.build)).toEqual(['ACME-WEB-JOB1-57', 'ACME-WEB-JOB1-58']);
    expect(got.error).toBeInstanceOf(InputError);
    const error = got.error as InputError;
    expect(error.source).toBe('export.json');
    expect(error.line).toBe(2);
    expect(error.message).toMatch(/^export\.json:2: in job result ACME-WEB-JOB1-58, after log entry 1: the JSON ends too early, the export is cut/);
  });

  it('fails on what is not JSON, keeping what was read before the break', async () => {
    const noise: Line[] = Array.from({ length: 200 }, (_, i) => ['errorOutputLog', '03-Nov-2025 09:41:20', `npm WARN deprecated inflight@1.0.${i}: This module is not supported`]);
    const padded = (key: string) => [...jobLines(key).slice(0, 3), ...noise, ...jobLines(key).slice(3)];
    const list = { results: { result: [jobResult('ACME-WEB-JOB1-57', 'Failed', padded('ACME-WEB-JOB1-57')), jobResult('ACME-WEB-JOB1-58', 'Failed', padded('ACME-WEB-JOB1-58'))] } };
    const json = JSON.stringify(list);
    const at = json.lastIndexOf('},{') + 1; // between two entries of the second job
    const got = await read(`${json.slice(0, at)} garbage ${json.slice(at)}`);
    expect(got.error).toBeInstanceOf(InputError);
    expect((got.error as InputError).message).toMatch(/^export\.json:\d+: in job result ACME-WEB-JOB1-58, after log entry \d+: this is not valid JSON/);
    // The second job's denied line comes before the break (in the same piece of text): it is read, and the job ends.
    expect(got.diagnoses.map((d) => d.build)).toEqual(['ACME-WEB-JOB1-57', 'ACME-WEB-JOB1-58']);
    expect(got.jobs.map((j) => j.ctx.build)).toEqual(['ACME-WEB-JOB1-57', 'ACME-WEB-JOB1-58']);
  });
});

describe('readJsonStream on exports appended to one file', () => {
  it('keeps the same jobs before a break in every chunking (pieces at fixed offsets, found by npm run fuzz)', async () => {
    const list = { results: { result: [jobResult('ACME-WEB-JOB1-57', 'Failed', jobLines()), jobResult('ACME-WEB-JOB1-58', 'Failed', jobLines('ACME-WEB-JOB1-58'))] } };
    const json = JSON.stringify(list);
    const at = json.indexOf('Remote agent on host', json.indexOf('ACME-WEB-JOB1-58'));
    const broken = `${json.slice(0, at)}"}}{${json.slice(at)}`;
    const whole = await read(broken);
    expect(whole.error).toBeInstanceOf(InputError);
    for (const size of [1, 16, 4095, 4097, 65536]) {
      const got = await read(broken, size);
      expect(got.diagnoses.map(essentials), `chunk ${size}`).toEqual(whole.diagnoses.map(essentials));
      expect((got.error as InputError).message, `chunk ${size}`).toBe((whole.error as InputError).message);
    }
  });

  it('reads job results written one after another (`curl … >> results.json`, one a line), in every chunking', async () => {
    const one = (key: string) => JSON.stringify(jobResult(key, 'Failed', jobLines(key)));
    const appended = `${one('ACME-WEB-JOB1-57')}\n${one('ACME-WEB-JOB1-58')}\n`;
    for (const chunk of [7, 4096, 1 << 20]) {
      const got = await read(appended, chunk);
      expect(got.error, `chunk ${chunk}`).toBeNull();
      expect(got.diagnoses.map((d) => [d.build, d.line])).toEqual([['ACME-WEB-JOB1-57', 8], ['ACME-WEB-JOB1-58', 8]]);
    }
  });
});
