// Cause lines through the real analyzer and rules: which lines explain a failed task, in which order, and when none.
import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../src/model.js';
import { SourceAnalyzer, type JobSummary } from '../../src/diagnose/analyzer.js';
import { parseEnvelope } from '../../src/parse/envelope.js';
import { loadRuleSet } from '../../src/rules/rule-set.js';
import { signatureOf, templateOf } from '../../src/diagnose/signature.js';
import type { Baseline } from '../../src/diagnose/job-causes.js';
import { bambooLog, type BuildSpec } from '../helpers/bamboo-log.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze as analyzeFiles } from '../../src/analyze.js';
import { tempDir } from '../helpers/cli.js';

const ruleSet = loadRuleSet();

function analyze(spec: BuildSpec, baseline?: Baseline): { diagnoses: Diagnosis[]; jobs: JobSummary[] } {
  const diagnoses: Diagnosis[] = [];
  const jobs: JobSummary[] = [];
  const a = new SourceAnalyzer('t.log', ruleSet, [{ diagnosis: (d) => void diagnoses.push(d), jobEnd: (j) => void jobs.push(j) }], { baseline });
  bambooLog(spec)
    .trimEnd()
    .split('\n')
    .forEach((l, i) => a.line(parseEnvelope(l, i + 1)));
  a.end();
  return { diagnoses, jobs };
}

// GENERATED tool output (Terraform's wording of a held state lock), not from a real build.
const TERRAFORM: BuildSpec = {
  key: 'INFRA-NET-PLAN-41',
  tasks: [
    { name: 'Checkout', lines: ['Updated source code to revision 7c2fc07'] },
    { name: 'Lint', lines: [['error', 'npm WARN deprecated inflight@1.0.6: leaks memory'], 'error: this line is in a task that passed'] },
    {
      name: 'Terraform plan',
      lines: [
        ['error', '+ terraform init -input=false'],
        'Initializing the backend...',
        ['error', '+ terraform plan -out=tfplan -input=false'],
        ['error', 'Acquiring state lock. This may take a few moments...'],
        ['error', '╷'],
        ['error', '│ Error: Error acquiring the state lock'],
        ['error', '│ Error message: ConditionalCheckFailedException: The conditional request failed'],
        ['error', '│ Lock Info:'],
        ['error', '│   ID:        1d3a44b0-2bd6-5b38-0c4e-2f8f2e0f1a6c'],
        ['error', '│ Terraform acquires a state lock to protect the state from being written'],
        ['error', '╵'],
        'make: *** [Makefile:14: plan] Error 1',
      ],
      exit: 2,
    },
  ],
};

describe('cause lines of a failed task', () => {
  it('task-nonzero-exit carries the real error first, then the others by specificity, noise left out', () => {
    const { diagnoses } = analyze(TERRAFORM);
    const exit = diagnoses.find((d) => d.rule === 'task-nonzero-exit')!;
    expect(exit.severity).toBe('error');
    const texts = exit.cause!.map((c) => c.text);
    expect(texts[0]).toBe('│ Error: Error acquiring the state lock');
    expect(texts).toContain('│ Error message: ConditionalCheckFailedException: The conditional request failed');
    expect(texts.at(-1)).toBe('make: *** [Makefile:14: plan] Error 1');
    expect(texts.join('\n')).not.toMatch(/\+ terraform|npm WARN|task that passed/);
    expect(exit.cause![0].line).toBe(18);
    expect(exit.signature).toBe(signatureOf(templateOf('│ Error: Error acquiring the state lock')));
    expect(exit.fix).toContain('It most likely failed on: │ Error: Error acquiring the state lock');
  });

  it('ranks a line seen in successful builds of the job last and says so', () => {
    const green = new Set([signatureOf(templateOf('│ Error: Error acquiring the state lock'))]);
    const asked: string[] = [];
    const { diagnoses } = analyze(TERRAFORM, (plan, job) => (asked.push(`${plan} ${job}`), green));
    const cause = diagnoses.find((d) => d.rule === 'task-nonzero-exit')!.cause!;
    expect(asked).toEqual(['INFRA-NET PLAN']);
    expect(cause[0].text).toBe('│ Error message: ConditionalCheckFailedException: The conditional request failed');
    expect(cause.at(-1)).toEqual({ line: 18, text: '│ Error: Error acquiring the state lock', seenInGreen: true });
  });

  it('keeps one line per template, two stack frames at most, five lines at most', () => {
    const frames = Array.from({ length: 6 }, (_, i) => `\tat com.acme.orders.ExceptionMapper.map${i}(ExceptionMapper.java:${40 + i})`);
    const repeats = Array.from({ length: 4 }, (_, i) => `[ERROR] OrderServiceTest.total:${30 + i} expected:<${i}> but was:<${i + 1}>`);
    const { diagnoses } = analyze({
      key: 'SHOP-ORD-JOB1-7',
      tasks: [{ name: 'Test', lines: [...repeats, 'java.lang.IllegalStateException: cart is empty', ...frames, 'Caused by: java.io.IOException: disk quota', 'npm ERR! code ELIFECYCLE'], exit: 1 }],
    });
    const cause = diagnoses.find((d) => d.rule === 'task-nonzero-exit')!.cause!;
    expect(cause).toHaveLength(5);
    expect(cause.filter((c) => c.text.includes('OrderServiceTest')).length).toBe(1);
    expect(cause.filter((c) => c.text.startsWith('\tat ') || c.text.startsWith('at ')).length).toBeLessThanOrEqual(2);
    expect(cause.slice(0, 2).map((c) => c.text).sort()).toEqual(['Caused by: java.io.IOException: disk quota', 'java.lang.IllegalStateException: cart is empty']);
  });

  it('masks a secret in a cause line, as in evidence, and templates the masked text', () => {
    const { diagnoses, jobs } = analyze({
      key: 'SHOP-REL-JOB1-4',
      tasks: [{ name: 'Publish', lines: [['error', 'Error: deploy refused for https://deployer:Xk9fQ2mL7pZ4@nexus.acme.example/repo']], exit: 1 }],
    });
    const d = diagnoses.find((x) => x.rule === 'task-nonzero-exit')!;
    expect(d.cause![0].text).toBe('Error: deploy refused for https://deployer:********@nexus.acme.example/repo');
    expect(JSON.stringify([d, jobs[0].ctx])).not.toContain('Xk9fQ2mL7pZ4');
    expect(d.causePool!.every((c) => !c.text.includes('Xk9fQ2mL7pZ4') && !c.template.includes('Xk9fQ2mL7pZ4'))).toBe(true);
  });

  it('puts the nearer of two equally telling lines first', () => {
    const far = 'Error: connect ECONNRESET 10.0.3.14:5432';
    const near = 'Error: relation "orders" does not exist';
    const filler = Array.from({ length: 60 }, (_, i) => `migrating step ${i}`);
    const { diagnoses } = analyze({ key: 'SHOP-DB-JOB1-3', tasks: [{ name: 'Migrate', lines: [far, ...filler, near], exit: 1 }] });
    expect(diagnoses.find((d) => d.rule === 'task-nonzero-exit')!.cause!.map((c) => c.text)).toEqual([near, far]);
  });
});

