// Scores the real-log corpus (test/fixtures/real) against its expectations; shared by `npm run corpus` and its test.
//
// Each fixture has an expectation in expectations.yaml. It is turned into named checks:
//   read              the file was read to its end (no input error)
//   errors            every expected error rule is reported with severity error in the file
//   no-other-errors   no other rule is reported with severity error ("no error diagnosis" when none is expected)
//   scenario.<rule>   that rule's error diagnosis has the expected scenario (fails when the rule is missing)
//   build             the build result key of the main job
//   agent.<field>     type, os, container, service, home of the main job's agent
//   agentHome         the Bamboo agent's home directory (ctx.agentHomeDir, e.g. C:\…\bamboo-agent-home)
//   runner            runner.kind of the main job
// The main job is the job holding the first expected error rule, else the first job with an error, else the first job.
//
// Each file then gets one grade:
//   right   every expected error rule found, no unexpected error diagnosis, and every context check right
//   false   an error diagnosis where none is expected (a successful build or harmless text), or none of the
//           expected rules found while another specific rule (not the generic task-nonzero-exit) claims the failure
//   missed  errors were expected and none of them was found (and not false)
//   partly  anything else: some expected rules but not all, all of them plus an unexpected error, or all rules
//           right but a scenario, build key or agent/runner field wrong
// The score line counts the four grades and the share of files graded right.
//
// A check may be marked `known-miss: { <check>: <reason> }` in the expectation: the test accepts that check failing,
// and fails when it passes (the ratchet: remove the mark once the tool gets it right).

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** Rules that only restate that a task failed: reporting one instead of the real cause is a miss, not a false one. */
export const GENERIC_RULES = new Set(['task-nonzero-exit']);
const AGENT_FIELDS = ['type', 'os', 'container', 'service', 'home'];
const FIXTURE = /\.(log|json|txt)$/;

/** The fixture files and their expectations, with every mismatch between the two named. */
export function loadCorpus(dir) {
  const doc = parse(readFileSync(join(dir, 'expectations.yaml'), 'utf8')) ?? {};
  const expectations = doc.files ?? {};
  const files = readdirSync(dir).filter((f) => FIXTURE.test(f)).sort();
  const sources = readFileSync(join(dir, 'SOURCES.md'), 'utf8');
  const problems = [];
  for (const f of files) {
    if (!expectations[f]) problems.push(`${f}: no expectation in expectations.yaml`);
    if (!sources.includes(`### ${f}\n`)) problems.push(`${f}: no "### ${f}" entry in SOURCES.md`);
  }
  for (const f of Object.keys(expectations)) if (!files.includes(f)) problems.push(`expectations.yaml: ${f} has no fixture file`);
  return { files, expectations, problems };
}

/** Runs the analyzer (in-process, no database) on one file and returns its jobs with their final diagnoses. */
export async function analyzeFile(path, lib) {
  const jobs = [];
  const sink = { jobEnd: (job) => void jobs.push({ ctx: job.ctx, diagnoses: job.diagnoses }) };
  const result = await lib.analyze({ paths: [path], ruleSet: lib.ruleSet, store: null, sinks: [sink] });
  const failed = result.failed.map((e) => e.message);
  return { jobs, failed };
}

function mainJob(jobs, expectedErrors) {
  const errorsOf = (job) => job.diagnoses.filter((d) => d.severity === 'error');
  for (const rule of expectedErrors) {
    const job = jobs.find((j) => errorsOf(j).some((d) => d.rule === rule));
    if (job) return job;
  }
  return jobs.find((j) => errorsOf(j).length > 0) ?? jobs[0] ?? null;
}

