// A reader that closes the pipe early (`bamboo-doctor … | head -3`) is not an error.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';

describe('stdout closed early', () => {
  it('exits without an EPIPE stack trace', async () => {
    const child = spawn(process.execPath, [BIN, 'analyze', 'samples', '--no-db'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b));
    const first = await new Promise<string>((done) => child.stdout.once('data', (b: Buffer) => done(b.toString())));
    child.stdout.destroy();
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(first).toContain('[docker-pull-access-denied]');
    expect(stderr).not.toMatch(/EPIPE|Error:/);
    expect([0, 1]).toContain(code);
  });
});
