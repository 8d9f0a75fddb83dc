// The import graph of src/ between its parts (a folder, or a file directly in src/), read from the source text.

import { dirname, join, posix, relative } from 'node:path';

/** Static `import … from` / `export … from` at the start of a line, and dynamic `import('…')`. */
const STATIC = /^[ \t]*(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]/gm;
const SIDE_EFFECT = /^[ \t]*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The relative module paths a file imports, as written. */
export function importsOf(text: string): string[] {
  return [...text.matchAll(STATIC), ...text.matchAll(SIDE_EFFECT), ...text.matchAll(DYNAMIC)].map((m) => m[1]).filter((s) => s.startsWith('.'));
}

/** `src/rules/load.ts` → `rules/`; `src/model.ts` → `model.ts`. */
export function partOf(file: string, root = 'src'): string {
  const rel = relative(root, file).split('\\').join('/');
  const slash = rel.indexOf('/');
  return slash < 0 ? rel : rel.slice(0, slash + 1);
}

/** One import from a file of one part to a file of another. */
export interface Edge {
  from: string;
  to: string;
  file: string;
  target: string;
}

/** Every import between different parts, from the files' paths and texts (paths under `root`). */
export function partEdges(files: { path: string; text: string }[], root = 'src'): Edge[] {
  const edges: Edge[] = [];
  for (const { path, text } of files) {
    for (const spec of importsOf(text)) {
      const target = posix.normalize(join(dirname(path), spec).split('\\').join('/')).replace(/\.js$/, '.ts');
      const from = partOf(path, root);
      const to = partOf(target, root);
      if (from !== to) edges.push({ from, to, file: path, target });
    }
  }
  return edges;
}

/** The groups of parts that import each other in a loop (strongly connected, more than one part), sorted. */
export function cyclesOf(edges: Edge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, new Set());
    next.get(e.from)!.add(e.to);
  }
  const reach = (start: string): Set<string> => {
    const seen = new Set<string>();
    const todo = [start];
    while (todo.length) for (const n of next.get(todo.pop()!) ?? []) if (!seen.has(n) && seen.add(n)) todo.push(n);
    return seen;
  };
  // Few parts (a dozen): reachability from each is simpler than Tarjan and fast enough.
  const reachable = new Map([...next.keys()].map((n) => [n, reach(n)]));
  const groups = new Map<string, string[]>();
  for (const [n, seen] of reachable) {
    if (!seen.has(n)) continue;
    const group = [...seen].filter((m) => reachable.get(m)?.has(n)).sort();
    groups.set(group.join(' '), group);
  }
  return [...groups.values()].filter((g) => g.length > 1).sort((a, b) => a[0].localeCompare(b[0]));
}
