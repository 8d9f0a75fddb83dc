// Fills a fix text's {{placeholders}} from the job context and the rule's captures.

import type { JobContext, RunnerSpec } from '../model.js';
import { redact } from './redact.js';

/**
 * Renders a job's Specs `docker:` block, given the generic block a fix proposes (its lines to add are marked).
 * Registered by the Specs reader, which owns the YAML: `runnerSpecs` is only ever set once it is loaded, and
 * runs without `--specs` start without yaml and zod.
 */
export type RunnerSpecRenderer = (spec: RunnerSpec, genericBlock?: string) => string;
let renderSpec: RunnerSpecRenderer | null = null;
export function useRunnerSpecRenderer(renderer: RunnerSpecRenderer): void {
  renderSpec = renderer;
}

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
  /** The user name, from the last part of the agent user's home (`/home/bamboouser`, `C:\Users\bamboouser`). */
  'agent.user': (c) => c.agent.home?.split(/[\\/]/).filter(Boolean).pop(),
  /** The agent's installation folder (`…/bamboo-agent-home`), from the build working directory. */
  'agent.installDir': (c) => c.agentHomeDir,
  'runner.kind': (c) => c.runner.kind,
  'runner.image': (c) => c.runner.image,
  'runner.volumes': (c) =>
    c.runner.volumes.length ? c.runner.volumes.map((v) => `${v.host} → ${v.container}`).join(', ') : null,
  'runner.arguments': (c) => (c.runner.arguments.length ? c.runner.arguments.join(' ') : null),
  /** The job's `docker:` block from the Bamboo Specs given with `--specs` (several lines). */
  'runner.specs': (c) => (c.runnerSpecs && renderSpec ? renderSpec(c.runnerSpecs) : null),
  'task.name': (c) => c.task?.name,
  'task.type': (c) => c.task?.type,
  workingDirectory: (c) => c.workingDirectory,
};

// A fallback may hold Bamboo variables: `{{agent.home|${system.HOME}}}`.
const PLACEHOLDER = /\{\{\s*([A-Za-z][\w.]*)\s*(?:\|((?:\$\{[^}]*\}|[^}])*))?\}\}/g;

/** The placeholder names used in a template. */
export function placeholdersIn(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

export function isContextPlaceholder(name: string): boolean {
  return name in CONTEXT;
}

/**
 * `{{agent.home}}` takes the context value, `{{image}}` a capture; `{{agent.home|/home/<agent user>}}`
 * gives the text to show when the log did not tell. With no fallback an unknown value reads `<agent.home: not in the log>`.
 */
export function renderTemplate(template: string, ctx: JobContext, captures: Record<string, string>): string {
  let out = '';
  let last = 0;
  for (const m of template.matchAll(SPECS_SECTION)) {
    out += fill(template.slice(last, m.index), ctx, captures) + specsSection(m[1], ctx, captures);
    last = m.index + m[0].length;
  }
  return out + fill(template.slice(last), ctx, captures);
}

function fill(template: string, ctx: JobContext, captures: Record<string, string>): string {
  return template.replace(PLACEHOLDER, (_, name: string, fallback: string | undefined, at: number) => {
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

const maskOrNull = (value: string | null | undefined): string | null | undefined => (value ? redact(value) : value);

/**
 * `{{#runner.specs}}`…`{{/runner.specs}}`, each on a line of its own, around a generic `docker:` block: when the
 * Specs define the job's block, that block is shown instead, with the generic block's volumes and arguments
 * it lacks marked `# add`; otherwise the generic block.
 */
const SPECS_SECTION = /^[ \t]*\{\{#runner\.specs\}\}[ \t]*\n([\s\S]*?)^[ \t]*\{\{\/runner\.specs\}\}[ \t]*(?:\n|$)/gm;

function specsSection(body: string, ctx: JobContext, captures: Record<string, string>): string {
  const generic = fill(body, ctx, captures);
  if (!ctx.runnerSpecs || !renderSpec) return generic;
  const indent = /^[ \t]*/.exec(generic)![0];
  const block = redact(renderSpec(ctx.runnerSpecs, generic));
  return `${block.replace(/^/gm, indent)}\n`;
}
