// A REST export read whole but lacking log entries (no ?expand=logEntries, or one page of them) is told, not silent.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SourceAnalyzer, type JobSummary } from '../../src/diagnose/analyzer.js';
import { readJsonStream } from '../../src/sources/json-source.js';
import { loadRuleSet } from '../../src/rules/rule-set.js';

const ruleSet = loadRuleSet();
const DENIED = "Error response from daemon: pull access denied for registry.acme.example/team/app, repository does not exist or may require 'docker login': denied: requested access to the resource is denied";

const entries = (n: number, last = 'build output') => Array.from({ length: n }, (_, i) => ({ log: i === n - 1 ? last : `line ${i + 1}` }));
const job = (key: string, logEntries?: { size: number; 'start-index': number; logEntry: unknown[] }) => ({ key, buildResultKey: key, state: 'Failed', ...(logEntries ? { logEntries } : {}) });
const list = (...results: unknown[]) => ({ expand: 'results', results: { size: results.length, 'start-index': 0, 'max-result': 25, result: results } });

async function read(value: unknown): Promise<{ notices: string[]; jobs: JobSummary[]; lines: number[] }> {
  const jobs: JobSummary[] = [];
  const lines: number[] = [];
  const analyzer = new SourceAnalyzer('export.json', ruleSet, [{ jobEnd: (j) => void jobs.push(j), diagnosis: (d) => void lines.push(d.line) }]);
  const notices: string[] = [];
  await readJsonStream(Readable.from([Buffer.from(JSON.stringify(value))]), ruleSet.automaton, analyzer, { notice: (m) => void notices.push(m) });
  return { notices, jobs, lines };
}

describe('what a REST export lacks', () => {
  it('says when no result holds log entries (a list fetched without ?expand=logEntries)', async () => {
    const got = await read(list(job('ACME-WEB-57'), job('ACME-WEB-58')));
    expect(got.jobs).toEqual([]);
    expect(got.notices).toEqual([
      'no log entries in any of its 2 results: Bamboo sends log entries only for a job result fetched with ?expand=logEntries (a plan result has none of its own)',
    ]);
    expect((await read(job('ACME-WEB-JOB1-57'))).notices[0]).toMatch(/^no log entries in its result: /);
  });

  it('counts the results without entries beside jobs that have them', async () => {
    const got = await read(list(job('ACME-WEB-JOB1-57', { size: 2, 'start-index': 0, logEntry: entries(2) }), job('ACME-WEB-58')));
    expect(got.jobs.map((j) => j.ctx.build)).toEqual(['ACME-WEB-JOB1-57']);
    expect(got.notices).toEqual([expect.stringMatching(/^1 of its 2 results has no log entries: /)]);
  });

  it('says nothing about a plan result whose jobs, in its stages, hold their whole log', async () => {
    const jobResult = job('ACME-WEB-JOB1-57', { size: 3, 'start-index': 0, logEntry: entries(3) });
    const plan = { key: 'ACME-WEB-57', state: 'Failed', stages: { stage: [{ results: { result: [jobResult] } }] } };
    const got = await read(plan);
    expect(got.jobs.map((j) => j.ctx.build)).toEqual(['ACME-WEB-JOB1-57']);
    expect(got.notices).toEqual([]);
  });

  it('names the jobs that hold only a page of their entries, and numbers a later page from its start-index', async () => {
    const first = job('ACME-WEB-JOB1-57', { size: 163, 'start-index': 0, logEntry: entries(25) });
    const later = job('ACME-WEB-JOB1-58', { size: 163, 'start-index': 125, logEntry: entries(25, DENIED) });
    const got = await read(list(first, later));
    expect(got.notices).toEqual([
      '2 job results hold only a page of their log entries (ACME-WEB-JOB1-57: 1–25 of 163, ACME-WEB-JOB1-58: 126–150 of 163), ' +
        'so what lies outside these entries is not analysed: Bamboo pages them (25 by default); fetch again with ?expand=logEntries&max-results=163',
    ]);
    // `line` is the entry's index in its job result: the 25th entry of a page that starts at index 125.
    expect(got.lines).toEqual([150]);
  });

  it('names three paged jobs and counts the others', async () => {
    const paged = ['A-B-J-1', 'A-B-J-2', 'A-B-J-3', 'A-B-J-4', 'A-B-J-5'].map((k) => job(k, { size: 40, 'start-index': 0, logEntry: entries(25) }));
    const [notice] = (await read(list(...paged))).notices;
    expect(notice).toContain('(A-B-J-1: 1–25 of 40, A-B-J-2: 1–25 of 40, A-B-J-3: 1–25 of 40, and 2 more)');
  });
});
