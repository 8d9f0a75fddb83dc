// Reads the YAML or JSON files a user supplies (agents, Bamboo Specs) so that mistakes name the file and line.

import { readFileSync } from 'node:fs';
import type { Document, LineCounter } from 'yaml';
import { yaml } from '../lazy.js';
import type { z } from 'zod';
import { InputError } from '../errors.js';

type Path = (string | number)[];

/** One document of a user's file, with what is needed to point at a line in it. */
export interface YamlDoc {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  value: unknown;
}

/** All documents of a YAML file (`---` separated); JSON is read the same way, being YAML. */
export function readYamlDocs(file: string): YamlDoc[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(file, null, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const { LineCounter: Lines, parseAllDocuments } = yaml();
  const lines = new Lines();
  const parsed = parseAllDocuments(text, { lineCounter: lines });
  const docs = Array.isArray(parsed) ? parsed : [];
  for (const doc of docs) {
    const e = doc.errors[0];
    if (e) throw new InputError(file, e.linePos?.[0].line ?? null, `not valid YAML/JSON: ${e.message.split('\n')[0]}`);
  }
  return docs.map((doc) => ({ file, doc, lines, value: doc.toJS() }));
}

/** The 1-based line of the node at `path`, or of its nearest parent that exists. */
export function lineAt(d: YamlDoc, path: Path): number | null {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? d.doc.contents : d.doc.getIn(path.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return d.lines.linePos(range[0]).line;
  }
  return null;
}

/** Checks a value against a schema; a mismatch is an InputError at the line of the offending field. */
export function checkShape<S extends z.ZodType>(schema: S, value: unknown, d: YamlDoc, path: Path, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const at = [...path, ...(issue.path as Path)];
  // A misspelt field: point at it rather than at the object that holds it.
  const unknown = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  if (unknown !== undefined) at.push(unknown);
  const field = at.length ? `${at.join('.')}: ` : '';
  const message = unknown !== undefined ? 'unknown field' : issue.message;
  throw new InputError(d.file, lineAt(d, at), `${field}${message} (expected ${what})`);
}

/** The 1-based line of the key at `path` (`docker:`), rather than of its value. */
export function keyLineAt(d: YamlDoc, path: Path): number | null {
  const parent = path.length === 1 ? d.doc.contents : d.doc.getIn(path.slice(0, -1), true);
  const { isMap, isScalar } = yaml();
  if (isMap(parent)) {
    const last = path[path.length - 1];
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
    const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
    if (range) return d.lines.linePos(range[0]).line;
  }
  return lineAt(d, path);
}
