// Windows agents through the real CLI: agent.os in the output and the database, and Windows fixes without sudo or df -h.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ndjson, ROOT, runCli, tempDir } from '../helpers/cli.js';

const VARIANTS = join(ROOT, 'test', 'fixtures', 'variants');
const WINDOWS_LOG = join(VARIANTS, 'windows-agent-crlf.log');
const AGENT_LOG = join(VARIANTS, 'atlassian-bamboo-windows-agent.log');
const LINUX_ONLY = /\bsudo\b|df -h|rm -rf|bash -c|systemctl/;
const tmp = tempDir();

async function analyze(...args: string[]) {
  const r = await runCli(['analyze', ...args, '--no-db', '--format', 'ndjson']);
  return { ...r, out: ndjson(r.stdout) };
}

describe('a Windows agent through the real CLI', () => {
  it('windows-agent-crlf.log: disk-full takes the windows-agent scenario, with PowerShell steps on D:\\', async () => {
    const r = await analyze(WINDOWS_LOG);
    expect(r.code, r.stderr).toBe(1);
    const disk = r.out.find((d) => d.rule === 'disk-full')!;
    expect(disk).toMatchObject({
      severity: 'error', scenario: 'windows-agent', agent: { name: 'WIN-BUILD-07', os: 'windows' },
      captures: { path: 'D:\\bamboo-agent-home\\xml-data\\build-dir\\ACME-INST-WIN\\out\\AcmeDesktop-5.2.0.msi' },
    });
    expect(disk.fix).toContain('Get-PSDrive -PSProvider FileSystem');
    expect(disk.fix).toContain('Remove-Item -Recurse -Force "D:\\bamboo-agent-home\\xml-data\\build-dir\\*"');
    expect(disk.fix).not.toMatch(LINUX_ONLY);
    expect(disk.fix).not.toContain('/xml-data');
  });

  it('the folded exit code gets the Windows fix too: no sudo -u bamboo -H bash -c with a D:\\ path', async () => {
    const exit = (await analyze(WINDOWS_LOG)).out.find((d) => d.rule === 'task-nonzero-exit')!;
    expect(exit).toMatchObject({ severity: 'info', scenario: 'windows-agent' });
    expect(exit.fix).toContain('Set-Location "D:\\bamboo-agent-home\\xml-data\\build-dir\\ACME-INST-WIN"');
    expect(exit.fix).not.toMatch(LINUX_ONLY);
  });

  it('a command cmd.exe cannot find: executable-not-found with where.exe, and the text output names the OS', async () => {
    const log = join(tmp, 'msbuild-missing.log');
    const failing = "error\t12-Jan-2026 14:03:55\t'msbuild' is not recognized as an internal or external command,\r\nerror\t12-Jan-2026 14:03:55\toperable program or batch file.\r\n";
    const text = readFileSync(WINDOWS_LOG, 'utf8').replace(/^error\t.*\r\n/gm, '').replace(/(^simple\t[^\t]+\tFailing task)/m, `${failing}$1`);
    writeFileSync(log, text.replace(' was 1 while expected 0', ' was 9009 while expected 0'));
    const d = (await analyze(log)).out.find((o) => o.rule === 'executable-not-found')!;
    expect(d).toMatchObject({ scenario: 'windows-agent', captures: { program: 'msbuild' } });
    expect(d.fix).toContain('where.exe msbuild');
    expect(d.fix).not.toMatch(LINUX_ONLY);
    const asText = await runCli(['analyze', log, '--no-db']);
    expect(asText.stdout).toContain('  agent     WIN-BUILD-07 (remote, windows)');
    expect(asText.stdout).toContain('  scenario  windows-agent');
  });

  it("a Windows agent's own log: agent.os from 'Remote Agent Home: D:\\bamboo-agent-home', and the Windows heartbeat fix", async () => {
    const d = (await analyze(AGENT_LOG)).out.find((o) => o.rule === 'agent-heartbeat-timeout')!;
    expect(d).toMatchObject({ scenario: 'windows-agent', agent: { name: 'WIN-BUILD-07', os: 'windows' } });
    expect(d.fix).toContain('Test-NetConnection <Bamboo server> -Port 54663');
    expect(d.fix).not.toMatch(/free -m|dmesg|telnet/);
  });

  it('a Linux agent keeps its fix and says linux', async () => {
    const d = (await analyze(join(ROOT, 'samples', 'agent-environment.log'))).out.find((o) => o.rule === 'docker-pull-access-denied')!;
    expect(d).toMatchObject({ scenario: 'agent-environment', agent: { os: 'linux' } });
  });

  it('stores agent_os with the build, and show gives it back', async () => {
    const db = join(tmp, 'windows.db');
    expect((await runCli(['analyze', WINDOWS_LOG, '--db', db, '--format', 'ndjson'])).code).toBe(1);
    const conn = new Database(db, { readonly: true });
    const row = conn.prepare("SELECT agent_os FROM builds WHERE build_key = 'ACME-INST-WIN-412'").get();
    conn.close();
    expect(row).toEqual({ agent_os: 'windows' });
    const show = await runCli(['show', 'ACME-INST-WIN-412', '--db', db, '--format', 'json']);
    expect(show.code, show.stderr).toBe(0);
    const shown = JSON.parse(show.stdout) as Record<string, any>[];
    expect(shown.find((d) => d.rule === 'disk-full')).toMatchObject({ scenario: 'windows-agent', agent: { os: 'windows' } });
  });
});
