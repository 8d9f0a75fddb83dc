import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/cli.js';
import { diagnosis, jobContext } from '../helpers/jobs.js';

const job = (build: string | null) => jobContext(build);
const diag = diagnosis;

const rows = (s: Store, sql: string) => s.db.prepare(sql).all();

describe('Store', () => {
  it('creates the schema once (WAL) and reopens an existing file', () => {
    const path = join(tempDir(), 'a.db');
    const s = new Store(path);
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(1);
    s.saveJob(null, 'x.log', job('A-B-JOB1-1'), 0, [diag('r1')]);
    s.close();
    const again = new Store(path);
    expect(again.counts()).toMatchObject({ builds: 1, diagnoses: 1 });
    again.close();
  });

  it('replaces a build and its diagnoses when the same build is saved again', () => {
    const s = new Store(join(tempDir(), 'b.db'));
    s.saveJob(null, 'x.log', job('A-B-JOB1-1'), 0, [diag('r1'), diag('r2')]);
    s.saveJob(null, 'other.json', job('A-B-JOB1-1'), 0, [diag('r1', { count: 5 })]);
    expect(s.counts()).toMatchObject({ builds: 1, diagnoses: 1 });
    expect(rows(s, 'SELECT rule, count, build_key, agent_type, runner_kind FROM diagnoses')).toEqual([
      { rule: 'r1', count: 5, build_key: 'A-B-JOB1-1', agent_type: 'remote', runner_kind: 'docker' },
    ]);
    s.close();
  });

  it('keys a build without a Bamboo key by its source and position', () => {
    const s = new Store(join(tempDir(), 'c.db'));
    s.saveJob(null, '/logs/x.log', job(null), 1, [diag('r1')]);
    s.saveJob(null, '/logs/x.log', job(null), 2, [diag('r1')]);
    s.saveJob(null, '/logs/x.log', job(null), 1, [diag('r1')]);
    expect(rows(s, 'SELECT build_key, keyed FROM builds ORDER BY id')).toEqual([
      { build_key: '/logs/x.log#1', keyed: 0 },
      { build_key: '/logs/x.log#2', keyed: 0 },
    ]);
    s.close();
  });

  it('writes nothing of a build whose transaction fails half-way', () => {
    const s = new Store(join(tempDir(), 'd.db'));
    s.saveJob(null, 'x.log', job('A-B-JOB1-1'), 0, [diag('r1')]);
    const broken = diag('r2', { fix: null as unknown as string });
    expect(() => s.saveJob(null, 'x.log', job('A-B-JOB1-2'), 0, [diag('r1'), broken])).toThrow(/NOT NULL/);
    expect(rows(s, 'SELECT build_key FROM builds')).toEqual([{ build_key: 'A-B-JOB1-1' }]);
    expect(s.counts().diagnoses).toBe(1);
    s.close();
  });

  it('remembers sources read completely, by path, size and modification time', async () => {
    const s = new Store(join(tempDir(), 'e.db'));
    const info = { path: '/logs/x.log', kind: 'file', size: 10, mtimeMs: 5, fingerprint: null };
    const id = s.beginSource(info);
    expect(await s.findSource(info)).toBeUndefined();
    s.finishSource(id, 42, 'done');
    expect(await s.findSource(info)).toMatchObject({ id, lines: 42, status: 'done' });
    expect(await s.findSource({ ...info, size: 11 })).toBeUndefined();
    s.close();
  });

  it('writes a live diagnosis at once and updates it at the end of the job', () => {
    const s = new Store(join(tempDir(), 'f.db'));
    s.saveDiagnosis(null, '-', job('A-B-JOB1-9'), 1, diag('r1', { count: 1 }));
    expect(rows(s, 'SELECT count FROM diagnoses')).toEqual([{ count: 1 }]);
    s.saveJob(null, '-', job('A-B-JOB1-9'), 1, [diag('r1', { count: 4 })]);
    expect(rows(s, 'SELECT count FROM diagnoses')).toEqual([{ count: 4 }]);
    s.close();
  });
});

describe('a partial reading of a stored build', () => {
  it('does not replace a build read to its end, and says so', () => {
    const s = new Store(join(tempDir(), 'g.db'));
    const full = job('A-B-JOB1-1');
    full.finished = true;
    expect(s.saveJob(null, 'full.log', full, 0, [diag('r1'), diag('r2')])).toBe(true);
    const cut = job('A-B-JOB1-1');
    cut.state = 'unknown';
    expect(s.saveJob(null, 'cut.log', cut, 0, [])).toBe(false);
    expect(s.saveDiagnosis(null, 'cut.log', cut, 0, diag('r3'))).toBe(false);
    expect(s.keptComplete).toBe(1);
    expect(rows(s, 'SELECT state, source_path, finished FROM builds')).toEqual([{ state: 'failed', source_path: 'full.log', finished: 1 }]);
    expect(s.counts().diagnoses).toBe(2);
    const again = job('A-B-JOB1-1');
    again.finished = true;
    expect(s.saveJob(null, 'again.log', again, 0, [diag('r1')])).toBe(true);
    expect(s.counts().diagnoses).toBe(1);
    s.close();
  });
});
