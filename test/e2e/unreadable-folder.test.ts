// A folder with a subfolder that cannot be listed: the subfolder is an input error (exit 2, no stack trace) and
// the folder's other logs are still read. Run as an unprivileged user when the tests run as root (root lists anything).
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, tempDir } from '../helpers/cli.js';

describe('analyze a folder holding an unreadable subfolder', () => {
  it('names the subfolder, reads the rest and exits 2', () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    copyFileSync(join(ROOT, 'samples', 'agent-environment.log'), join(dir, 'a.log'));
    chmodSync(join(dir, 'a.log'), 0o644);
    mkdirSync(join(dir, 'locked'));
    chmodSync(join(dir, 'locked'), 0o000);
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = spawnSync(process.execPath, [BIN, 'analyze', dir, '--no-db', '--format', 'ndjson'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, BAMBOO_DOCTOR_DB: '' },
      ...asUser,
    });
    chmodSync(join(dir, 'locked'), 0o755);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr).toContain(join(dir, 'locked'));
    expect(r.stdout).toContain('"rule"');
    expect(r.status).toBe(2);
  });
});
