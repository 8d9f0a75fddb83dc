// The line of a rule file where a field (`patterns.0`, `tests.match.2`) is written, for messages that name it.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as YamlType from 'yaml';

// yaml is loaded only when a line must be found (a finding, a refused rule), as in load.ts.
const lazyRequire = createRequire(import.meta.url);

/** The line of a field (`tests.match.2`) in a YAML file; a missing field is looked up as its nearest parent. */
export function fieldLine(file: string, field: string): number | null {
  return fieldLocator(file)(field);
}

/**
 * Finds the lines of many fields of one file: the file is parsed once (`rules lint` on a rule with 2,000 keywords
 * reported each finding with a parse of its own: quadratic, 30 s and more).
 */
export function fieldLocator(file: string): (field: string) => number | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return () => null;
  }
  const { LineCounter, parseDocument } = lazyRequire('yaml') as typeof YamlType;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  return (field) => {
    if (!field) return null;
    const path = field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    for (let n = path.length; n > 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | null | undefined;
      if (node && typeof node === 'object' && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return null;
  };
}
