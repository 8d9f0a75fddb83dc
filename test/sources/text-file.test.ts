import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SourceAnalyzer, type JobSummary } from '../../src/diagnose/analyzer.js';
import { readLogStream } from '../../src/sources/log-source.js';
import { readLogFile } from '../../src/sources/text-file.js';
import { loadRules } from '../../src/rules/load.js';
import { RuleSet } from '../../src/rules/rule-set.js';
import { tempDir } from '../helpers/cli.js';

const ruleSet = new RuleSet(loadRules());
const dir = tempDir();
const sample = readFileSync('samples/docker-runner-remote-agent.log');

/** Jobs as the analyzer ends them: key, and each diagnosis's rule, line and evidence. */
function collecting(name: string) {
  const jobs: { build: string | null; diagnoses: unknown[][] }[] = [];
  const jobEnd = (j: JobSummary) => jobs.push({ build: j.ctx.build, diagnoses: j.diagnoses.map((d) => [d.rule, d.line, d.evidence]) });
  return { jobs, analyzer: new SourceAnalyzer(name, ruleSet, [{ jobEnd }]) };
}

/** Generated filler, so that the sample's lines fall across the 1 MiB reads at odd places. */
const filler = (bytes: number) => Buffer.from(`build\t07-Dec-2026 10:00:00\t${'x'.repeat(90)}\r\n`.repeat(Math.ceil(bytes / 119)));

describe('readLogFile', () => {
  it('reads a file as the stream reader does: lines across 1 MiB reads, CRLF, a last line without newline', async () => {
    const bytes = Buffer.concat([filler((1 << 20) - 300), sample, filler(1 << 20), sample, Buffer.from('simple\t07-Dec-2026 10:00:01\tno newline at the end')]);
    const path = join(dir, 'big.log');
    writeFileSync(path, bytes);
    const byFile = collecting(path);
    const lines = await readLogFile(path, ruleSet.automaton, byFile.analyzer);
    const byStream = collecting(path);
    const streamLines = await readLogStream(Readable.from([bytes.subarray(0, 70_000), bytes.subarray(70_000)]), ruleSet.automaton, byStream.analyzer);
    expect(lines).toBe(streamLines);
    expect(lines).toBe(bytes.toString('latin1').split('\n').length);
    expect(byFile.jobs.length).toBe(2);
    expect(byFile.jobs[1].diagnoses.length).toBeGreaterThan(0);
    expect(byFile.jobs).toEqual(byStream.jobs);
  });

  it('reads a range with line numbers counted from its start', async () => {
    const head = filler(5000);
    const path = join(dir, 'ranged.log');
    writeFileSync(path, Buffer.concat([head, sample, filler(3000)]));
    const ranged = collecting(path);
    const lines = await readLogFile(path, ruleSet.automaton, ranged.analyzer, { start: head.length, end: head.length + sample.length });
    const whole = collecting(path);
    await readLogStream(Readable.from([sample]), ruleSet.automaton, whole.analyzer);
    expect(lines).toBe(sample.toString('latin1').split('\n').length - 1);
    expect(ranged.jobs).toEqual(whole.jobs);
  });

  it('leaves gzip and JSON to the stream reader, having read nothing', async () => {
    const gz = join(dir, 'a.log.gz');
    writeFileSync(gz, gzipSync(sample));
    const json = join(dir, 'a.json');
    writeFileSync(json, '{"buildResultKey":"A-B-1","logEntries":{"logEntry":[]}}');
    for (const path of [gz, json]) {
      const { jobs, analyzer } = collecting(path);
      expect(await readLogFile(path, ruleSet.automaton, analyzer)).toBeNull();
      analyzer.end();
      expect(jobs).toEqual([]);
    }
  });

  it('names the file when it cannot be opened', async () => {
    const { analyzer } = collecting('gone.log');
    await expect(readLogFile(join(dir, 'gone.log'), ruleSet.automaton, analyzer)).rejects.toThrow(/ENOENT.*gone\.log/);
  });
});
