// Turns a Bamboo `.log` download into the REST JSON of the same job (shapes of bamboo-facts §2), for tests and the bench.
//
//   node bench/log-to-rest.mjs samples/x.log [--shape job|list|plan] [--state Failed] [--html-only] [--key-last]
//
// Each `.log` line becomes one `logEntry`. A `command` entry's literal `\n` separators become real newlines in
// `unstyledLog` and `<br />` in `log` (as Bamboo's styled log has them); `log` is HTML-escaped. `cssStyle` is
// `errorOutputLog` for `error` lines (the only value seen in recordings) and left out otherwise.

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const STAMP = /^(\d{1,2})-([^\s-]{1,12})-(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;
const KEY = /\(([A-Z][A-Z0-9_]*-[A-Z][A-Z0-9_]*-[A-Z][A-Z0-9_]*-\d+)\) started building on agent/;

const escapeHtml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** One `.log` line as a REST log entry. */
export function lineToEntry(line) {
  const cols = line.replace(/\r$/, '').split('\t');
  const [type, stamp] = cols;
  const message = cols.length >= 3 ? cols.slice(2).join('\t') : cols.length === 2 ? '' : line;
  const parts = type === 'command' ? message.split('\\n') : [message];
  const m = STAMP.exec(stamp ?? '');
  const entry = {};
  if (type === 'error') entry.cssStyle = 'errorOutputLog';
  // Recorded exports carry the server's wall time as if it were UTC (bamboo-facts §1.3).
  if (m && MONTHS.includes(m[2])) entry.date = Date.UTC(+m[3], MONTHS.indexOf(m[2]), +m[1], +m[4], +m[5], +m[6]);
  if (m) entry.formattedDate = stamp;
  entry.log = parts.map(escapeHtml).join('<br />');
  entry.unstyledLog = parts.join('\n');
  return entry;
}

/** The log entries of a whole `.log` text. */
export function logToEntries(text) {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map(lineToEntry);
}

/** The build result key a `.log` names in its header line. */
export function logBuildKey(text) {
  return KEY.exec(text)?.[1] ?? null;
}

/** A job result as `GET /rest/api/latest/result/{KEY}?expand=logEntries` returns it. */
export function jobResult(key, state, entries, { htmlOnly = false, keyLast = false } = {}) {
  const [project, plan, job, number] = key.split('-');
  const logEntry = htmlOnly ? entries.map(({ unstyledLog, ...rest }) => rest) : entries;
  const facts = { key, buildResultKey: key, id: 1474569, buildNumber: +number, number: +number, state, buildState: state };
  const body = {
    lifeCycleState: 'Finished',
    stage: 'Default Stage',
    buildReason: 'Manual build',
    plan: { key: `${project}-${plan}-${job}`, shortKey: `${plan}-${job}`, type: 'job', enabled: true, planKey: { key: `${project}-${plan}-${job}` } },
    planResultKey: { key, entityKey: { key: `${project}-${plan}-${job}` }, resultNumber: +number },
    parent: { href: `http://bamboo.example.com/rest/api/latest/result/${project}-${plan}-${number}`, rel: 'parent' },
    logEntries: { size: logEntry.length, 'start-index': 0, 'max-result': logEntry.length, logEntry },
  };
  const expand = { expand: 'changes,testResults,metadata,logEntries,plan,vcsRevisions,artifacts,comments,labels,jiraIssues,variables,logFiles' };
  return keyLast ? { ...expand, ...body, ...facts } : { ...expand, ...facts, ...body };
}

/** `GET /rest/api/latest/result/{PLAN}` with results: `results.result[]`. */
export function resultsList(results) {
  return { expand: 'results', results: { expand: 'result', size: results.length, 'start-index': 0, 'max-result': results.length, result: results } };
}

/** A plan result with `?expand=stages.stage.results.result`: the jobs in `stages.stage[].results.result[]`. */
export function planResult(planResultKey, state, jobResults) {
  const key = planResultKey;
  const stage = { name: 'Default Stage', results: { size: jobResults.length, result: jobResults } };
  return { key, buildResultKey: key, state, buildState: state, plan: { key: key.replace(/-\d+$/, ''), type: 'chain' }, stages: { size: 1, stage: [stage] } };
}

/** The REST JSON of a `.log` in one of the three shapes. */
export function convertLog(text, { shape = 'job', state = 'Failed', ...options } = {}) {
  const key = logBuildKey(text) ?? 'PROJ-PLAN-JOB1-1';
  const job = jobResult(key, state, logToEntries(text), options);
  if (shape === 'list') return resultsList([job]);
  if (shape === 'plan') return planResult(key.replace(/-[A-Z][A-Z0-9_]*-(\d+)$/, '-$1'), state, [job]);
  return job;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const flag = (name) => args.includes(name);
  const value = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
  const file = args.find((a, i) => !a.startsWith('--') && !['--shape', '--state'].includes(args[i - 1]));
  if (!file) {
    process.stderr.write('usage: node bench/log-to-rest.mjs FILE.log [--shape job|list|plan] [--state Failed] [--html-only] [--key-last]\n');
    process.exit(2);
  }
  const options = { shape: value('--shape', 'job'), state: value('--state', 'Failed'), htmlOnly: flag('--html-only'), keyLast: flag('--key-last') };
  process.stdout.write(`${JSON.stringify(convertLog(readFileSync(file, 'utf8'), options))}\n`);
}
