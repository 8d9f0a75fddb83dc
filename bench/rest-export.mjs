// REST export rows: a ~1 GB Bamboo REST export and a 50 MB single line through the real CLI: MB/s and peak RSS.
//
//   npm run bench:rest     (BENCH_REST_MB=1024 to change the size, BENCH_REST_DB=1 to store too); also part of npm run bench

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MiB, measureCli } from './lib/measure.mjs';
import { longLine, restExport } from './lib/rest-corpus.mjs';

export const REST_MB = Number(process.env.BENCH_REST_MB ?? 1024);
const LONG_LINE_MB = 50;

/** One run of analyze on `path` (1 GB takes long enough that one run is the measurement). */
async function analyzeOnce(path, withDb) {
  const dir = withDb ? mkdtempSync(join(tmpdir(), 'bd-bench-rest-')) : null;
  const args = ['analyze', path, '--format', 'ndjson', '--fail-on', 'none', ...(dir ? ['--db', join(dir, 'bench.db')] : ['--no-db'])];
  try {
    const r = await measureCli(args, { runs: 1 });
    return { seconds: r.seconds, cpu: r.cpu, bytes: statSync(path).size, rss: r.rss, count: r.stdout.split('\n').filter(Boolean).length };
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** The REST export row and the long-line row. */
export async function restRows({ withDb = false } = {}) {
  const rest = await analyzeOnce(await restExport(REST_MB), withDb);
  const line = await analyzeOnce(await longLine(LONG_LINE_MB), false);
  return [
    { id: 'rest', name: `REST export ${Math.round(rest.bytes / MiB)} MB, analyze ${withDb ? 'into SQLite' : '--no-db'} (1 run)`, ...rest, note: '' },
    { id: 'longline', name: `one ${LONG_LINE_MB} MB line, analyze --no-db (1 run)`, ...line, note: 'cut at --max-line-bytes (1 MiB)' },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const r of await restRows({ withDb: process.env.BENCH_REST_DB === '1' })) {
    process.stdout.write(`${r.name}: ${r.seconds.toFixed(1)} s, ${(r.bytes / MiB / r.seconds).toFixed(1)} MB/s, peak RSS ${r.rss?.toFixed(0)} MB, ${r.count} diagnoses\n`);
  }
}
