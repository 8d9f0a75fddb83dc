// Sources already read, on SQLite and PostgreSQL: the same file unchanged, or a copy of it (by content fingerprint)
// read at another path on another machine or in another folder, is not read again; a changed one is.
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { Store, type SourceInfo } from '../../src/store/store.js';
import { PgStore } from '../../src/store/pg-store.js';
import { DATABASE_KINDS, dropTestDatabases, newDatabase } from '../helpers/databases.js';

afterAll(dropTestDatabases);

const SAMPLE = 'samples/docker-runner-remote-agent.log';

describe.each(DATABASE_KINDS)('sources in %s', (kind) => {
  it('findSource: the same path unchanged, or the same fingerprint, size and kind read to its end at another path', async () => {
    const t = await newDatabase(kind);
    const store = kind === 'sqlite' ? new Store(t.db) : await PgStore.open(t.db);
    const a: SourceInfo = { path: '/agent-1/x.log', kind: 'file', size: 10, mtimeMs: 5, fingerprint: 'f1' };
    const id = await store.beginSource(a);
    const copy = { ...a, path: '/agent-2/x.log', mtimeMs: 9 };
    expect(await store.findSource(copy)).toBeUndefined(); // still being read
    await store.finishSource(id, 42, 'done');
    expect(await store.findSource(a)).toMatchObject({ id, path: a.path, lines: 42, status: 'done' });
    expect(await store.findSource(copy)).toMatchObject({ id, path: a.path, fingerprint: 'f1', size: 10, mtimeMs: 5 });
    expect(await store.findSource({ ...copy, fingerprint: 'f2' })).toBeUndefined();
    expect(await store.findSource({ ...copy, size: 11 })).toBeUndefined();
    expect(await store.findSource({ ...copy, kind: 'ndjson' })).toBeUndefined();
    expect(await store.findSource({ ...copy, fingerprint: null })).toBeUndefined();
    // The same path touched since: read again, as before fingerprints (its middle may have changed).
    expect(await store.findSource({ ...a, mtimeMs: 6 })).toBeUndefined();
    const partial = await store.beginSource({ ...a, path: '/agent-3/y.log', fingerprint: 'f3' });
    await store.finishSource(partial, 3, 'partial', 'cut');
    expect(await store.findSource({ ...a, path: '/agent-4/y.log', fingerprint: 'f3' })).toBeUndefined();
    await store.close();
  });

  it('analyze: a copy of a log in another folder is skipped, naming where it was read; a changed copy and --force are read', async () => {
    const t = await newDatabase(kind);
    const dir = tempDir();
    const [one, two] = ['agent-1', 'agent-2'].map((d) => join(dir, d));
    for (const d of [one, two]) {
      mkdirSync(d);
      copyFileSync(SAMPLE, join(d, 'build.log'));
    }
    // Another machine's copy: another modification time.
    utimesSync(join(two, 'build.log'), new Date('2025-01-02'), new Date('2025-01-02'));
    const first = await runCli(['analyze', one, '--db', t.db]);
    expect(first.code).toBe(1);
    const builds = await t.query('SELECT build_key, source_path FROM builds');
    expect(builds).toHaveLength(1);
    const again = await runCli(['analyze', two, '--db', t.db]);
    expect(again.stderr).toContain(`${join(two, 'build.log')}: skipped, already analysed as ${join(one, 'build.log')} (the same size and content); use --force to read it again`);
    expect(again.stderr).toMatch(/1 input, 0 builds, .*1 skipped/);
    expect(await t.query('SELECT path, status, fingerprint IS NOT NULL AS fp FROM sources')).toEqual([{ path: join(one, 'build.log'), status: 'done', fp: kind === 'sqlite' ? 1 : true }]);
    expect(await t.query('SELECT build_key, source_path FROM builds')).toEqual(builds);
    const forced = await runCli(['analyze', two, '--db', t.db, '--force']);
    expect(forced.stderr).toMatch(/1 input, 1 build,/);
    appendFileSync(join(one, 'build.log'), `simple\t03-Nov-2025 10:00:00\tone more line\n`);
    const changed = await runCli(['analyze', one, '--db', t.db]);
    expect(changed.stderr).toMatch(/1 input, 1 build,/);
    expect((await t.query("SELECT count(*) AS n FROM sources WHERE status = 'done'"))[0].n).toBe(3);
    expect(readFileSync(join(two, 'build.log')).equals(readFileSync(SAMPLE))).toBe(true);
  });
});
