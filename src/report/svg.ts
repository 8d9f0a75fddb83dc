// Inline SVG for the HTML report: stacked bars of diagnoses per rule over time, and row sparklines.

import { escapeHtml } from './escape.js';

/** Distinguishable on white and for the common colour-vision deficiencies (Okabe–Ito). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#999999'];

export interface Series {
  name: string;
  values: number[];
  color: string;
}

const W = 760;
const H = 260;
const M = { top: 12, right: 12, bottom: 42, left: 44 };

/**
 * Stacked bars, one per bucket, one segment per series: sparse days read as small bars rather than spikes of
 * lines that hide one another, and a bucket's height is its total. Y grid lines and every few bucket labels.
 */
export function stackedBars(labels: string[], series: Series[], title: string): string {
  const totals = labels.map((_, i) => series.reduce((n, s) => n + (s.values[i] ?? 0), 0));
  const peak = Math.max(1, ...totals);
  const step = niceStep(peak);
  const top = Math.ceil(peak / step) * step;
  const slot = (W - M.left - M.right) / Math.max(1, labels.length);
  const bar = Math.max(1, Math.min(40, slot * 0.8));
  const x = (i: number) => M.left + i * slot + (slot - bar) / 2;
  const y = (v: number) => H - M.bottom - (v * (H - M.top - M.bottom)) / top;
  const parts: string[] = [];
  for (let v = 0; v <= top; v += step) {
    parts.push(`<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${y(v)}" y2="${y(v)}"/>`);
    parts.push(`<text class="axis" x="${M.left - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`);
  }
  for (const i of labelled(labels.length)) {
    parts.push(`<text class="axis" x="${(x(i) + bar / 2).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle">${escapeHtml(labels[i])}</text>`);
  }
  labels.forEach((label, i) => {
    let base = 0;
    for (const s of series) {
      const v = s.values[i] ?? 0;
      if (v <= 0) continue;
      const y0 = y(base + v);
      parts.push(
        `<rect class="segment" x="${x(i).toFixed(1)}" y="${y0.toFixed(1)}" width="${bar.toFixed(1)}" height="${(y(base) - y0).toFixed(1)}" fill="${s.color}">` +
          `<title>${escapeHtml(`${s.name} · ${label}: ${v}`)}</title></rect>`,
      );
      base += v;
    }
  });
  return (
    `<svg class="chart" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">` +
    `<title>${escapeHtml(title)}</title>${parts.join('')}</svg>`
  );
}

/** About ten evenly spaced bucket indexes, always the last one, none crowding it. */
function labelled(n: number): number[] {
  const every = Math.max(1, Math.ceil(n / 10));
  const out: number[] = [];
  for (let i = 0; i < n; i += every) out.push(i);
  if (out.at(-1) !== n - 1) {
    if (n - 1 - out.at(-1)! < every) out.pop();
    out.push(n - 1);
  }
  return out;
}

/** A step of 1, 2 or 5 × 10ⁿ giving at most five grid lines. */
function niceStep(peak: number): number {
  const raw = peak / 5;
  const mag = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  return [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
}

/** A small bar sparkline for a table row. */
export function sparkSvg(values: number[], label: string): string {
  const peak = Math.max(1, ...values);
  const bw = 6;
  const h = 18;
  const bars = values
    .map((v, i) => {
      const bh = v === 0 ? 1 : Math.max(2, (v / peak) * h);
      return `<rect x="${i * (bw + 1)}" y="${(h - bh).toFixed(1)}" width="${bw}" height="${bh.toFixed(1)}" class="${v ? 'bar' : 'bar0'}"/>`;
    })
    .join('');
  return `<svg class="spark" viewBox="0 0 ${values.length * (bw + 1)} ${h}" width="${values.length * (bw + 1)}" height="${h}" role="img" aria-label="${escapeHtml(label)}">${bars}</svg>`;
}
