// Start-up: packages that only some commands need are not loaded by the CLI's module graph itself (each costs
// 50–70 ms of every command's start: zod, yaml, pg). Needs `npm run build`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

/** The packages in Node's CommonJS cache after importing `module` (a package imported from ESM is there too). */
function packagesLoadedBy(module: string, then = ''): string[] {
  const script = `import { createRequire } from 'node:module';
    await import(${JSON.stringify(pathToFileURL(join(ROOT, module)).href)});
    ${then}
    const cache = createRequire(import.meta.url).cache;
    console.log(JSON.stringify([...new Set(Object.keys(cache).map((k) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(k)?.[1]).filter(Boolean))]));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as string[];
}

describe('start-up', () => {
  it('loads neither zod, yaml nor pg with the CLI', () => {
    const loaded = packagesLoadedBy('dist/cli/main.js');
    expect(loaded).toContain('better-sqlite3'); // the check sees packages at all
    expect(loaded).not.toContain('zod');
    expect(loaded).not.toContain('yaml');
    expect(loaded).not.toContain('pg');
  });

  it('loads zod and yaml when a YAML file of agents is read', () => {
    const loaded = packagesLoadedBy('dist/context/agents.js', "const { loadAgents } = await import('./dist/context/agents.js'); loadAgents(['test/fixtures/agents/agent-facts.yaml']);");
    expect(loaded).toEqual(expect.arrayContaining(['zod', 'yaml']));
  });
});
