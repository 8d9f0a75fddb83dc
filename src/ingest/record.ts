// One line of `analyze --format ndjson` read back: checked against the output contract, turned into a diagnosis
// and the job context it carries.

import type { z as Z } from 'zod';
import { lazily } from '../lazy.js';
import { AGENT_OSES, AGENT_TYPES, BUILD_STATES, RUNNER_KINDS, SEVERITIES, emptyContext, type Diagnosis, type JobContext } from '../model.js';

/**
 * The fields DESIGN.md's output contract gives a diagnosis. Loose: a later version's fields, or what a log
 * shipper adds beside them, are let through and ignored. `agent.os` came later than the rest: absent is unknown.
 */
const recordShape = lazily((z) => {
  const text = z.string();
  const maybe = <T extends Z.ZodType>(t: T) => t.nullable();
  const volume = z.object({ host: text, container: text });
  return z.looseObject({
    rule: text.min(1),
    title: text,
    severity: z.enum(SEVERITIES),
    category: text,
    scenario: text.min(1),
    candidates: z.array(text).optional(),
    build: maybe(text.min(1)),
    plan: maybe(text),
    job: maybe(text),
    number: maybe(z.number().int()),
    state: z.enum(BUILD_STATES).optional(),
    agent: z.object({
      name: maybe(text),
      type: z.enum(AGENT_TYPES),
      container: maybe(z.boolean()),
      service: maybe(z.boolean()),
      home: maybe(text),
      os: z.enum(AGENT_OSES).default('unknown'),
    }),
    runner: z.object({ kind: z.enum(RUNNER_KINDS), image: maybe(text), volumes: z.array(volume) }),
    task: maybe(z.object({ name: text, type: maybe(text) })),
    source: text.min(1),
    line: z.number().int().nonnegative(),
    time: maybe(text.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/, 'expected a local ISO time')),
    evidence: z.array(text),
    captures: z.record(text, text),
    count: z.number().int().positive(),
    cause: z.array(z.object({ line: z.number().int().nonnegative(), text, seenInGreen: z.literal(true).optional() })).optional(),
    signature: text.min(1).optional(),
    fix: text,
    note: text.optional(),
    ruleVersion: text.min(1),
  });
});

export type ParsedRecord = { diagnosis: Diagnosis; ctx: JobContext };

/** Why a line is not a diagnosis: what was expected, naming the field. */
export class RecordError extends Error {
  override name = 'RecordError';
}

/**
 * Reads one NDJSON line. The build row is made from what each record repeats of its job (build key, state, agent,
 * runner); what the contract does not carry (when it started, whether its log was read to the end) stays unknown,
 * and so does the state of a record of an older version, so a build also stored from its log keeps what that
 * reading knew. Whether a rule is a
 * catch-all (it does not explain a failure) is not printed either: `isGeneric` knows it from the rules loaded.
 */
export function parseRecord(line: string, isGeneric: (rule: string) => boolean = () => false): ParsedRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new RecordError(`not JSON (${(err as Error).message}): expected one diagnosis object a line, as analyze --format ndjson prints`);
  }
  const parsed = recordShape().safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length ? `${issue.path.join('.')}: ` : '';
    throw new RecordError(`${field}${issue.message} (expected a diagnosis as analyze --format ndjson prints it)`);
  }
  const r = parsed.data;
  const diagnosis: Diagnosis = {
    rule: r.rule,
    title: r.title,
    severity: r.severity,
    category: r.category,
    scenario: r.scenario,
    ...(r.candidates ? { candidates: r.candidates } : {}),
    build: r.build,
    plan: r.plan,
    job: r.job,
    number: r.number,
    ...(r.state ? { state: r.state } : {}),
    agent: r.agent,
    runner: r.runner,
    task: r.task,
    source: r.source,
    line: r.line,
    time: r.time,
    evidence: r.evidence,
    captures: r.captures,
    count: r.count,
    fix: r.fix,
    ruleVersion: r.ruleVersion,
    ...(r.note ? { note: r.note } : {}),
    ...(r.cause ? { cause: r.cause } : {}),
    ...(r.signature ? { signature: r.signature } : {}),
    generic: isGeneric(r.rule),
  };
  const ctx = emptyContext();
  Object.assign(ctx, { build: r.build, plan: r.plan, job: r.job, number: r.number, agent: r.agent, state: r.state ?? 'unknown' });
  ctx.runner = { ...r.runner, arguments: [] };
  return { diagnosis, ctx };
}
