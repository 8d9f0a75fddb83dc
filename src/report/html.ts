// Renders the report as one self-contained HTML page: inline CSS and SVG, no script, no external resource.

import type { CauseLine } from '../model.js';
import { rateLine } from '../history/format.js';
import { groupKey, type HistoryRow } from '../history/query.js';
import { escapeHtml as e } from './escape.js';
import { cellKey, type ReportData, type RuleDetail } from './report-data.js';
import { PALETTE, sparkSvg, stackedBars, type Series } from './svg.js';
import { signaturesSection } from './signatures-section.js';

export interface ReportMeta {
  title: string;
  filter: string;
  generated: string;
  database: string;
}

/** Rules drawn as their own colour in the trend chart; the rest are summed into one. */
const CHART_RULES = 6;
/** Buckets in a table row's sparkline. */
const SPARK_BUCKETS = 12;

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2125;margin:24px auto;max-width:1000px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dcdfe4;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 4px}.muted{color:#626f86}.num{text-align:right;font-variant-numeric:tabular-nums}
table{border-collapse:collapse;width:100%}th,td{padding:4px 8px;border-bottom:1px solid #eef0f2;text-align:left;vertical-align:top}
th{font-weight:600;color:#44546f}code,pre{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:#f7f8f9;padding:8px;border-radius:4px;white-space:pre-wrap;overflow-wrap:anywhere;margin:4px 0}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px}.sw{display:inline-block;width:10px;height:10px;margin-right:6px}
.grid{stroke:#eef0f2}.axis{font-size:11px;fill:#626f86}.bar{fill:#0072B2}.bar0{fill:#dcdfe4}
.heat td.num{min-width:48px}.stale{color:#a54800}details{margin:2px 0}summary{cursor:pointer}
.new{background:#a54800;color:#fff;border-radius:3px;padding:0 4px;font-size:11px}.signatures code{overflow-wrap:anywhere}`;

export function renderReport(data: ReportData, meta: ReportMeta): string {
  const t = data.totals;
  const span = t.first && t.last ? `${t.first.replace('T', ' ')} – ${t.last.replace('T', ' ')}` : 'no diagnoses';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(meta.title)}</title><style>${CSS}</style></head><body>
<h1>${e(meta.title)}</h1>
<p class="muted">${e(meta.filter)} · ${e(span)} · ${t.diagnoses} diagnoses in ${t.builds} builds · from ${e(meta.database)}, generated ${e(meta.generated)}</p>
<p>${e(rateLine(data.unexplained))}</p>
${trendSection(data)}
${signaturesSection(data)}
${rulesSection(data)}
${agentsSection(data.agents)}
${matrixSection(data)}
${unexplainedSection(data)}
${fixesSection(data.rules)}
</body></html>
`;
}

function trendSection(data: ReportData): string {
  if (!data.trend) return '<h2>Trend</h2><p class="muted">No diagnoses match.</p>';
  const { labels, series, unit } = data.trend;
  const zeros = labels.map(() => 0);
  const ids = data.rules.map((r) => r.row.group as string);
  const drawn = ids.slice(0, CHART_RULES);
  const shown: Series[] = drawn.map((id, i) => ({ name: id, values: series.get(groupKey(id)) ?? zeros, color: PALETTE[i] }));
  const rest = [...series.entries()].filter(([key]) => !drawn.some((id) => groupKey(id) === key)).map(([, values]) => values);
  if (rest.length) {
    const values = zeros.map((_, i) => rest.reduce((n, v) => n + v[i], 0));
    shown.push({ name: 'other rules', values, color: PALETTE[PALETTE.length - 1] });
  }
  const legend = shown.map((s) => `<li><span class="sw" style="background:${s.color}"></span>${e(s.name)}</li>`).join('');
  const title = `Diagnoses per rule and ${unit}`;
  return `<h2>${title}</h2>${stackedBars(labels, shown, title)}<ul class="legend">${legend}</ul>`;
}

const when = (iso: string) => e(iso.slice(0, 16).replace('T', ' '));

function rulesSection(data: ReportData): string {
  const trend = data.trend;
  const rows = data.rules.map(({ row, rule }) => {
    const id = row.group as string;
    const values = trend?.series.get(groupKey(id))?.slice(-SPARK_BUCKETS) ?? [];
    const spark = values.length ? sparkSvg(values, `${id}, last ${values.length} ${trend!.unit}s`) : '';
    return `<tr><td><a href="#rule-${e(id)}"><code>${e(id)}</code></a><br><span class="muted">${e(rule?.title ?? '')}</span></td>${counts(row)}<td>${spark}</td></tr>`;
  });
  return section('Top rules', ['Rule', 'Diagnoses', 'Builds', 'First', 'Last', trend ? `Last ${SPARK_BUCKETS} ${trend.unit}s` : ''], rows);
}

function counts(row: HistoryRow): string {
  return `<td class="num">${row.count}</td><td class="num">${row.builds}</td><td>${when(row.first)}</td><td>${when(row.last)}</td>`;
}

function agentsSection(agents: HistoryRow[]): string {
  const rows = agents.map((r) => `<tr><td>${e(r.group ?? '(unknown)')}</td>${counts(r)}</tr>`);
  return section('Top agents', ['Agent', 'Diagnoses', 'Builds', 'First', 'Last'], rows);
}

function matrixSection(data: ReportData): string {
  const { agentTypes, rules, counts: cells } = data.matrix;
  const peak = Math.max(1, ...cells.values());
  const rows = agentTypes.map((type) => {
    const tds = rules.map((rule) => {
      const n = cells.get(cellKey(type, rule)) ?? 0;
      const shade = n ? ` style="background:rgba(0,114,178,${(0.1 + (0.6 * n) / peak).toFixed(2)})"` : '';
      return `<td class="num"${shade}>${n || ''}</td>`;
    });
    return `<tr><th>${e(type)}</th>${tds.join('')}</tr>`;
  });
  const head = ['Agent type', ...rules.map((r) => `<code>${e(r)}</code>`)];
  return section('Agent type × rule', head, rows, 'heat', true);
}

function unexplainedSection(data: ReportData): string {
  const u = data.unexplained;
  const rows = u.builds.map(
    (b) =>
      `<tr><td><code>${e(b.build)}</code></td><td>${b.started ? when(b.started) : ''}</td><td>${e(b.agent ?? '(unknown)')}</td>` +
      `<td>${e(b.agentType)}</td><td>${e(b.runner)}</td><td class="num">${b.diagnoses}</td><td><code>${e(b.source)}</code></td></tr>`,
  );
  const note = u.builds.length
    ? '<p>These failed with no error diagnosis of a specific rule (at most a generic one: an exit code, a tool\'s catch-all): no rule knows their cause yet.</p>'
    : '';
  return `${section('Unexplained failed builds', ['Build', 'Started', 'Agent', 'Agent type', 'Runner', 'Other diagnoses', 'Source'], rows)}${note}`;
}

function fixesSection(rules: RuleDetail[]): string {
  return `<h2>Fixes</h2>${rules.map(fixOf).join('\n')}`;
}

/** The rule's current fix for each scenario; the newest evidence line as an example, escaped like all log text. */
function fixOf({ row, rule, latest, stale }: RuleDetail): string {
  const id = row.group as string;
  const parts = [`<h3 id="rule-${e(id)}"><code>${e(id)}</code> ${e(rule?.title ?? latest?.title ?? '')}</h3>`];
  if (latest) {
    parts.push(`<p class="muted">Latest: ${e(latest.build ?? latest.source)}, ${e(latest.source)}:${latest.line}, scenario ${e(latest.scenario)}</p>`);
    parts.push(`<pre class="evidence">${latest.evidence.map(e).join('\n')}</pre>`);
    if (latest.cause?.length) parts.push(`<p class="muted">Cause lines, most telling first:</p>${causeBlock(latest.cause)}`);
  }
  if (stale) parts.push(`<p class="stale">${stale} diagnoses were made by an older version of this rule: run <code>bamboo-doctor reanalyze</code>.</p>`);
  if (rule) {
    for (const s of rule.scenarios) {
      parts.push(`<details><summary>${e(s.title ?? s.id)} <span class="muted">(${e(s.id)})</span></summary><pre>${e(s.fix)}</pre></details>`);
    }
  } else if (latest) {
    parts.push(`<p class="muted">This rule is not loaded now; the fix stored with its latest diagnosis:</p><pre>${e(latest.fix)}</pre>`);
  }
  return parts.join('\n');
}

/** Cause lines with their line numbers; a line also seen in successful builds of the job says so. */
function causeBlock(cause: CauseLine[]): string {
  const lines = cause.map((c) => `${String(c.line).padStart(6)}  ${e(c.text)}${c.seenInGreen ? '  <span class="muted">(also in successful builds)</span>' : ''}`);
  return `<pre class="cause">${lines.join('\n')}</pre>`;
}

function section(title: string, head: string[], rows: string[], cls = '', rawHead = false): string {
  if (rows.length === 0) return `<h2>${e(title)}</h2><p class="muted">None.</p>`;
  const ths = head.map((h, i) => `<th${i > 0 && !rawHead && /^(Diagnoses|Builds|Other)/.test(h) ? ' class="num"' : ''}>${rawHead ? h : e(h)}</th>`);
  return `<h2>${e(title)}</h2><table class="${cls}"><thead><tr>${ths.join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}
