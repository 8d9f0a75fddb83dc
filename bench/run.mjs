// `npm run bench`: every measurement of issue 12 in one run, as a table and, last, one JSON object.
// BENCH_MB (200) sizes the log corpus, BENCH_RUNS (3) the runs per row, BENCH_REST_MB (1024) the REST export,
// BENCH_HISTORY_N (1,000,000) the diagnoses; BENCH_ONLY=file,folder,rest,live,history,ingest runs some sections.
// PostgreSQL rows need a server: BENCH_PG=postgres://…, or `scripts/with-pg.sh npm run bench` (a throwaway one).

import { cpus, loadavg } from 'node:os';
import { loadRules } from '../dist/rules/load.js';
import { RuleSet } from '../dist/rules/rule-set.js';
import { historyTarget } from './history.mjs';
import { formatIngest, ingestRows } from './ingest.mjs';
import { corpus } from './lib/corpus.mjs';
import { CLI, HAS_TIME, MiB, RUNS, hasProgram, runOnce } from './lib/measure.mjs';
import { writeRipgrepInputs } from './lib/rg-patterns.mjs';
import { liveLatency } from './live-latency.mjs';
import { pipelineRows } from './pipeline.mjs';
import { restRows } from './rest-export.mjs';
import { summary } from './summary.mjs';

const MB = Number(process.env.BENCH_MB ?? 200);
const HISTORY_N = Number(process.env.BENCH_HISTORY_N ?? 1_000_000);
const only = new Set((process.env.BENCH_ONLY ?? 'file,folder,rest,live,history,ingest').split(','));
const say = (s) => process.stdout.write(`${s}\n`);

const loadBefore = loadavg()[0];
const ruleSet = new RuleSet(loadRules());
const data = corpus(MB);
const rg = await hasProgram('rg');
const tools = { rg, grep: await hasProgram('grep'), ...(rg ? writeRipgrepInputs(ruleSet, data.dir) : {}) };
tools.patternsTaken = tools.patternCount - (tools.untranslated?.length ?? 0);
// `--jobs` is another change's: until analyze has it, its rows are skipped with a note.
const jobs = (await runOnce(process.execPath, [CLI, 'analyze', '--help'])).stdout.includes('--jobs');

const failures = [];
/** A section that fails is told and left out of the JSON; the others still count. */
async function attempt(name, run) {
  try {
    return await run();
  } catch (err) {
    failures.push(`${name} failed: ${err.message}`);
    return null;
  }
}

const sections = {};
const options = { ruleSet, jobs, tools };
const size = `${(data.bytes / MiB).toFixed(0)} MB`;
if (only.has('file')) sections.file = { title: `one file: ${size}, ${data.files.toLocaleString('en')} jobs`, rows: await pipelineRows({ target: data.file, isFolder: false, bytes: data.bytes }, options) };
if (only.has('folder')) sections.folder = { title: `export folder: ${data.files.toLocaleString('en')} job logs, ${size}`, rows: await pipelineRows({ target: data.folder, isFolder: true, bytes: data.bytes }, options) };
if (only.has('rest')) sections.rest = { title: 'REST JSON and a long line', rows: (await attempt('REST', restRows)) ?? [] };
const live = only.has('live') ? await attempt('live latency', liveLatency) : null;
const history = only.has('history') ? await attempt('history', () => historyTarget(HISTORY_N)) : null;
const ingest = only.has('ingest') ? await attempt('ingest', ingestRows) : null;

for (const { title, rows } of Object.values(sections)) {
  say(`\n${title.padEnd(48)}${'wall'.padStart(8)}  ${'CPU'.padStart(8)}  ${'rate'.padStart(10)}  ${'× rg'.padStart(7)}  ${'peak RSS'.padStart(8)}  ${'lines'.padStart(9)}`);
  const base = rows.find((r) => r.id === 'rg' && r.seconds !== null);
  for (const r of rows) say(formatRow(r, base));
  const [sqlite, postgres] = ['sqlite', 'postgres'].map((id) => rows.find((r) => r.id === id && r.seconds !== null));
  if (sqlite && postgres) say(`  analyze into PostgreSQL ÷ into SQLite: ${(sqlite.seconds / postgres.seconds).toFixed(2)}× the rate`);
}
if (live) say(`\nlive: failure appended to a followed file → diagnosis on stdout: median ${live.median.toFixed(0)} ms (${live.ms.map((m) => m.toFixed(0)).join(', ')})`);
if (history) {
  const cpu = history.cliCpuMs === null ? '' : ` (CPU ${history.cliCpuMs.toFixed(0)} ms)`;
  say(`history --by rule --since 30d over ${history.n.toLocaleString('en')} diagnoses: query ${history.queryMs.toFixed(1)} ms (CPU ${history.queryCpuMs.toFixed(1)} ms), whole command ${history.cliMs.toFixed(0)} ms${cpu}; medians of 7`);
}
if (ingest) say(`\ningest of NDJSON (${ingest[0].diagnoses.toLocaleString('en')} synthetic diagnoses, two a build)\n${formatIngest(ingest)}`);
say('');
for (const f of failures) say(f);
if (!jobs) say('analyze has no --jobs option yet: the 1- and 2-worker rows are skipped and ratio_2core is null.');
if (!rg) say('ripgrep is not installed (apt-get install ripgrep): no baseline, no ratios.');
else say(`rg -f patterns: ${tools.patternsTaken} of the rules' ${tools.patternCount} patterns; ${tools.untranslated.length} use look-around (or back-references), which ripgrep's default engine lacks (${[...new Set(tools.untranslated)].join(', ')}).`);
if (!HAS_TIME) say('/usr/bin/time (Debian package "time") is missing: no peak RSS.');
const machine = { cpus: cpus().length, cpu: cpus()[0]?.model.trim(), node: process.version, load_before: +loadBefore.toFixed(2), load_after: +loadavg()[0].toFixed(2) };
say(`${machine.cpus} × ${machine.cpu}, Node ${machine.node}; load average ${machine.load_before} before, ${machine.load_after} after; median of ${RUNS} runs a row (taken in rounds: one run of every row a round) unless said.`);
say(JSON.stringify(summary({ sections, live, history, ingest, tools, machine, jobs, mb: MB })));

function formatRow(r, base) {
  const mbps = r.seconds === null ? null : r.bytes / MiB / r.seconds;
  const ratio = mbps !== null && base ? `${(mbps / (base.bytes / MiB / base.seconds)).toFixed(2)}×` : '';
  const cells = [
    r.name.padEnd(46),
    (r.seconds === null ? '' : `${r.seconds.toFixed(2)} s`).padStart(8),
    (r.cpu === null || r.cpu === undefined ? '' : `${r.cpu.toFixed(2)} s`).padStart(8),
    `${mbps === null ? '—' : mbps.toFixed(0)} MB/s`.padStart(10),
    ratio.padStart(7),
    (r.rss === null ? '' : `${r.rss.toFixed(0)} MB`).padStart(8),
    (r.count === null ? '' : r.count.toLocaleString('en')).padStart(9),
  ];
  return `  ${cells.join('  ')}${r.note ? `  ${r.note}` : ''}`;
}
