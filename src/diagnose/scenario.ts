// Picks the scenario of a rule that fits the job context, or lists the candidates when the log cannot tell.

import { UNDETERMINED, type AgentType, type JobContext } from '../model.js';
import type { ScenarioDef } from '../rules/schema.js';
import { renderTemplate } from '../rules/template.js';
import { fillBlanks } from './fix-blanks.js';
import { evidenceOs } from '../context/agent-os.js';

export { UNDETERMINED };

type Verdict = 'yes' | 'no' | 'open';

/** Where in the job a rule's first evidence line came (see the `phase` condition). */
export type Phase = 'setup' | 'task' | 'build' | 'unknown';

/**
 * `agent.type`, `agent.os` and `runner.kind` are `unknown` when the log does not tell: a scenario that tests
 * them is then open. `agent.container` and `agent.service` are evidence flags: once the log shows the agent,
 * no evidence counts as false; in a fragment that shows no agent at all they are open too.
 */
function fieldValue(ctx: JobContext, field: string, phase: Phase, pathsOs: PathsOs): string | boolean {
  switch (field) {
    case 'phase':
      return phase;
    case 'agent.type':
      return ctx.agent.type;
    case 'agent.os':
      // A drive path in the evidence is Windows' own; POSIX paths only weigh against Windows (see chooseScenario).
      return ctx.agent.os === 'unknown' && pathsOs === 'windows' ? 'windows' : ctx.agent.os;
    case 'runner.kind':
      return ctx.runner.kind;
    case 'agent.container':
      // Scenarios for container agents give docker exec / docker run fixes: a pod's fixes go into its template.
      return inPod(ctx) ? false : flag(ctx, ctx.agent.container);
    case 'agent.kubernetes':
      return inPod(ctx) ? true : flag(ctx, null);
    case 'agent.service':
      return flag(ctx, ctx.agent.service);
    default:
      throw new Error(`unknown condition field ${field}`);
  }
}

/** Ephemeral agents are Kubernetes pods; other agents may run in one too (KUBERNETES_SERVICE_HOST). */
const inPod = (ctx: JobContext): boolean => ctx.agentDetail.kubernetes || ctx.agent.type === 'ephemeral';

function flag(ctx: JobContext, value: boolean | null): boolean | 'unknown' {
  if (value !== null) return value;
  const agentSeen = ctx.agent.name !== null || ctx.agent.type !== 'unknown' || ctx.agentHomeDir !== null;
  return agentSeen ? false : 'unknown';
}

/** What the paths in a diagnosis's evidence say of the OS (src/context/agent-os.ts `evidenceOs`). */
type PathsOs = 'windows' | 'posix' | null;

export function evaluate(sc: ScenarioDef, ctx: JobContext, phase: Phase = 'unknown', pathsOs: PathsOs = null): Verdict {
  let verdict: Verdict = 'yes';
  for (const [field, wanted] of Object.entries(sc.when)) {
    const actual = fieldValue(ctx, field, phase, pathsOs);
    const values = Array.isArray(wanted) ? wanted : [wanted];
    if (values.includes(actual)) continue;
    if (field === 'agent.type' && values.every((v) => ctx.agentDetail.excludedTypes.includes(v as AgentType))) return 'no';
    if (actual === 'unknown') verdict = 'open';
    else return 'no';
  }
  return verdict;
}

export interface ScenarioChoice {
  id: string;
  /** The scenarios still possible, in the rule's order (one when the choice is certain). */
  candidates: ScenarioDef[];
}

/**
 * Scenarios are tried in order: the first that certainly fits wins unless an earlier one is still open. When the
 * OS is not known but the evidence shows POSIX paths, a scenario only for Windows agents that is still open is
 * listed after the others, never first (Git Bash prints POSIX paths on Windows too, so it is not ruled out).
 */
export function chooseScenario(scenarios: ScenarioDef[], ctx: JobContext, phase: Phase = 'unknown', evidence: readonly string[] = []): ScenarioChoice {
  const pathsOs = ctx.agent.os === 'unknown' ? evidenceOs(evidence) : null;
  const candidates: ScenarioDef[] = [];
  const deferred: ScenarioDef[] = [];
  for (const sc of scenarios) {
    const verdict = evaluate(sc, ctx, phase, pathsOs);
    if (verdict === 'no') continue;
    if (verdict === 'open' && pathsOs === 'posix' && onlyForWindows(sc)) {
      deferred.push(sc);
      continue;
    }
    candidates.push(sc);
    if (verdict === 'yes') break;
  }
  candidates.push(...deferred);
  if (candidates.length === 1) return { id: candidates[0].id, candidates };
  return { id: UNDETERMINED, candidates };
}

function onlyForWindows(sc: ScenarioDef): boolean {
  const os = sc.when['agent.os'];
  return os !== undefined && (Array.isArray(os) ? os : [os]).every((v) => v === 'windows');
}

/** The fix text for a choice: the scenario's own, or each candidate with what in the log would tell it. */
export function renderFix(choice: ScenarioChoice, ctx: JobContext, captures: Record<string, string>): string {
  if (choice.candidates.length === 0) return 'No scenario of this rule fits the job; see the rule references.';
  if (choice.id !== UNDETERMINED) return fillBlanks(renderTemplate(choice.candidates[0].fix, ctx, captures).trimEnd(), ctx);
  const lines = ['The log does not show enough about where the job ran to pick one fix. Candidates, in order:'];
  choice.candidates.forEach((sc, i) => {
    lines.push('', `${i + 1}. ${sc.title} [${sc.id}]`);
    if (sc.tell) lines.push(`   Applies when: ${sc.tell}`);
    const fix = renderTemplate(sc.fix, ctx, captures).trimEnd();
    lines.push(...fix.split('\n').map((l) => (l ? `   ${l}` : '')));
  });
  return fillBlanks(lines.join('\n'), ctx);
}
