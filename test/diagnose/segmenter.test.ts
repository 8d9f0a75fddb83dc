// One job segmenter for text logs and REST exports: where a job starts and ends.
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { loadRuleSet } from '../../src/rules/rule-set.js';
import { SourceAnalyzer, type JobSummary } from '../../src/diagnose/analyzer.js';
import { parseEnvelope } from '../../src/parse/envelope.js';
import { readJsonStream } from '../../src/sources/json-source.js';

const ruleSet = loadRuleSet();
const T = (msg: string, type = 'simple') => `${type}\t03-Nov-2025 09:41:08\t${msg}`;
// Synthetic job lines in Bamboo's wording; the failing line's temp script names the build.
const failing = (key: string) => T(`Failing task since return code of [/bin/sh /home/bamboo/bamboo-agent-home/temp/${key}-ScriptBuildTask-8744185176314095995.sh] was 1 while expected 0`);
const header = (key: string) => T(`Build Acme - Web - Default Job #1 (${key}) started building on agent build-linux-01`);

function jobsOfText(lines: string[]): JobSummary[] {
  const jobs: JobSummary[] = [];
  const a = new SourceAnalyzer('t.log', ruleSet, [{ jobEnd: (j) => void jobs.push(j) }]);
  lines.forEach((l, i) => a.line(parseEnvelope(l, i + 1)));
  a.end();
  return jobs;
}

describe('text logs', () => {
  it('keeps a fragment whose key came from its own lines apart from the header of another build', () => {
    const jobs = jobsOfText([failing('ACME-WEB-JOB1-56'), header('ACME-WEB-JOB1-57'), T('Finished building ACME-WEB-JOB1-57.')]);
    expect(jobs.map((j) => j.ctx.build)).toEqual(['ACME-WEB-JOB1-56', 'ACME-WEB-JOB1-57']);
    expect(jobs[0].diagnoses.map((d) => d.rule)).toEqual(['task-nonzero-exit']);
  });

  it('keeps lines before the header of the same build with it', () => {
    const jobs = jobsOfText([T('bamboo_buildResultKey=ACME-WEB-JOB1-57', 'build'), header('ACME-WEB-JOB1-57'), failing('ACME-WEB-JOB1-57')]);
    expect(jobs.map((j) => j.ctx.build)).toEqual(['ACME-WEB-JOB1-57']);
  });

  it('ends a job at "Finished building"', () => {
    const jobs = jobsOfText([header('A-B-JOB1-1'), T('Finished building A-B-JOB1-1.'), failing('A-B-JOB1-2')]);
    expect(jobs.map((j) => j.ctx.build)).toEqual(['A-B-JOB1-1', 'A-B-JOB1-2']);
  });
});

describe('REST exports', () => {
  it('keeps entries after "Finished building" (the server\'s post-build plugins) with their job result', async () => {
    const entry = (text: string) => ({ formattedDate: '03-Nov-2025 09:41:08', unstyledLog: text, log: text });
    const result = {
      expand: 'logEntries',
      buildResultKey: 'ACME-WEB-JOB1-57',
      state: 'Failed',
      logEntries: {
        size: 4,
        'start-index': 0,
        logEntry: [
          entry('Build Acme - Web - Default Job #57 (ACME-WEB-JOB1-57) started building on agent build-linux-01'),
          entry('Finished building ACME-WEB-JOB1-57.'),
          // Synthetic: a line a rule knows, after the job's end line.
          entry('Failing task since return code of [/bin/sh script.sh] was 2 while expected 0'),
          entry('Build Acme - Web - Default Job #57 (ACME-WEB-JOB1-57) started building on agent build-linux-01'),
        ],
      },
    };
    const jobs: JobSummary[] = [];
    const a = new SourceAnalyzer('r.json', ruleSet, [{ jobEnd: (j) => void jobs.push(j) }]);
    await readJsonStream(Readable.from([Buffer.from(JSON.stringify(result))]), ruleSet.automaton, a);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].ctx.build).toBe('ACME-WEB-JOB1-57');
    expect(jobs[0].diagnoses.map((d) => d.rule)).toEqual(['task-nonzero-exit']);
  });
});
