// The one JSON object `npm run bench` ends with: issue 12's ratios and figures, named as the issue names them.

import { MiB } from './lib/measure.mjs';

const round = (v, digits = 2) => (v === null || v === undefined || !Number.isFinite(v) ? null : +v.toFixed(digits));
const rate = (row) => (row && row.seconds !== null ? row.bytes / MiB / row.seconds : null);
/** MB per CPU second: steadier than the wall time on a shared machine, as long as the work stays the same. */
const cpuRate = (row) => (row && row.seconds !== null && row.cpu ? row.bytes / MiB / row.cpu : null);
const ratio = (a, b) => (a === null || b === null ? null : a / b);

/** Rates of one section's rows, by row id. */
function rates(section) {
  const find = (id) => section?.rows.find((r) => r.id === id);
  return {
    // Once --jobs exists its default is every core: the 1-worker figure is then the --jobs 1 row.
    one: rate(find('analyze-jobs1') ?? find('analyze')),
    oneCpu: cpuRate(find('analyze-jobs1') ?? find('analyze')),
    rgCpu: cpuRate(find('rg')),
    two: rate(find('analyze-jobs2')),
    plain: rate(find('analyze')),
    sqlite: rate(find('sqlite')),
    postgres: rate(find('postgres')),
    scan: rate(find('scan')),
    rg: rate(find('rg')),
    rgPatterns: rate(find('rg-patterns')),
  };
}

/** Largest peak RSS of the analyze runs with this many workers; a run without --jobs has `defaults` of them. */
function peakRss(sections, workers, defaults) {
  const ids = ['analyze', 'sqlite', 'rest'];
  const uses = (r) => r.id === `analyze-jobs${workers}` || (ids.includes(r.id) && workers === defaults);
  const all = Object.values(sections).flatMap((s) => s.rows.filter((r) => r.rss !== null && uses(r)).map((r) => r.rss));
  return all.length ? Math.max(...all) : null;
}

export function summary({ sections, live, history, ingest, tools, machine, jobs, mb }) {
  const file = rates(sections.file);
  const folder = rates(sections.folder);
  const rest = sections.rest?.rows.find((r) => r.id === 'rest');
  const line = sections.rest?.rows.find((r) => r.id === 'longline');
  const perSecond = (id) => {
    const r = ingest?.find((row) => row.id === id && row.seconds !== null);
    return r ? r.diagnoses / r.seconds : null;
  };
  // Without --jobs analyze uses one worker; with it, by default one a core (issue 12).
  const defaults = jobs ? machine.cpus : 1;
  return {
    ratio_1core: round(ratio(file.one, file.rg)),
    ratio_2core: round(ratio(file.two, file.rg)),
    ratio_sqlite: round(ratio(file.sqlite, file.plain)),
    rest_mbps: round(rate(rest), 1),
    peak_rss_mb: round(peakRss(sections, 1, defaults), 0),
    longline_rss_mb: round(line?.rss, 0),
    live_latency_ms: round(live?.median, 0),
    history_ms: round(history?.queryMs, 1),
    history_cli_ms: round(history?.cliMs, 0),
    history_cpu_ms: round(history?.queryCpuMs, 1),
    ratio_1core_cpu: round(ratio(file.oneCpu, file.rgCpu)),
    ratio_1core_folder: round(ratio(folder.one, folder.rg)),
    ratio_1core_folder_cpu: round(ratio(folder.oneCpu, folder.rgCpu)),
    ratio_2core_folder: round(ratio(folder.two, folder.rg)),
    ratio_sqlite_folder: round(ratio(folder.sqlite, folder.plain)),
    ratio_scan: round(ratio(file.scan, file.rg)),
    ratio_scan_folder: round(ratio(folder.scan, folder.rg)),
    ratio_rg_patterns: round(ratio(file.rgPatterns, file.rg)),
    analyze_mbps: round(file.plain, 1),
    analyze_folder_mbps: round(folder.plain, 1),
    rg_mbps: round(file.rg, 0),
    rg_folder_mbps: round(folder.rg, 0),
    peak_rss_2core_mb: round(peakRss(sections, 2, defaults), 0),
    rest_rss_mb: round(rest?.rss, 0),
    longline_s: round(line?.seconds, 2),
    ingest_sqlite_per_s: round(perSecond('ingest-sqlite'), 0),
    ingest_postgres_per_s: round(perSecond('ingest-postgres'), 0),
    ratio_postgres_ingest: round(ratio(perSecond('ingest-postgres'), perSecond('ingest-sqlite'))),
    ratio_postgres: round(ratio(file.postgres, file.sqlite)),
    ratio_postgres_folder: round(ratio(folder.postgres, folder.sqlite)),
    patterns_untranslated: tools.untranslated?.length ?? null,
    corpus_mb: mb,
    machine,
  };
}