describe('a failed task whose output holds no error-like line', () => {
  it('takes its last lines (not Bamboo\'s, not a set -x trace, not the task before) as cause lines, read back from a .log', async () => {
    const dir = tempDir();
    const file = join(dir, 'smoke.log');
    writeFileSync(
      file,
      bambooLog({
        key: 'SHOP-ORD-JOB1-9',
        tasks: [
          { name: 'Build', lines: ['compiled 12 modules'] },
          { name: 'Smoke', lines: [['error', '+ ./smoke.sh https://staging.acme.example'], 'checking /health ... 200', 'checking /orders ... 503', 'Smoke test did not pass: 1 of 2 endpoints unhealthy'], exit: 3 },
        ],
      }),
    );
    const result = await analyzeFiles({ paths: [file], ruleSet, store: null, sinks: [] });
    const exit = result.diagnoses.find((d) => d.rule === 'task-nonzero-exit')!;
    expect(exit.cause).toEqual([
      { line: 12, text: 'Smoke test did not pass: 1 of 2 endpoints unhealthy' },
      { line: 11, text: 'checking /orders ... 503' },
    ]);
  });
});

describe('a failed build no rule explains, and a successful one', () => {
  it('a task that failed with no exit-code line gets unexplained-failure with its cause lines', () => {
    const { diagnoses } = analyze({
      key: 'OPS-DEPLOY-JOB1-12',
      tasks: [{ name: 'Deploy', lines: ['TASK [app : restart service] ***', 'fatal: [web-01]: FAILED! => {"changed": false, "msg": "Unable to start service acme-api"}'], exit: null }],
    });
    expect(diagnoses).toHaveLength(1);
    const d = diagnoses[0];
    expect(d).toMatchObject({ rule: 'unexplained-failure', severity: 'error', scenario: 'task', task: { name: 'Deploy' } });
    expect(d.cause![0].text).toMatch(/^fatal: \[web-01\]: FAILED!/);
    expect(d.line).toBe(d.cause![0].line);
    expect(d.fix).toContain('bamboo-doctor rules draft OPS-DEPLOY-JOB1-12');
  });

  it('a successful build has no cause lines, and hands its error-like templates on as the baseline', () => {
    const { diagnoses, jobs } = analyze({ key: 'SHOP-ORD-JOB1-8', tasks: [{ name: 'Test', lines: ['06:42:04.318 [main] ERROR com.acme.GlobalErrorHandler -- 500 on POST /orders (expected by test)'] }] });
    expect(diagnoses.every((d) => d.cause === undefined)).toBe(true);
    expect([...jobs[0].green!.values()].map((g) => g.template)).toEqual(['<TIME> [main] ERROR com.acme.GlobalErrorHandler -- <NUM> on POST <PATH> (expected by test)']);
  });
});
