// The template language of a rule's fix text: which {{placeholders}} exist (checked when a rule is loaded), and
// filling them from the job context and the rule's captures.

import type { JobContext } from '../model.js';
import { runnerSpecRenderer } from '../context/runner-spec-renderer.js';
import { agentContainerId, agentUser } from '../context/agent-user.js';
import { jobKeyOf } from '../context/build-key.js';
import { redact } from '../secrets/redact.js';

type Getter = (ctx: JobContext) => string | null | undefined;

const CONTEXT: Record<string, Getter> = {
  build: (c) => c.build,
  plan: (c) => c.plan,
  job: (c) => c.job,
  number: (c) => (c.number === null ? null : String(c.number)),
  'bamboo.version': (c) => c.bambooVersion,
  'agent.name': (c) => c.agent.name,
  'agent.type': (c) => c.agent.type,
  'agent.os': (c) => c.agent.os,
  'agent.home': (c) => c.agent.home,
  /** The account the agent runs as (`bamboo` in atlassian/bamboo-agent-base and on elastic agents; see agent-user.ts). */
  'agent.user': agentUser,
  /** The agent's installation folder (`…/bamboo-agent-home`), from the build working directory. */
  'agent.installDir': (c) => c.agentHomeDir,
  /** The agent's UUID, from a Docker task's `.dockercfg-bamboo-<uuid>`. */
  'agent.uuid': (c) => c.agentDetail.uuid,
  /** The agent's container id (a 12-hex host name), for `docker exec`. */
  'agent.containerId': agentContainerId,
  /** The host of "Remote agent on host …". */
  'agent.host': (c) => c.agentDetail.host,
  /** The agent's id in Bamboo (`bamboo_agentId`). */
  'agent.id': (c) => c.agentDetail.id,
  /** Bamboo's base URL, from `bamboo_resultsUrl`. */
  'bamboo.url': (c) => c.agentDetail.serverUrl,
  /** The job's key (`PROJ-PLAN-JOB1`): the build key without its number. */
  jobKey: jobKeyOf,
  'runner.kind': (c) => c.runner.kind,
  'runner.image': (c) => c.runner.image,
  'runner.volumes': (c) =>
    c.runner.volumes.length ? c.runner.volumes.map((v) => `${v.host} → ${v.container}`).join(', ') : null,
  'runner.arguments': (c) => (c.runner.arguments.length ? c.runner.arguments.join(' ') : null),
  /** The job's `docker:` block from the Bamboo Specs given with `--specs` (several lines). */
  'runner.specs': (c) => (c.runnerSpecs ? (runnerSpecRenderer()?.(c.runnerSpecs) ?? null) : null),
  'task.name': (c) => c.task?.name,
  'task.type': (c) => c.task?.type,
  workingDirectory: (c) => c.workingDirectory,
  /** The most telling cause line of a failed task: given with the captures by the diagnosis (src/diagnose/job.ts). */
  cause: () => null,
};

/**
 * `{{name}}` or `{{name|fallback}}`; a fallback may hold Bamboo variables: `{{agent.home|${system.HOME}}}`.
 * `{{{NAME}}}` (upper case) is written as `{{NAME}}`: the variables of Bamboo's ephemeral agent pod templates
 * (`{{BAMBOO_AGENT_CONTAINER_NAME}}`) that a fix must show as they are.
 */
const PLACEHOLDER = /\{\{\{([A-Z][A-Z0-9_]*)\}\}\}|\{\{\s*([A-Za-z][\w.]*)\s*(?:\|((?:\$\{[^}]*\}|[^}])*))?\}\}/g;

/** The placeholder names used in a template. */
export function placeholdersIn(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].filter((m) => m[1] === undefined).map((m) => m[2]);
}

export function isContextPlaceholder(name: string): boolean {
  return name in CONTEXT;
}

/**
 * `{{agent.home}}` takes the context value, `{{image}}` a capture; `{{agent.home|/home/<agent user>}}`
 * gives the text to show when the log did not tell. With no fallback an unknown value reads `<agent.home: not in the log>`.
 */
