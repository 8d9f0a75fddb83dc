// --max-line-bytes takes a positive whole number: anything else is a usage error (exit 2), not a silent reading of nothing.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';

const LOG = join(ROOT, 'samples', 'agent-environment.log');

describe('--max-line-bytes', () => {
  it.each(['0', '-5', 'abc', '1.5'])('%s is a usage error naming the option', async (value) => {
    const r = await runCli(['analyze', LOG, '--no-db', '--max-line-bytes', value]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--max-line-bytes');
    expect(r.stderr).not.toContain('internal error');
  });

  it('a positive value still reads the log', async () => {
    const r = await runCli(['analyze', LOG, '--no-db', '--format', 'ndjson', '--max-line-bytes', '4096']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('"rule"');
  });

  it('reanalyze refuses it the same way', async () => {
    const r = await runCli(['reanalyze', '--db', join(tempDir(), 'x.db'), '--max-line-bytes', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--max-line-bytes');
  });
});
