// A build's lifecycle lines: the header, working directory, "Executing build", tasks, and the build's end.

import type { JobContext, TaskResult } from '../model.js';
import { noteOsFromPath } from './agent-os.js';
import { CONTAINER_AGENT_HOME, isServerHome, noteAgentHome } from './agent-paths.js';
import { isContainerId } from './agent-signals.js';
import { applyBuildKey, offerBuildKey } from './build-key.js';

export type ContextEvent = 'failed' | 'finished' | null;

const HEADER_MARK = ' started building on agent ';

/** True for the header line that starts a build ("Build … (KEY) started building on agent …"). */
export function isBuildHeader(text: string): boolean {
  return text.startsWith('Build ') && text.includes(HEADER_MARK);
}

/** The build key a header names (`… (KEY) started building on agent …`, or the 2013 form `Build KEY started …`); null for other lines. */
export function headerKey(text: string): string | null {
  if (!isBuildHeader(text)) return null;
  const left = text.slice('Build '.length, text.indexOf(HEADER_MARK));
  const paren = /\(([^()]+)\)$/.exec(left);
  return (paren ? paren[1] : left).trim();
}

/**
 * The header names the key and the agent. Only names tell the type here: elastic agents are "Elastic Agent
 * on i-…", local ones "Local …"/"Default Agent"; any other name may be a remote, an ephemeral or a local agent
 * someone renamed, so the type stays unknown until a line shows it ("Remote agent on host …", `--agents`).
 */
export function readHeader(ctx: JobContext, text: string, time: string | null): ContextEvent {
  const key = headerKey(text);
  if (key === null) return null;
  let agent = text.slice(text.indexOf(HEADER_MARK) + HEADER_MARK.length).trim();
  const version = /, bamboo version: (\S+)$/.exec(agent);
  if (version) {
    ctx.bambooVersion = version[1];
    agent = agent.slice(0, version.index);
  }
  // A key the job's own lines gave (a Bamboo key) is kept over a header's that is not one.
  offerBuildKey(ctx, key);
  if (ctx.build === null) applyBuildKey(ctx, key);
  ctx.agent.name = agent;
  ctx.started ??= time;
  noteAgentName(ctx, agent);
  return null;
}

/**
 * What an agent's name tells: "Elastic Agent on i-…" is elastic (Bamboo names every elastic agent so, hence any other
 * name rules elastic out), "Local …"/"Default Agent" local, a 12-hex one a container.
 */
export function noteAgentName(ctx: JobContext, name: string): void {
  if (/^Elastic Agent on /i.test(name)) {
    ctx.agent.type = 'elastic';
    return;
  }
  if (!ctx.agentDetail.excludedTypes.includes('elastic')) ctx.agentDetail.excludedTypes.push('elastic');
  if (/^(Local\b|Default Agent$)/.test(name) && ctx.agent.type === 'unknown') ctx.agent.type = 'local';
  if (isContainerId(name)) ctx.agent.container = true;
}

export function readWorkingDirectory(ctx: JobContext, dir: string): void {
  ctx.workingDirectory = dir;
  noteOsFromPath(ctx, dir, true);
  // `<agent home>/xml-data/build-dir/<job>`; local agents build in the server's `<bamboo home>/local-working-dir/<job>`.
  const at = dir.search(/[\\/](?:xml-data[\\/]build-dir|local-working-dir)(?:[\\/]|$)/); // Windows agents write backslashes
  if (at > 0) noteAgentHome(ctx, dir.slice(0, at), true);
  const serverSide = /[\\/]local-working-dir(?:[\\/]|$)/.test(dir) || (at > 0 && isServerHome(dir.slice(0, at)));
  if (serverSide && ctx.agent.type === 'unknown') ctx.agent.type = 'local';
  const home = ctx.agentHomeDir ?? dir;
  if (home === CONTAINER_AGENT_HOME || home.startsWith(`${CONTAINER_AGENT_HOME}/`)) ctx.agent.container = true;
  else if (ctx.agentHomeDir !== null && ctx.agent.container === null && !isContainerId(ctx.agent.name)) {
    // A home of its own and a host name that is not a container id: an agent installed on a host.
    ctx.agent.container = false;
  }
}

