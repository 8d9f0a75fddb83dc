// A --db path that cannot be a database is a StoreError naming it, not an internal error with a stack trace.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { StoreError } from '../../src/errors.js';
import { runCli, tempDir } from '../helpers/cli.js';

describe('openStore', () => {
  const dir = tempDir();

  it('names a folder, a missing folder and a file that is no database, and leaves such a file as it was', () => {
    const log = join(dir, 'build.log');
    writeFileSync(log, 'simple\t03-Nov-2025 09:41:07\tBuild working directory is /x\n'.repeat(100));
    mkdirSync(join(dir, 'folder'));
    expect(() => openStore(join(dir, 'folder'))).toThrow(StoreError);
    expect(() => openStore(join(dir, 'missing', 'h.db'))).toThrow(/missing\/h\.db: cannot open it as a database/);
    expect(() => openStore(log)).toThrow(`database ${log}: this file is not a bamboo-doctor database (not SQLite); it is left as it is`);
    expect(readFileSync(log, 'utf8')).toBe('simple\t03-Nov-2025 09:41:07\tBuild working directory is /x\n'.repeat(100));
  });

  it('opens a new file as before', () => {
    const store = openStore(join(dir, 'new.db'));
    expect(store.counts()).toEqual({ sources: 0, builds: 0, diagnoses: 0 });
    store.close();
  });

  it('makes analyze and history exit 2 with one line on stderr', async () => {
    for (const args of [['analyze', 'samples/agent-environment.log', '--db', dir], ['history', '--db', 'samples/agent-environment.log']]) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
