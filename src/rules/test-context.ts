// The job-context fields a rule's scenario test may set (what its log does not show), and how each is set.

import type { AgentOs, AgentType, JobContext, RunnerKind } from '../model.js';
import { CONDITION_FIELDS } from './schema.js';

type Setter = (ctx: JobContext, value: string | boolean) => void;

const text = (v: string | boolean): string => String(v);

/** Keyed like the fix placeholders and the scenario conditions, so a test reads like the rule it tests. */
const SETTERS: Record<string, Setter> = {
  'agent.type': (c, v) => void (c.agent.type = v as AgentType),
  'agent.os': (c, v) => void (c.agent.os = v as AgentOs),
  'agent.container': (c, v) => void (c.agent.container = v as boolean),
  'agent.service': (c, v) => void (c.agent.service = v as boolean),
  'runner.kind': (c, v) => void (c.runner.kind = v as RunnerKind),
  'agent.name': (c, v) => void (c.agent.name = text(v)),
  'agent.home': (c, v) => void (c.agent.home = text(v)),
  'agent.installDir': (c, v) => void (c.agentHomeDir = text(v)),
  'runner.image': (c, v) => void (c.runner.image = text(v)),
  'bamboo.version': (c, v) => void (c.bambooVersion = text(v)),
  workingDirectory: (c, v) => void (c.workingDirectory = text(v)),
};

export const TEST_CONTEXT_FIELDS = Object.keys(SETTERS);

/** Why a test's context entry cannot be set (unknown field, a value the condition field never takes), or null. */
export function testContextProblem(field: string, value: string | boolean): string | null {
  if (!(field in SETTERS)) return `unknown field; use one of ${TEST_CONTEXT_FIELDS.join(', ')}`;
  const allowed = (CONDITION_FIELDS as Record<string, readonly (string | boolean)[]>)[field];
  if (allowed && !allowed.includes(value)) return `'${value}' is not one of ${allowed.join(', ')}`;
  if (!allowed && typeof value !== 'string') return 'must be a text';
  return null;
}

/** Sets the given fields on a job context (checked when the rule was loaded). */
export function applyTestContext(ctx: JobContext, fields: Record<string, string | boolean>): void {
  for (const [field, value] of Object.entries(fields)) SETTERS[field](ctx, value);
}