/**
 * "Executing build …": no Docker Runner was started before the build began, so the job runs in the agent's
 * environment. The runner starts after "Build working directory is …", so a job that shows that line would
 * have shown it too. The line names the key, also when the header's was not a Bamboo key or is missing.
 */
export function readExecuting(ctx: JobContext, text: string): void {
  if (!text.startsWith('Executing build ')) return;
  const sawStart = ctx.build !== null || ctx.workingDirectory !== null;
  offerBuildKey(ctx, /\(([^()\s]+)\)\s*$/.exec(text)?.[1]);
  if (ctx.runner.kind === 'unknown' && sawStart) ctx.runner.kind = 'agent';
  ctx.executing = true;
}

export function startTask(ctx: JobContext, text: string): ContextEvent {
  const m = /^Starting task '(.*)' of type '([^']*)'/.exec(text);
  if (!m) return null;
  ctx.task = { name: m[1], type: m[2], result: 'unknown' };
  ctx.tasks.push(ctx.task);
  return null;
}

export function finishTask(ctx: JobContext, text: string): ContextEvent {
  const m = /^Finished task '(.*)' with result: (\S+)/.exec(text);
  if (!m) return null;
  const result: TaskResult = /^success/i.test(m[2]) ? 'success' : /^fail/i.test(m[2]) ? 'failed' : 'unknown';
  const task = ctx.task?.name === m[1] ? ctx.task : ctx.tasks.findLast((t) => t.name === m[1]);
  if (task) task.result = result;
  else ctx.tasks.push({ name: m[1], type: null, result });
  ctx.task = null;
  return result === 'failed' ? markFailed(ctx) : null;
}

export function markFailed(ctx: JobContext): ContextEvent {
  if (ctx.state === 'failed') return null;
  ctx.state = 'failed';
  return 'failed';
}

/** "Finished building KEY." ends a build (and names its key); so does a deployment's "Finished processing …". */
export function finishBuild(ctx: JobContext, text: string): ContextEvent {
  if (!text.startsWith('Finished building ') && !text.startsWith('Finished processing deployment result')) return null;
  offerBuildKey(ctx, /^Finished building (\S+?)\.?\s*$/.exec(text)?.[1]);
  ctx.finished = true;
  if (ctx.state === 'unknown' && ctx.tasks.length > 0 && ctx.tasks.every((t) => t.result === 'success')) {
    ctx.state = 'successful';
  }
  // Set up ("Build working directory is …") and finished, but never executed and no task ran: Bamboo gave up while
  // setting the job up (a Docker Runner that would not start, a volume it refused). The build failed there.
  if (ctx.state === 'unknown' && text.startsWith('Finished building ') && ctx.workingDirectory !== null && !ctx.executing && ctx.tasks.length === 0) {
    markFailed(ctx);
  }
  return 'finished';
}

/** "Build KEY completed." (after "Stopping timer."): names the key; the build ends at "Finished building". */
export function readCompleted(ctx: JobContext, text: string): void {
  offerBuildKey(ctx, /^Build (\S+) completed\.?\s*$/.exec(text)?.[1]);
}

/**
 * True when the lines read showed a Bamboo job even without a key or a finding (a fragment of a successful
 * build): its agent, home, OS or tasks are worth reporting. Text with none of these is no job at all.
 */
export function showsJob(ctx: JobContext): boolean {
  return ctx.build !== null || ctx.tasks.length > 0 || ctx.workingDirectory !== null || ctx.agentHomeDir !== null || ctx.agent.type !== 'unknown' || ctx.agent.os !== 'unknown';
}
