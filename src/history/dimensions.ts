// The `--by` dimensions of a history query and the SQL expression each groups diagnoses by.

import { UsageError } from '../errors.js';

const EXPRESSIONS = {
  rule: 'rule',
  plan: 'plan',
  // A job id (JOB1) only means something within its plan: group by the job key PLAN-JOB.
  job: "CASE WHEN plan IS NOT NULL AND job IS NOT NULL THEN plan || '-' || job ELSE job END",
  agent: 'agent_name',
  'agent-type': 'agent_type',
  runner: 'runner_kind',
  scenario: 'scenario',
  /** The failure signature of the diagnosis's cause lines (alone, `history --by signature` groups failed builds). */
  signature: 'signature',
  day: 'substr(at, 1, 10)',
  week: "strftime('%G-W%V', at)",
} as const;

export type Dimension = keyof typeof EXPRESSIONS;

export const DIMENSIONS = Object.keys(EXPRESSIONS) as Dimension[];

export const expressionOf = (d: Dimension): string => EXPRESSIONS[d];

export const isTime = (d: Dimension): d is 'day' | 'week' => d === 'day' || d === 'week';

/** `rule`, `rule,agent` or `['rule', 'agent']` → one or two dimensions. */
export function parseBy(spec: string | string[]): Dimension[] {
  const names = (Array.isArray(spec) ? spec : [spec]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  if (names.length === 0 || names.length > 2) {
    throw new UsageError(`--by ${names.join(',')}: expected one or two of ${DIMENSIONS.join(', ')} (e.g. --by rule,agent)`);
  }
  for (const n of names) {
    if (!(n in EXPRESSIONS)) throw new UsageError(`--by ${n}: expected one of ${DIMENSIONS.join(', ')}`);
  }
  if (names[0] === names[1]) throw new UsageError(`--by ${names.join(',')}: name two different dimensions`);
  return names as Dimension[];
}
