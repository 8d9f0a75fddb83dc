import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandInputs, openStream } from '../../src/sources/inputs.js';
import { tempDir } from '../helpers/cli.js';

describe('expandInputs on a folder', () => {
  it('reads logs, exports, rotated agent logs and files without an ending; passes over notes, databases, hidden files', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'agent'));
    const files = ['build.log', 'export.json', 'job.log.gz', 'agent/atlassian-bamboo.log', 'agent/atlassian-bamboo.log.1', 'agent/wrapper.log.12', 'PROJ-PLAN-JOB1-7'];
    for (const f of [...files, 'notes.md', 'bamboo-doctor.db', '.hidden.log', 'agent/atlassian-bamboo.log.bak']) writeFileSync(join(dir, f), 'x');
    const names = expandInputs([dir]).map((i) => i.name.slice(dir.length + 1));
    expect(names.sort()).toEqual(files.sort());
  });
});

describe('openStream', () => {
  it('judges an input from its first 64 KB however it is chunked (a stray control byte in 16-byte chunks is not binary)', async () => {
    const bytes = Buffer.concat([Buffer.from('\u0001\u0002\u0003 log text\n'), Buffer.from('simple\t03-Nov-2025 09:41:07\tBuild working directory is /x\n'.repeat(200))]);
    async function* chunks(size: number) {
      for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
    }
    for (const size of [16, 4096, bytes.length]) expect((await openStream('x.log', chunks(size))).kind, `chunks of ${size}`).toBe('text');
  });
});
