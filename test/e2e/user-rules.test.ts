// A user's rule cannot hang the tool: exponential patterns refused at load (file and line named) unless allowed,
// and allowed ones bound (RE2 or a time budget), so one line never stalls a batch, --follow, or a stop.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ndjson, runCli, tempDir } from '../helpers/cli.js';
import { runProcess, until } from '../helpers/process.js';

const dir = tempDir();

/** A rule folder holding one rule whose pattern is `pattern` (keyword "boom "). */
function ruleDir(id: string, pattern: string): string {
  const folder = join(dir, id);
  mkdirSync(folder);
  writeFileSync(
    join(folder, `${id}.yaml`),
    `id: ${id}\ntitle: Boom\nseverity: error\ncategory: test\nkeywords:\n  - "boom "\npatterns:\n  - '${pattern}'\n` +
      `scenarios:\n  - id: any\n    title: Any\n    fix: Look at {{tail}}.\ntests:\n  match:\n    - line: "boom aaaa"\n  no-match:\n    - "boom bbbb"\n`,
  );
  return folder;
}

/** Log lines (synthetic) that make a catastrophic pattern backtrack, then one it matches. */
const line = (text: string) => `error\t04-Nov-2025 16:13:54\t${text}\n`;
const evil = (n: number) => line(`boom ${'a'.repeat(n)}b`);

describe('--rules with a catastrophic pattern', () => {
  it.each([
    ['nested-plus', 'boom (?<tail>(a+)+)$'],
    ['words-star', 'boom (?<tail>(\\w+\\s?)*)$'],
    ['overlapping-alternatives', '^boom (?<tail>(a|aa)+)$'],
  ])('%s is refused at load with exit 2, naming the file and line', async (id, pattern) => {
    const rules = ruleDir(id, pattern);
    const log = join(dir, `${id}.log`);
    writeFileSync(log, evil(50));
    const r = await runCli(['analyze', log, '--no-db', '--rules', rules]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(rules, `${id}.yaml`)}:8: patterns.0: `);
    expect(r.stderr).toMatch(/exponential backtracking on a long line.*Refused: .*--allow-slow-rules/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('with --allow-slow-rules runs in linear time (RE2): a 200,000-character line does not hold up the next', async () => {
    const rules = ruleDir('linear', 'boom (?<tail>(a+)+)$');
    const log = join(dir, 'linear.log');
    writeFileSync(log, evil(200_000) + evil(200_000) + line('boom aaaa'));
    const r = await runCli(['analyze', log, '--no-db', '--format', 'ndjson', '--rules', rules, '--allow-slow-rules']);
    expect(r.code).toBe(1);
    expect(ndjson(r.stdout)).toEqual([expect.objectContaining({ rule: 'linear', line: 3, captures: { tail: 'aaaa' }, fix: 'Look at aaaa.' })]);
  });

  it('that RE2 cannot run (a lookahead) is given a time budget a line, then dropped, and named at the end', async () => {
    const rules = ruleDir('budget', 'boom (?!x)(?<tail>(a+)+)$');
    const log = join(dir, 'budget.log');
    writeFileSync(log, evil(40).repeat(10) + line('boom aaaa'));
    const r = await runCli(['analyze', log, '--no-db', '--rules', rules, '--allow-slow-rules']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('rule budget patterns.0: given up on 3 lines after 200 ms each; not tried on the rest of the input');
  });

  it('cannot stall --follow: the line after it is diagnosed, and SIGINT still stops it cleanly', async () => {
    const rules = ruleDir('follow', 'boom (?<tail>(a+)+)$');
    const log = join(dir, 'follow.log');
    writeFileSync(log, evil(300_000));
    const r = await runProcess(['analyze', '--follow', log, '--no-db', '--format', 'ndjson', '--rules', rules, '--allow-slow-rules'], {
      started: (child, output) =>
        void (async () => {
          await until('following', () => output().stderr.includes('following'));
          appendFileSync(log, line('boom aaaa'));
          await until('the diagnosis', () => output().stdout.includes('"rule":"follow"'));
          child.kill('SIGINT');
        })(),
    });
    expect(r.code).toBe(0);
    expect(ndjson(r.stdout)).toEqual([expect.objectContaining({ rule: 'follow', captures: { tail: 'aaaa' } })]);
  });

  it('cannot keep a busy batch from ending on SIGTERM', async () => {
    const rules = ruleDir('busy', 'boom (?<tail>(a+)+)$');
    const logs = join(dir, 'busy-logs');
    mkdirSync(logs);
    // Each file is a few seconds of matching: the run is busy when the signal comes.
    for (let i = 0; i < 20; i++) writeFileSync(join(logs, `b${i}.log`), evil(1_000_000).repeat(3));
    let signalled = 0;
    const r = await runProcess(['analyze', logs, '--no-db', '--rules', rules, '--allow-slow-rules'], {
      started: (child) => void setTimeout(() => ((signalled = Date.now()), child.kill('SIGTERM')), 1500),
    });
    const ended = Date.now() - signalled;
    expect(r.signal ?? r.code).toBe('SIGTERM');
    // Matching goes on a line at a time, a line in linear time: the signal is handled within a line or two.
    expect(ended).toBeLessThan(10_000);
  });
});

describe('rules lint', () => {
  it('is linear in the number of keywords (10,000 keywords in one rule)', async () => {
    const folder = join(dir, 'many');
    mkdirSync(folder);
    const keywords = Array.from({ length: 10_000 }, (_, i) => `  - "keyword-${i} xyz"`).join('\n');
    writeFileSync(
      join(folder, 'many-keywords.yaml'),
      `id: many-keywords\ntitle: Many\nseverity: error\ncategory: test\nkeywords:\n${keywords}\npatterns:\n  - 'keyword-\\d+ xyz'\n` +
        `scenarios:\n  - id: any\n    title: Any\n    fix: Fix it.\ntests:\n  match:\n    - line: "keyword-1 xyz"\n  no-match:\n    - "keyword-x"\n`,
    );
    // Quadratic (a YAML parse per finding) took over 5 minutes here; the test's own timeout is the bound.
    const r = await runCli(['rules', 'lint', '--rules', folder, '--format', 'json'], { env: { BAMBOO_DOCTOR_CACHE: 'off' } });
    expect(r.code).toBe(1);
    const { findings } = JSON.parse(r.stdout);
    expect(findings.filter((f: { check: string }) => f.check === 'keyword')).toHaveLength(9_999);
    expect(findings.find((f: { message: string }) => f.message.startsWith('keywords.9999:')).line).toBe(10_005);
  });
});
