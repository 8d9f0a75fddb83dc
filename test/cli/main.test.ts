// main() in-process: yargs' own output (--help, --version) goes to the Io's stdout, a usage error is one line and exit 2.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

describe('main', () => {
  it('prints --help and --version on the stdout it is given, exit 0', async () => {
    const help = await runCli(['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^bamboo-doctor <command> \[options\]\n/);
    expect(help.stdout).toContain('bamboo-doctor analyze [paths..]');
    const version = await runCli(['--version']);
    expect(version).toEqual({ code: 0, stdout: `${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`, stderr: '' });
  });

  it('names an unknown argument and a missing command in one line, exit 2', async () => {
    expect(await runCli(['analyze', '--bogus', 'x'])).toEqual({ code: 2, stdout: '', stderr: 'bamboo-doctor: Unknown argument: bogus\n' });
    const none = await runCli([]);
    expect(none).toMatchObject({ code: 2, stdout: '' });
    expect(none.stderr).toMatch(/^bamboo-doctor: name a command: analyze, rules, history, .*\n$/);
  });
});
