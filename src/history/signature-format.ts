// Signature groups for people (one block per signature: template, plans, agents, builds, a sample line) and for CSV.

import { csvLine } from './format.js';
import type { SignatureGroup } from '../store/failure-sql.js';

const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '?');
const list = (names: string[], none = '(unknown)') => (names.length ? names.join(', ') : none);

/** One block per group, most frequent first. */
export function signatureText(groups: SignatureGroup[]): string {
  return groups
    .map((g) => {
      const head = `${g.count} build${g.count === 1 ? '' : 's'}  ${g.signature ?? '(no cause line)'}  first ${when(g.first)}  last ${when(g.last)}`;
      const lines = [head, `  template  ${g.template ?? '(the log held no error-like line: read the task output)'}`];
      if (g.explained) lines.push(`  explained ${g.explained} of them by a specific rule`);
      lines.push(`  plans     ${list(g.plans)}`, `  agents    ${list(g.agents)}`);
      lines.push(`  builds    ${g.buildKeys.join(', ')}${g.count > g.buildKeys.length ? `, … (${g.count - g.buildKeys.length} more)` : ''}`);
      if (g.sample) lines.push(`  sample    ${g.sample.source}:${g.sample.line}  ${g.sample.text}`);
      return `${lines.join('\n')}\n`;
    })
    .join('\n');
}

export function signatureCsv(groups: SignatureGroup[]): string {
  const head = csvLine(['signature', 'template', 'count', 'explained', 'plans', 'agents', 'first', 'last', 'builds', 'sample_source', 'sample_line', 'sample_text']);
  const rows = groups.map((g) =>
    csvLine([
      g.signature, g.template, g.count, g.explained, g.plans.join(' '), g.agents.join(' '), g.first, g.last, g.buildKeys.join(' '),
      g.sample?.source ?? null, g.sample?.line ?? null, g.sample?.text ?? null,
    ]),
  );
  return head + rows.join('');
}

/** `history --by signature --format json`: the history row contract (group, count, builds, first, last) and the rest. */
export function signatureJson(groups: SignatureGroup[]): string {
  const rows = groups.map(({ signature, count, first, last, ...rest }) => ({ group: signature, count, builds: count, first, last, ...rest }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}
