// The hand-off from reading to the sinks: steps run in this thread on each finished job, in input order, before
// the printers and the store, whether one thread reads or workers do (these read dist/pool/worker.js: npm run build).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { SourceAnalyzer } from '../../src/diagnose/analyzer.js';
import type { Diagnosis } from '../../src/model.js';
import { parseEnvelope } from '../../src/parse/envelope.js';
import type { FinishedJob } from '../../src/pool/hand-off.js';
import { readAhead } from '../../src/pool/ahead.js';
import { expandInputs } from '../../src/sources/inputs.js';
import { loadRuleSet } from '../../src/rules/rule-set.js';
import { ROOT, tempDir } from '../helpers/cli.js';
import { fragment, job } from '../helpers/job-logs.js';

const ruleSet = loadRuleSet();

describe('job steps', () => {
  const folder = tempDir('bamboo-doctor-hand-off-');
  beforeAll(() => {
    // ~6 MB in 300 job logs: above what one thread reads alone (4 MiB), and several tasks.
    mkdirSync(join(folder, 'logs'));
    for (let n = 0; n < 300; n++) writeFileSync(join(folder, 'logs', `job-${String(n).padStart(3, '0')}.log`), job(n));
  });

  async function run(jobs: number) {
    const seen: string[] = [];
    const printed: Diagnosis[] = [];
    // A step that needs the whole run (here: the order of jobs) and changes what the sinks get.
    const step = (finished: FinishedJob) => {
      seen.push(finished.summary.ctx.build ?? '?');
      for (const d of finished.summary.diagnoses) d.note = `job ${seen.length} of the run`;
    };
    const result = await analyze({
      paths: [join(folder, 'logs')],
      ruleSet,
      store: null,
      sinks: [{ diagnosis: (d) => void printed.push(d) }],
      jobs,
      jobSteps: [step],
    });
    return { seen, printed, result };
  }

  it('run in input order before the sinks, the same with two workers as with one thread', async () => {
    const one = await run(1);
    const two = await run(2);
    expect(one.seen.length).toBe(300);
    expect(one.seen.slice(0, 2)).toEqual([job(0).match(/\((ACME-WEB-JOB1-1000)\)/)![1], 'BILL-SVC-JOB1-1001']);
    expect(two.seen).toEqual(one.seen);
    expect(one.printed.length).toBeGreaterThan(200);
    expect(one.printed.every((d) => d.note?.startsWith('job '))).toBe(true);
    expect(two.printed).toEqual(one.printed);
    expect(two.result).toEqual(one.result);
  });
});

describe('--jobs with rules of the user', () => {
  it('reads in this thread: their bounded matchers (functions) cannot cross to a worker', async () => {
    const folder = tempDir('bamboo-doctor-hand-off-user-');
    for (let n = 0; n < 300; n++) writeFileSync(join(folder, `job-${n}.log`), job(n));
    const inputs = expandInputs([folder]);
    const builtIn = readAhead(inputs, () => true, { ruleSet, jobs: 2 });
    expect(builtIn).not.toBeNull();
    await builtIn?.close();
    const withUserRules = loadRuleSet([join(ROOT, 'test', 'fixtures', 'rules')]);
    expect(readAhead(inputs, () => true, { ruleSet: withUserRules, jobs: 2 })).toBeNull();
    const run = (jobs: number) => analyze({ paths: [folder], ruleSet: withUserRules, store: null, sinks: [], jobs });
    expect(await run(2)).toEqual(await run(1));
  });
});

describe('SourceAnalyzer.splitsBefore', () => {
  const header = parseEnvelope(job(0).split('\n')[0], 1);
  const read = (text: string) => {
    const analyzer = new SourceAnalyzer('x.log', ruleSet, []);
    text
      .split('\n')
      .filter(Boolean)
      .forEach((raw, i) => {
        const line = parseEnvelope(raw, i + 1);
        if (ruleSet.automaton.collectString(line.text).size) analyzer.line(line);
      });
    return analyzer;
  };

  it('is true where a header would start a job of its own', () => {
    expect(read('').splitsBefore(header)).toBe(true);
    // A whole job, its end read: the next begins afresh. Cut before its end: a header ends it.
    expect(read(job(1)).splitsBefore(header)).toBe(true);
    expect(read(job(1).split('\n').slice(0, 40).join('\n')).splitsBefore(header)).toBe(true);
    // An excerpt with findings and no key is a job of its own.
    expect(read(fragment(3)).splitsBefore(header)).toBe(true);
  });

  it('is false after lines the next job carries on with (an excerpt that only told the agent)', () => {
    expect(read(job(1) + fragment(3, false)).splitsBefore(header)).toBe(false);
  });
});
