// The shape of a rule file (rules/<id>.yaml), checked once when the rules are loaded.

import type { z as Z } from 'zod';
import { lazily } from '../lazy.js';
import { AGENT_OSES, AGENT_TYPES, RUNNER_KINDS, SEVERITIES } from '../model.js';

/** Context fields a scenario may test, and the values each may take. */
export const CONDITION_FIELDS = {
  'agent.type': AGENT_TYPES,
  /**
   * The agent runs in a container started with `docker run` (fixes: docker exec, recreate the container). An agent
   * in a Kubernetes pod is not one of these, whatever the output's `agent.container` says: see `agent.kubernetes`.
   */
  'agent.container': [true, false],
  /** The agent runs in a Kubernetes pod (ephemeral agents; fixes edit the pod template). */
  'agent.kubernetes': [true, false],
  'agent.service': [true, false],
  /** The agent host's OS, from the paths in the log (src/context/agent-os.ts); `unknown` leaves a scenario open. */
  'agent.os': AGENT_OSES,
  'runner.kind': RUNNER_KINDS,
  /** Where in the job the evidence came: Bamboo's set-up (before "Executing build"), a task, or after them. */
  phase: ['setup', 'task', 'build', 'unknown'],
} as const;

/**
 * Built on first use: zod is only loaded when a rule file has to be read (not when its compiled form is
 * cached), which keeps it off the start-up of every run.
 */
function buildSchema(z: typeof Z) {
  const conditionValue = z.union([z.string(), z.boolean(), z.array(z.union([z.string(), z.boolean()])).min(1)]);

  const step = z
    .object({
      keywords: z.array(z.string().min(3)).min(1),
      patterns: z.array(z.string().min(1)).min(1),
      /** How many lines after the previous step's line this step may come. */
      within: z.number().int().min(1).max(500).default(5),
    })
    .strict();

  const scenario = z
    .object({
      id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'kebab-case id'),
      title: z.string().min(1),
      when: z.record(z.string(), conditionValue).default({}),
      /** What in a log shows that this scenario applies (listed when the log cannot tell scenarios apart). */
      tell: z.string().min(1).optional(),
      fix: z.string().min(1),
    })
    .strict();

  const matchTest = z
    .object({
      line: z.string().optional(),
      lines: z.array(z.string()).min(1).optional(),
      captures: z.record(z.string(), z.string()).optional(),
    })
    .strict()
    .refine((t) => (t.line === undefined) !== (t.lines === undefined), 'give either `line` or `lines`');

  const noMatchTest = z.union([z.string(), z.object({ lines: z.array(z.string()).min(1) }).strict()]);

  /** A log (or its lines) run through the analyzer with this rule: the scenario it must pick and words its fix must hold. */
  const scenarioTest = z
    .object({
      log: z.string().min(1).optional(),
      lines: z.array(z.string()).min(1).optional(),
      /** What the log itself does not show about where the job ran (set on the job context before the diagnosis). */
      context: z.record(z.string(), z.union([z.string(), z.boolean()])).default({}),
      expect: z
        .object({
          scenario: z.string().min(1),
          /** With scenario `undetermined`: scenarios that must be among the candidates the log cannot tell apart, in this order. */
          candidates: z.array(z.string().min(1)).min(2).optional(),
          'fix-includes': z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
          'fix-excludes': z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
        })
        .strict(),
    })
    .strict()
    .refine((t) => (t.log === undefined) !== (t.lines === undefined), 'give either `log` or `lines`');

  const ruleFileSchema = z
    .object({
      id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'kebab-case id'),
      title: z.string().min(1),
      severity: z.enum(SEVERITIES),
      category: z.string().min(1),
      description: z.string().optional(),
      /** A catch-all rule (e.g. a non-zero exit) that yields to a specific rule explaining the same task. */
      generic: z.boolean().default(false),
      /**
       * Rules whose failure, in the same task or an earlier one of the job, this failure follows from (a JUnit
       * parser that finds no tests after a compile error): the diagnosis is then lowered and linked to it.
       */
      'consequence-of': z.array(z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'kebab-case rule id')).default([]),
      /** A severity that a capture, when the evidence has it, sets instead of `severity` (`required: error`). */
      'severity-by-capture': z.record(z.string(), z.enum(['error', 'warning', 'info'])).default({}),
      /** Regex flags for every pattern of the rule (XRegExp flags: i, s, x, n, u). */
      flags: z.string().regex(/^[isxnu]*$/, 'only the flags i, s, x, n, u').default(''),
      keywords: z.array(z.string().min(3)).min(1),
      patterns: z.array(z.string().min(1)).min(1),
      /** Patterns that veto a match on the same line (a test writing to /dev/full is not a full disk). */
      unless: z.array(z.string().min(1)).default([]),
      'followed-by': z.array(step).optional(),
    /**
     * With one `followed-by` step: the two lines may come in either order within the window (a tool's stdout and
     * stderr reach Bamboo's log out of order).
     */
    'any-order': z.boolean().default(false),
      scenarios: z.array(scenario).min(1),
      references: z.array(z.string().min(1)).default([]),
      tests: z
        .object({
          match: z.array(matchTest).min(1),
          'no-match': z.array(noMatchTest).min(1),
          scenarios: z.array(scenarioTest).optional(),
        })
        .strict(),
    })
    .strict();
  return { ruleFileSchema, scenario, scenarioTest };
}

const built = lazily(buildSchema);

export function ruleFileSchema(): ReturnType<typeof buildSchema>['ruleFileSchema'] {
  return built().ruleFileSchema;
}

export type RuleFile = Z.infer<ReturnType<typeof buildSchema>['ruleFileSchema']>;
export type ScenarioDef = Z.infer<ReturnType<typeof buildSchema>['scenario']>;
export type ScenarioTest = Z.infer<ReturnType<typeof buildSchema>['scenarioTest']>;