export function renderTemplate(text: string, ctx: JobContext, captures: Record<string, string>): string {
  const template = captureSections(text, captures);
  let out = '';
  let last = 0;
  for (const m of template.matchAll(SPECS_SECTION)) {
    out += fill(template.slice(last, m.index), ctx, captures) + specsSection(m[1], ctx, captures);
    last = m.index + m[0].length;
  }
  return out + fill(template.slice(last), ctx, captures);
}

function fill(template: string, ctx: JobContext, captures: Record<string, string>): string {
  return template.replace(PLACEHOLDER, (_, literal: string | undefined, name: string, fallback: string | undefined, at: number) => {
    if (literal !== undefined) return `{{${literal}}}`;
    // Captures come masked (redactMatch); context values are read from the log too (docker run arguments, paths).
    const value = name in captures ? captures[name] : maskOrNull(CONTEXT[name]?.(ctx));
    if (value !== null && value !== undefined && value !== '' && value !== 'unknown') {
      // A value of several lines keeps the indentation of the line it is placed in.
      const indent = /^[ \t]*/.exec(template.slice(template.lastIndexOf('\n', at) + 1))![0];
      return value.replaceAll('\n', `\n${indent}`);
    }
    return fallback !== undefined ? fallback.trim() : `<${name}: not in the log>`;
  });
}

/**
 * `{{#name}}`…`{{/name}}` keeps its text only when the evidence has the capture `name`, `{{^name}}`…`{{/name}}` only
 * when it does not: one fix per scenario can still follow what the tool said (an expired token, no credentials).
 * A section whose tags stand on lines of their own takes those lines with it.
 */
const BLOCK_SECTION = /^[ \t]*\{\{([#^])([A-Za-z]\w*)\}\}[ \t]*\n([\s\S]*?)^[ \t]*\{\{\/\2\}\}[ \t]*(?:\n|$)/gm;
const INLINE_SECTION = /\{\{([#^])([A-Za-z]\w*)\}\}(.*?)\{\{\/\2\}\}/g;

function captureSections(template: string, captures: Record<string, string>): string {
  const keep = (_: string, kind: string, name: string, body: string) => (((captures[name] ?? '') !== '') === (kind === '#') ? body : '');
  // A kept section's text may hold sections of its own: resolve until none is left.
  let out = template;
  for (let previous = ''; out !== previous; ) {
    previous = out;
    out = out.replace(BLOCK_SECTION, keep).replace(INLINE_SECTION, keep);
  }
  return out;
}

/** The capture names a template's `{{#name}}` / `{{^name}}` sections test. */
export function sectionsIn(template: string): string[] {
  return [...template.matchAll(/\{\{[#^]([A-Za-z]\w*)\}\}/g)].map((m) => m[1]);
}


const maskOrNull = (value: string | null | undefined): string | null | undefined => (value ? redact(value) : value);

/**
 * `{{#runner.specs}}`…`{{/runner.specs}}`, each on a line of its own, around a generic `docker:` block: when the
 * Specs define the job's block, that block is shown instead, with the generic block's volumes and arguments
 * it lacks marked `# add`; otherwise the generic block.
 */
const SPECS_SECTION = /^[ \t]*\{\{#runner\.specs\}\}[ \t]*\n([\s\S]*?)^[ \t]*\{\{\/runner\.specs\}\}[ \t]*(?:\n|$)/gm;

function specsSection(body: string, ctx: JobContext, captures: Record<string, string>): string {
  const generic = fill(body, ctx, captures);
  const renderSpec = runnerSpecRenderer();
  if (!ctx.runnerSpecs || !renderSpec) return generic;
  const indent = /^[ \t]*/.exec(generic)![0];
  const block = redact(renderSpec(ctx.runnerSpecs, generic));
  return `${block.replace(/^/gm, indent)}\n`;
}
