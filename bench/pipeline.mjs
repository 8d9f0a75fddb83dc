// Measures the whole analyze pipeline against grep/ripgrep over the same generated Bamboo logs (ratios, not times).
// Usage: npm run bench   (BENCH_MB=200 BENCH_RUNS=3 to change the data size and the number of runs)

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, writeSync, closeSync, statSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRules } from '../dist/rules/load.js';
import { RuleSet } from '../dist/rules/rule-set.js';
import { LineReader } from '../dist/sources/line-reader.js';
import { readFileSync } from 'node:fs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = join(ROOT, 'bench', 'data');
const MB = Number(process.env.BENCH_MB ?? 200);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const rules = loadRules();
const ruleSet = new RuleSet(rules);

/** Deterministic pseudo-random numbers, so every run benchmarks the same bytes. */
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const FILLER = [
  'build\t{T}\t[INFO] Downloading from central: https://repo.maven.apache.org/maven2/org/apache/commons/commons-lang3/3.{N}/commons-lang3-3.{N}.pom',
  'build\t{T}\t[INFO] Tests run: {N}, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.{N} s - in com.acme.service.DiskSpaceErrorsTest',
  'build\t{T}\t[INFO] --- maven-surefire-plugin:3.2.5:test (default-test) @ acme-core ---',
  'error\t{T}\tnpm WARN deprecated request@2.88.{N}: request has been deprecated, see https://github.com/request/request/issues/3142',
  'error\t{T}\tremote: Counting objects: 100% ({N}/{N}), done.',
  'build\t{T}\t    at org.junit.runners.ParentRunner.runChildren(ParentRunner.java:{N})',
  'build\t{T}\t> Task :service:compileJava UP-TO-DATE',
  'error\t{T}\t+ ./gradlew build --no-daemon --stacktrace -Pversion=1.{N}.0',
  'build\t{T}\tStep {N}/12 : RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates',
  'command\t{T}\tSubstituting variable: ${bamboo.buildNumber} with {N}',
  'build\t{T}\t{"level":"info","msg":"request completed","status":200,"duration_ms":{N},"path":"/api/v1/items"}',
  'error\t{T}\twarning: unused variable `x` in crates/acme-core/src/lib.rs:{N}',
];

/** Lines the rules must match and their near misses, from the rules' own tests: the failures to find. */
const RARE = rules.flatMap((r) => [
  ...r.tests.match.flatMap((t) => t.lines ?? [t.line]),
  ...r.tests['no-match'].flatMap((t) => (typeof t === 'string' ? [t] : t.lines)),
]);

function generate(path, megabytes) {
  const rand = rng(42);
  const fd = openSync(path, 'w');
  const target = megabytes * 1024 * 1024;
  let written = 0;
  let build = 0;
  let batch = [];
  const flush = () => {
    const buf = Buffer.from(batch.join(''));
    writeSync(fd, buf);
    written += buf.length;
    batch = [];
  };
  while (written < target) {
    build++;
    const T = `0${1 + (build % 9)}-Nov-2025 09:${String(10 + (build % 50))}:08`;
    const eol = build % 10 === 0 ? '\r\n' : '\n';
    batch.push(`simple\t${T}\tBuild Acme - Web #${build} (ACME-WEB-JOB1-${build}) started building on agent build-linux-0${build % 7}, bamboo version: 9.6.1${eol}`);
    batch.push(`simple\t${T}\tRemote agent on host build-linux-0${build % 7}${eol}`);
    batch.push(`simple\t${T}\tExecuting build Acme - Web #${build} (ACME-WEB-JOB1-${build})${eol}`);
    batch.push(`simple\t${T}\tStarting task 'Build' of type 'com.atlassian.bamboo.plugins.scripttask:task.builder.script'${eol}`);
    for (let i = 0; i < 5000; i++) {
      const r = rand();
      let line;
      if (r < 0.001) line = RARE[Math.floor(rand() * RARE.length)];
      else if (r < 0.0012) line = `build\t${T}\tCLASSPATH=${'/opt/lib/acme-dependency.jar:'.repeat(300)}`;
      else line = FILLER[Math.floor(rand() * FILLER.length)].replace('{T}', T).replaceAll('{N}', String(Math.floor(rand() * 900)));
      batch.push(line + eol);
    }
    batch.push(`simple\t${T}\tFinished task 'Build' with result: Failed${eol}`);
    batch.push(`simple\t${T}\tFinished building ACME-WEB-JOB1-${build}.${eol}`);
    flush();
  }
  closeSync(fd);
}

/** Runs a command RUNS times; returns the median wall time (s) and the largest peak RSS (MB). */
function measure(cmd, args) {
  const times = [];
  let rss = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
    const kb = Number(String(r.stderr).trim().split('\n').pop());
    if (Number.isFinite(kb)) rss = Math.max(rss, kb / 1024);
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(times.length / 2)], rss };
}

/** The keyword scan alone, in this process: the ceiling of the hot loop. */
function scanOnly(path) {
  const data = readFileSync(path);
  const times = [];
  let candidates = 0;
  for (let i = 0; i < RUNS; i++) {
    candidates = 0;
    const reader = new LineReader(ruleSet.automaton, () => candidates++);
    const start = process.hrtime.bigint();
    for (let o = 0; o < data.length; o += 1 << 20) reader.push(data.subarray(o, o + (1 << 20)));
    reader.end();
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(times.length / 2)], candidates };
}

mkdirSync(DATA, { recursive: true });
const file = join(DATA, `pipeline-${MB}mb.log`);
if (!existsSync(file)) {
  process.stdout.write(`generating ${MB} MB of Bamboo-style logs into ${file} …\n`);
  generate(file, MB);
}
const size = statSync(file).size / 1024 / 1024;
const keywords = join(DATA, 'keywords.txt');
writeFileSync(keywords, `${ruleSet.automaton.keywords.join('\n')}\n`);

const rows = [];
const add = (name, r) => rows.push({ name, mbps: size / r.seconds, rss: r.rss });
add('bamboo-doctor analyze (whole pipeline)', measure(process.execPath, [join(ROOT, 'bin', 'bamboo-doctor.js'), 'analyze', file, '--no-db', '--format', 'ndjson', '--fail-on', 'none']));
const scan = scanOnly(file);
rows.push({ name: 'keyword scan only (in process)', mbps: size / scan.seconds, rss: null });
add('grep -c -i -F -f keywords', measure('grep', ['-c', '-i', '-F', '-f', keywords, file]));
const rg = spawnSync('rg', ['--version']);
if (rg.status === 0) add('ripgrep -c -i -F -f keywords', measure('rg', ['-c', '-i', '-F', '-f', keywords, file]));

process.stdout.write(`\n${size.toFixed(0)} MB, ${rules.length} rules, ${ruleSet.automaton.keywords.length} keywords, ${scan.candidates} candidate lines; median of ${RUNS} runs\n\n`);
const base = rows.find((r) => r.name.startsWith('ripgrep')) ?? rows.find((r) => r.name.startsWith('grep'));
for (const r of rows) {
  const ratio = base ? ` ${(r.mbps / base.mbps).toFixed(2)}× ${base.name.split(' ')[0]}` : '';
  process.stdout.write(`${r.name.padEnd(42)} ${r.mbps.toFixed(0).padStart(6)} MB/s${ratio.padEnd(18)}${r.rss ? `  peak RSS ${r.rss.toFixed(0)} MB` : ''}\n`);
}
if (!base || base.name.startsWith('grep')) process.stdout.write('\n(ripgrep not installed: apt-get install ripgrep for the issue\'s baseline)\n');