/** The named checks of one expectation against what the analyzer found: [{ id, pass, expected, actual }]. */
export function checksFor(expectation, analysis) {
  const expected = expectation.errors ?? [];
  const errorDiagnoses = analysis.jobs.flatMap((j) => j.diagnoses.filter((d) => d.severity === 'error'));
  const got = [...new Set(errorDiagnoses.map((d) => d.rule))];
  const checks = [];
  const add = (id, expectedValue, actual) =>
    checks.push({ id, pass: JSON.stringify(expectedValue) === JSON.stringify(actual), expected: expectedValue, actual });
  add('read', [], analysis.failed ?? []);
  add('errors', expected, expected.filter((r) => got.includes(r)));
  add('no-other-errors', [], got.filter((r) => !expected.includes(r)));
  for (const [rule, scenario] of Object.entries(expectation.scenario ?? {})) {
    const d = errorDiagnoses.find((x) => x.rule === rule);
    add(`scenario.${rule}`, scenario, d ? d.scenario : `(no ${rule} error)`);
  }
  const job = mainJob(analysis.jobs, expected);
  const ctx = job?.ctx ?? null;
  if ('build' in expectation) add('build', expectation.build, ctx?.build ?? null);
  for (const field of AGENT_FIELDS) {
    if (expectation.agent && field in expectation.agent) add(`agent.${field}`, expectation.agent[field], ctx ? ctx.agent[field] : null);
  }
  if ('agentHome' in expectation) add('agentHome', expectation.agentHome, ctx?.agentHomeDir ?? null);
  if ('runner' in expectation) add('runner', expectation.runner, ctx?.runner.kind ?? null);
  return { checks, got };
}

/** right / partly / missed / false for one file, from its checks (see the header for the definitions). */
export function grade(expectation, checks, got) {
  const expected = expectation.errors ?? [];
  const found = expected.filter((r) => got.includes(r));
  const unexpected = got.filter((r) => !expected.includes(r));
  if (expected.length === 0 && unexpected.length > 0) return 'false';
  if (expected.length > 0 && found.length === 0) {
    return unexpected.some((r) => !GENERIC_RULES.has(r)) ? 'false' : 'missed';
  }
  return checks.every((c) => c.pass) ? 'right' : 'partly';
}

/** Scores every fixture of the corpus; `lib` is { analyze, ruleSet } from the source tree (tests) or dist (script). */
export async function scoreCorpus(dir, lib) {
  const corpus = loadCorpus(dir);
  const results = [];
  for (const file of corpus.files) {
    const expectation = corpus.expectations[file];
    if (!expectation) continue;
    const analysis = await analyzeFile(join(dir, file), lib);
    const { checks, got } = checksFor(expectation, analysis);
    const knownMiss = expectation['known-miss'] ?? {};
    results.push({ file, grade: grade(expectation, checks, got), checks, got, knownMiss, failed: analysis.failed });
  }
  const totals = { right: 0, partly: 0, missed: 0, false: 0 };
  for (const r of results) totals[r.grade]++;
  return { results, totals, problems: corpus.problems };
}

/** Checks that disagree with their known-miss marks: failing unmarked, or passing though marked. */
export function ratchetProblems(result) {
  const problems = [];
  const ids = new Set(result.checks.map((c) => c.id));
  for (const c of result.checks) {
    const marked = c.id in result.knownMiss;
    if (!c.pass && !marked) problems.push(`${result.file}: ${c.id} expected ${JSON.stringify(c.expected)}, got ${JSON.stringify(c.actual)}`);
    if (c.pass && marked) problems.push(`${result.file}: ${c.id} now passes: remove its known-miss mark ("${result.knownMiss[c.id]}")`);
  }
  for (const id of Object.keys(result.knownMiss)) {
    if (!ids.has(id)) problems.push(`${result.file}: known-miss "${id}" names no check of this file`);
  }
  return problems;
}

/** One line per file and, last, the score. */
export function formatScore({ results, totals }) {
  const lines = results.map((r) => {
    const failing = r.checks.filter((c) => !c.pass).map((c) => c.id);
    const errors = r.got.length ? r.got.join(',') : 'no error diagnosis';
    return `${r.grade.padEnd(6)} ${r.file}  [${errors}]${failing.length ? `  failing: ${failing.join(', ')}` : ''}`;
  });
  const n = results.length;
  const pct = n ? ((100 * totals.right) / n).toFixed(1) : '0.0';
  lines.push(`score: ${n} files: right ${totals.right} / partly ${totals.partly} / missed ${totals.missed} / false ${totals.false} (${pct}% right)`);
  return lines.join('\n');
}
