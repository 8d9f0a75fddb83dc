// Throughput rows for one corpus (one large file, or an export folder of job logs): bamboo-doctor against ripgrep.
// Run by bench/run.mjs (`npm run bench`); each row's rate is compared with `rg -c -i -F -f keywords` on the same bytes.

import { closeSync, openSync, readdirSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineReader } from '../dist/sources/line-reader.js';
import pg from 'pg';
import { CLI, MiB, interleave, runChecked, runInProcess } from './lib/measure.mjs';
import { PG_URL, pgDatabase } from './ingest.mjs';

/** The files of a folder, sorted as analyze reads them; or the file itself. */
export function filesOf(target, isFolder) {
  if (!isFolder) return [target];
  return readdirSync(target, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

/** The keyword scan alone, in this process: read in 1 MiB chunks, split into lines, automaton over every byte. */
function scanOnly(automaton, files) {
  const chunk = Buffer.allocUnsafe(MiB);
  let candidates = 0;
  for (const file of files) {
    const reader = new LineReader(automaton, () => candidates++);
    const fd = openSync(file, 'r');
    for (let n; (n = readSync(fd, chunk, 0, MiB, null)) > 0; ) reader.push(chunk.subarray(0, n));
    closeSync(fd);
    reader.end();
  }
  return candidates;
}

/** `rg -c` / `grep -c` print `count` for one file, `path:count` per file for a folder: the total. */
const countSum = ({ stdout }) => stdout.split('\n').filter(Boolean).reduce((n, l) => n + Number(l.slice(l.lastIndexOf(':') + 1)), 0);
/** Diagnoses printed as NDJSON: one a line. */
const lineCount = ({ stdout }) => stdout.split('\n').filter(Boolean).length;

/**
 * The rows for one corpus, measured round by round (see interleave). `jobs`: whether analyze has `--jobs` (then
 * 1 and 2 workers are rows too). `tools`: which of rg and grep exist, and the keyword and pattern files they read.
 */
export async function pipelineRows(corpus, { ruleSet, jobs, tools }) {
  const { target, isFolder, bytes } = corpus;
  const specs = [];
  const add = (id, name, once, count, before) => specs.push({ id, name, once, count, before });
  const cli = (...args) => () => runChecked(process.execPath, [CLI, 'analyze', target, '--format', 'ndjson', '--fail-on', 'none', ...args]);
  add('analyze', 'analyze --no-db', cli('--no-db'), lineCount);
  for (const n of jobs ? [1, 2] : []) add(`analyze-jobs${n}`, `analyze --no-db --jobs ${n}`, cli('--no-db', '--jobs', String(n)), lineCount);
  const db = join(tmpdir(), `bd-bench-${process.pid}.db`);
  const fresh = () => ['', '-wal', '-shm'].forEach((s) => rmSync(db + s, { force: true }));
  add('sqlite', 'analyze into SQLite (new database)', cli('--db', db), lineCount, fresh);
  const admin = PG_URL ? new pg.Pool({ connectionString: PG_URL, max: 1 }) : null;
  const dropped = [];
  if (admin) {
    let n = 0;
    // A new database each run, made before the timed command starts (runChecked times the command alone).
    add('postgres', 'analyze into PostgreSQL (new database)', async () => {
      const made = await pgDatabase(admin, `${isFolder ? 'folder' : 'file'}_${n++}`);
      dropped.push(made.drop);
      return cli('--db', made.url)();
    }, lineCount);
  }
  const files = filesOf(target, isFolder);
  add('scan', 'keyword scan alone (in process)', async () => runInProcess(() => scanOnly(ruleSet.automaton, files)), (r) => r.result);
  if (tools.rg) {
    // A folder is walked with --no-ignore: bench/data is git-ignored, and ripgrep would skip what it holds.
    const rg = (...args) => () => runChecked('rg', [...args, ...(isFolder ? ['--no-ignore'] : []), target], [0, 1]);
    add('rg', 'rg -c -i -F -f keywords', rg('-c', '-i', '-F', '-f', tools.keywords), countSum);
    if (isFolder) add('rg-j1', 'rg -j1 -c -i -F -f keywords (1 thread)', rg('-j1', '-c', '-i', '-F', '-f', tools.keywords), countSum);
    add('rg-patterns', `rg -c -f patterns (${tools.patternsTaken} of ${tools.patternCount})`, rg('-c', '-f', tools.patterns), countSum);
  }
  if (tools.rg && tools.grep) {
    // Its stdout is a pipe (see runOnce): on /dev/null GNU grep stops at the first match, which once made it
    // look ~30x faster than ripgrep. Its count must equal the keyword scan's, else the row is dropped.
    const grepArgs = ['-c', '-i', '-F', '-f', tools.keywords, ...(isFolder ? ['-r'] : []), target];
    add('grep', 'grep -c -i -F -f keywords', () => runChecked('grep', grepArgs, [0, 1]), countSum);
  }
  const measured = await interleave(specs);
  fresh();
  for (const drop of dropped) await drop().catch(() => {});
  await admin?.end();
  const rows = specs.map((spec, i) => {
    const m = measured[i];
    if (m.error) return { id: spec.id, name: spec.name, seconds: null, cpu: null, bytes, rss: null, count: null, note: `failed: ${m.error.message}` };
    return { id: spec.id, name: spec.name, seconds: m.seconds, cpu: m.cpu, bytes, rss: m.rss, count: spec.count(m.last), note: '' };
  });
  return checkCounts(rows);
}

/**
 * A baseline that counts other lines than the keyword scan did is not doing the same work, and a pattern list
 * that matches more lines than hold a keyword is mis-built (an empty line in it matches every line): dropped.
 */
function checkCounts(rows) {
  const scan = rows.find((r) => r.id === 'scan');
  return rows.map((r) => {
    if (r.count === null || !scan) return r;
    const keywordRow = ['rg', 'rg-j1', 'grep'].includes(r.id);
    if (keywordRow && r.count !== scan.count) return { ...r, seconds: null, note: `dropped: counted ${r.count} lines, the keyword scan ${scan.count}` };
    if (r.id === 'rg-patterns' && r.count > scan.count) return { ...r, seconds: null, note: `dropped: ${r.count} lines matched, only ${scan.count} hold a keyword` };
    return r;
  });
}
