// The report's "New and unexplained failures": failed builds no specific rule explains, by signature, with sparklines.

import type { SignatureGroup } from '../store/failure-sql.js';
import { escapeHtml as e } from './escape.js';
import type { ReportData } from './report-data.js';
import { sparkSvg } from './svg.js';

/** Buckets in a signature's sparkline. */
const SPARK_BUCKETS = 12;

const when = (iso: string | null) => (iso ? e(iso.slice(0, 16).replace('T', ' ')) : '');

/**
 * One row per signature, most builds first: its template, a sample line with where it was read, how many builds,
 * plans and agents, first and last seen (a badge when first seen in the last week), and builds per day or week.
 */
export function signaturesSection(data: ReportData): string {
  const groups = data.unexplained.groups;
  const title = '<h2>New and unexplained failures</h2>';
  if (groups.length === 0) return `${title}<p class="muted">None: a specific rule explains every failed build.</p>`;
  const trend = data.signatureTrend;
  const rows = groups.map((g) => {
    const values = trend?.series.get(g.signature)?.slice(-SPARK_BUCKETS) ?? [];
    const spark = values.length ? sparkSvg(values, `${g.signature ?? 'no cause line'}, last ${values.length} ${trend!.unit}s`) : '';
    const fresh = data.newSince && g.first && g.first >= data.newSince ? ' <span class="new">new</span>' : '';
    return (
      `<tr><td>${describe(g)}</td><td class="num">${g.count}</td><td>${e(g.plans.join(', '))}</td><td>${e(g.agents.join(', '))}</td>` +
      `<td>${when(g.first)}${fresh}</td><td>${when(g.last)}</td><td>${spark}</td></tr>`
    );
  });
  const head = ['Signature', 'Builds', 'Plans', 'Agents', 'First', 'Last', trend ? `Last ${SPARK_BUCKETS} ${trend.unit}s` : '']
    .map((h, i) => `<th${i === 1 ? ' class="num"' : ''}>${e(h)}</th>`)
    .join('');
  const note =
    '<p>Failed builds no specific rule explains, grouped by the template of their most telling line. ' +
    '<code>bamboo-doctor rules draft &lt;signature&gt; --out my-rules/</code> turns one into a rule to edit and keep.</p>';
  return `${title}<table class="signatures"><thead><tr>${head}</tr></thead><tbody>${rows.join('\n')}</tbody></table>${note}`;
}

function describe(g: SignatureGroup): string {
  const template = g.template ? `<code>${e(g.template)}</code>` : '<span class="muted">(no error-like line in the log)</span>';
  const sample = g.sample ? `<br><span class="muted">${e(g.sample.source)}:${g.sample.line} (${e(g.sample.build)})</span>` : '';
  return `${template}<br><span class="muted">${e(g.signature ?? '')}</span>${sample}`;
}
