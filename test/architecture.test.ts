// Layers that only look down: no import loop between the folders of src/, and no library code importing the CLI.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { globSync } from 'tinyglobby';
import { describe, expect, it } from 'vitest';
import { cyclesOf, importsOf, partEdges, type Edge } from './helpers/import-graph.js';
import { ROOT } from './helpers/cli.js';

const SOURCES = globSync('src/**/*.ts', { cwd: ROOT }).map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));
const EDGES = partEdges(SOURCES);

/** What a failure shows: each import that takes part, file by file. */
const explain = (edges: Edge[]) => edges.map((e) => `${e.file} imports ${e.target}`);

describe('the import graph of src/', () => {
  it('is read from the code: the pipeline stages import each other as expected', () => {
    expect(SOURCES.length).toBeGreaterThan(50);
    const pairs = new Set(EDGES.map((e) => `${e.from} -> ${e.to}`));
    for (const pair of ['cli/ -> analyze.ts', 'diagnose/ -> rules/', 'sources/ -> parse/', 'store/ -> model.ts', 'cli/ -> rules/']) expect(pairs).toContain(pair);
  });

  it('has no loop between folders (a folder imports only what sits below it)', () => {
    const cycles = cyclesOf(EDGES);
    const inCycles = EDGES.filter((e) => cycles.some((c) => c.includes(e.from) && c.includes(e.to)));
    expect(explain(inCycles)).toEqual([]);
  });

  it('has no library file importing src/cli/ (errors and options live below the CLI)', () => {
    expect(explain(EDGES.filter((e) => e.to === 'cli/'))).toEqual([]);
  });
});

describe('the import graph reader', () => {
  const file = (path: string, ...imports: string[]) => ({ path, text: imports.join('\n') });

  it('reads static, multi-line, type-only, re-export and dynamic imports, and no package imports', () => {
    const text = [
      "import { a } from './a.js';",
      'import {\n  b,\n  type B,\n} from "../b/b.js";',
      "import type { C } from './c.js';",
      "export { d } from './d.js';",
      "export * from './e.js';",
      "const f = await import('./f.js');",
      "import './g.js';",
      "import { z } from 'zod';",
      "const notAnImport = 'x'; // from './h.js' in a comment after code",
    ].join('\n');
    expect(importsOf(text).sort()).toEqual(['../b/b.js', './a.js', './c.js', './d.js', './e.js', './f.js', './g.js']);
  });

  it('finds a loop of folders, a loop through a file of src/, and none where imports only look down', () => {
    const loop = partEdges([
      file('src/context/specs.ts', "import { x } from '../diagnose/template.js';"),
      file('src/diagnose/analyzer.ts', "import { y } from '../context/tracker.js';"),
      file('src/rules/load.ts', "import type { Z } from '../model.js';"),
    ]);
    expect(cyclesOf(loop)).toEqual([['context/', 'diagnose/']]);
    const viaFile = partEdges([
      file('src/analyze.ts', "import { a } from './sources/inputs.js';"),
      file('src/sources/inputs.ts', "import type { B } from '../store/store.js';"),
      file('src/store/store.ts', "import { analyze } from '../analyze.js';"),
    ]);
    expect(cyclesOf(viaFile)).toEqual([['analyze.ts', 'sources/', 'store/']]);
    const down = partEdges([file('src/cli/main.ts', "import { a } from '../analyze.js';"), file('src/analyze.ts', "import { m } from './model.js';")]);
    expect(cyclesOf(down)).toEqual([]);
  });

  it('sees a library file importing the CLI', () => {
    const edges = partEdges([file('src/history/open.ts', "import { openStore } from '../cli/shared.js';"), file('src/cli/main.ts', "import { x } from './io.js';")]);
    expect(edges.filter((e) => e.to === 'cli/').map((e) => e.file)).toEqual(['src/history/open.ts']);
  });
});
