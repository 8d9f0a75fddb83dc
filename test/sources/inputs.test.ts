import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandInputs } from '../../src/sources/inputs.js';
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
