// The built-in rule `unexplained-failure`: a failed build that no rule explains still gets a diagnosis, with its cause lines.

import { createHash } from 'node:crypto';
import type { Rule } from './load.js';
import type { ScenarioDef } from './schema.js';

export const UNEXPLAINED_FAILURE_ID = 'unexplained-failure';

const DRAFT_HINT =
  'When this failure comes back, make it a rule: bamboo-doctor rules draft {{build|<build key>}} --out my-rules/\n' +
  '(then edit the fix, and run with --rules my-rules/).';

const SCENARIOS: ScenarioDef[] = [
  {
    id: 'setup',
    title: 'The job failed before its tasks ran',
    when: { phase: 'setup' },
    tell: 'no task failed; the failure came before "Executing build" (Docker Runner start, working directory, capabilities)',
    fix:
      'Bamboo failed the job while setting it up on {{agent.name|the agent}}, before any task ran, and no rule knows\n' +
      'this failure. The lines under "cause" are the most likely reason: {{cause|no error line was found in the log}}.\n' +
      'Set-up failures come from the agent or the runner, not from the code: the Docker Runner image or its volumes,\n' +
      'the working directory, a capability the job requires.\n' +
      DRAFT_HINT,
  },
  {
    id: 'task',
    title: 'A task failed and no rule knows why',
    when: { phase: 'task' },
    tell: 'a task ended with result Failed but printed no exit code line',
    fix:
      'Task {{task.name|<task>}} failed on {{agent.name|the agent}} and no rule knows this failure. Its most telling\n' +
      'line: {{cause|no error line was found in the task output}}.\n' +
      DRAFT_HINT,
  },
  {
    id: 'unknown',
    title: 'The build failed and no rule knows why',
    when: {},
    fix:
      'The build failed and no rule knows this failure. Its most telling line: {{cause|no error line was found in the log}}.\n' +
      DRAFT_HINT,
  },
];

/**
 * Defined in code, not in rules/: it matches no line; a job that ended failed with no error diagnosis raises it
 * (src/diagnose/analyzer.ts, at the end of a failed job). Generic: it never counts as an explanation. Its version hashes its own definition,
 * so `reanalyze` replaces its rows when the text changes.
 */
export const UNEXPLAINED_FAILURE: Rule = {
  id: UNEXPLAINED_FAILURE_ID,
  title: 'The build failed and no rule knows why',
  severity: 'error',
  category: 'bamboo',
  description: 'A failed build with no error diagnosis: its cause lines, and the way to turn them into a rule.',
  generic: true,
  consequenceOf: [],
  severityByCapture: {},
  version: createHash('sha256').update(JSON.stringify(SCENARIOS)).digest('hex').slice(0, 12),
  file: '(built in)',
  steps: [],
  unless: [],
  anyOrder: false,
  scenarios: SCENARIOS,
  references: [],
  tests: { match: [], 'no-match': [] },
  captureNames: [],
};
