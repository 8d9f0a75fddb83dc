// Follows a build's lifecycle lines to know where a job ran: build key, agent, runner, current task, result.

import type { JobContext, LogLine, TaskResult } from '../model.js';
import { noteOsFromCommandPart, noteOsFromPath } from './agent-os.js';
import { applyRunnerCommand, isRunnerWrapper } from './docker-run.js';

/** Literal texts of the lines the tracker reads: added to the prefilter so these lines reach it. */
export const CONTEXT_KEYWORDS = [
  'started building on agent',
  'Remote agent on host',
  'Build working directory is',
  'Executing build',
  'Starting task',
  'Finished task',
  'Failing task since',
  'Finished building',
  'Finished processing deployment result',
  'Beginning to execute external process',
  'running command line',
  '.dockercfg-bamboo-',
  'runInDocker',
  'HOME=',
  // A log copied from the UI shows the runner's command on a line of its own, under "… running command line:".
  'docker run ',
  // The agent's own log (atlassian-bamboo.log, wrapper output): who the agent is and where its home is.
  "Build agent '",
  'ready to receive builds',
  'Remote Agent Home:',
  'Current agent remote definition:',
];

export type ContextEvent = 'failed' | 'finished' | null;

/** Container agents (atlassian/bamboo-agent-base) keep their home here. */
export const CONTAINER_AGENT_HOME = '/var/atlassian/application-data/bamboo-agent';

const HEADER_MARK = ' started building on agent ';
const KEY = /^([A-Z][A-Z0-9_]*)-([A-Z][A-Z0-9_]*)(?:-([A-Z][A-Z0-9_]*))?-(\d+)$/;
const CONTAINER_ID = /^[0-9a-f]{12}$/;
const DOCKER_CONFIG = /(?:^|[\s='"])(\/\S*?|\$\{system\.HOME\})\/\.dockercfg-bamboo-[\w-]+/;

/** True for the header line that starts a build ("Build … (KEY) started building on agent …"). */
export function isBuildHeader(text: string): boolean {
  return text.startsWith('Build ') && text.includes(HEADER_MARK);
}

/** Updates the context from one line; tells the caller when the job failed or finished. */
export function trackLine(ctx: JobContext, line: LogLine): ContextEvent {
  const text = line.text;
  if (isBuildHeader(text)) return readHeader(ctx, text, line.time);
  if (text.startsWith('Remote agent on host ')) {
    const host = text.slice('Remote agent on host '.length).trim();
    if (ctx.agent.type !== 'elastic') ctx.agent.type = 'remote';
    ctx.agent.name ??= host;
    if (CONTAINER_ID.test(host)) ctx.agent.container = true;
    return null;
  }
  if (text.startsWith('Build working directory is ')) {
    readWorkingDirectory(ctx, text.slice('Build working directory is '.length).trim());
    return null;
  }
  if (text.startsWith('Executing build ')) {
    // No Docker Runner was started before the build began: the job runs in the agent's environment. The runner
    // starts after "Build working directory is …", so a job that shows that line would have shown it too.
    const sawStart = ctx.build !== null || ctx.workingDirectory !== null;
    // Without the header (a fragment, or a header glued to the line before it) the key is still named here.
    const key = ctx.build === null ? /\(([^()\s]+)\)\s*$/.exec(text) : null;
    if (key) applyBuildKey(ctx, key[1]);
    if (ctx.runner.kind === 'unknown' && sawStart) ctx.runner.kind = 'agent';
    ctx.executing = true;
    return null;
  }
  if (text.startsWith('Starting task ')) return startTask(ctx, text);
  if (text.startsWith('Finished task ')) return finishTask(ctx, text);
  if (text.startsWith('Failing task since')) return markFailed(ctx);
  if (text.startsWith('Finished building ') || text.startsWith('Finished processing deployment result')) {
    return finishBuild(ctx);
  }
  if (text.startsWith('HOME=')) {
    // `env` printed by a task: in the agent's environment this is the agent user's home.
    if (ctx.runner.kind === 'agent' && /^HOME=\/\S*$/.test(text)) ctx.agent.home ??= text.slice(5);
    return null;
  }
  if (readAgentStart(ctx, text)) return null;
  readCommand(ctx, line);
  return null;
}

const AGENT_STARTED = /^(?:\* )?(?:Build|Bamboo) agent '([^']+)' (?:started|ready to receive builds)/;

/** An agent's own log names the agent and its home as it starts; these lines carry no build key. */
function readAgentStart(ctx: JobContext, text: string): boolean {
  const started = AGENT_STARTED.exec(text);
  if (started) {
    ctx.agent.name = started[1];
    if (CONTAINER_ID.test(started[1])) ctx.agent.container = true;
    return true;
  }
  const body = text.startsWith('* ') ? text.slice(2) : text;
  if (body.startsWith('Remote Agent Home: ')) {
    const home = body.slice('Remote Agent Home: '.length).trim();
    ctx.agentHomeDir = home;
    noteOsFromPath(ctx, home, true);
    if (home === CONTAINER_AGENT_HOME || home.startsWith(`${CONTAINER_AGENT_HOME}/`)) ctx.agent.container = true;
    return true;
  }
  if (body.startsWith('Current agent remote definition: ')) {
    // `<name> Remote agent on host <host>`: the default description follows the name.
    const definition = body.slice('Current agent remote definition: '.length);
    const at = definition.indexOf(' Remote agent on host ');
    if (at > 0) ctx.agent.name ??= definition.slice(0, at);
    return true;
  }
  return false;
}

function readHeader(ctx: JobContext, text: string, time: string | null): ContextEvent {
  const at = text.indexOf(HEADER_MARK);
  const left = text.slice('Build '.length, at);
  let agent = text.slice(at + HEADER_MARK.length).trim();
  const version = /, bamboo version: (\S+)$/.exec(agent);
  if (version) {
    ctx.bambooVersion = version[1];
    agent = agent.slice(0, version.index);
  }
  const paren = /\(([^()]+)\)$/.exec(left);
  applyBuildKey(ctx, (paren ? paren[1] : left).trim());
  ctx.agent.name = agent;
  ctx.started ??= time;
  if (/^Elastic Agent on /i.test(agent)) ctx.agent.type = 'elastic';
  else if (/^(Local\b|Default Agent$)/.test(agent)) ctx.agent.type = 'local';
  // Elastic agents are named "Elastic Agent on i-…" and local ones "Default Agent"/"Local …": any other named
  // agent is a remote one, whether or not the log goes on to print "Remote agent on host …".
  else if (ctx.agent.type === 'unknown' && agent) ctx.agent.type = 'remote';
  if (CONTAINER_ID.test(agent)) ctx.agent.container = true;
  return null;
}

/** Sets the build key and, when it has the `PROJ-PLAN[-JOB]-N` form, the plan, job and number it names. */
export function applyBuildKey(ctx: JobContext, key: string): void {
  ctx.build = key;
  const m = KEY.exec(key);
  if (m) {
    ctx.plan = `${m[1]}-${m[2]}`;
    ctx.job = m[3] ?? null;
    ctx.number = Number(m[4]);
  }
}

function readWorkingDirectory(ctx: JobContext, dir: string): void {
  ctx.workingDirectory = dir;
  noteOsFromPath(ctx, dir, true);
  const at = dir.search(/[\\/]xml-data[\\/]/); // Windows agents write backslashes
  if (at > 0) ctx.agentHomeDir = dir.slice(0, at);
  const home = ctx.agentHomeDir ?? dir;
  if (home === CONTAINER_AGENT_HOME || home.startsWith(`${CONTAINER_AGENT_HOME}/`)) ctx.agent.container = true;
  else if (ctx.agentHomeDir !== null && ctx.agent.container === null && !CONTAINER_ID.test(ctx.agent.name ?? '')) {
    // A home of its own and a host name that is not a container id: an agent installed on a host.
    ctx.agent.container = false;
  }
}

function startTask(ctx: JobContext, text: string): ContextEvent {
  const m = /^Starting task '(.*)' of type '([^']*)'/.exec(text);
  if (!m) return null;
  ctx.task = { name: m[1], type: m[2], result: 'unknown' };
  ctx.tasks.push(ctx.task);
  return null;
}

function finishTask(ctx: JobContext, text: string): ContextEvent {
  const m = /^Finished task '(.*)' with result: (\S+)/.exec(text);
  if (!m) return null;
  const result: TaskResult = /^success/i.test(m[2]) ? 'success' : /^fail/i.test(m[2]) ? 'failed' : 'unknown';
  const task = ctx.task?.name === m[1] ? ctx.task : ctx.tasks.findLast((t) => t.name === m[1]);
  if (task) task.result = result;
  else ctx.tasks.push({ name: m[1], type: null, result });
  ctx.task = null;
  return result === 'failed' ? markFailed(ctx) : null;
}

function markFailed(ctx: JobContext): ContextEvent {
  if (ctx.state === 'failed') return null;
  ctx.state = 'failed';
  return 'failed';
}

function finishBuild(ctx: JobContext): ContextEvent {
  ctx.finished = true;
  if (ctx.state === 'unknown' && ctx.tasks.length > 0 && ctx.tasks.every((t) => t.result === 'success')) {
    ctx.state = 'successful';
  }
  return 'finished';
}

/** External process lines: the Docker Runner's `docker run`, task wrappers, and a Docker task's `--config`. */
function readCommand(ctx: JobContext, line: LogLine): void {
  const parts = line.parts ?? [line.text];
  let commandNext = false;
  for (const part of parts) {
    const trimmed = part.trim();
    if (commandNext) applyRunnerCommand(ctx, trimmed);
    commandNext = /running command line:\s*$/.test(part);
    if (isRunnerWrapper(trimmed)) ctx.runner.kind = 'docker';
    noteOsFromCommandPart(ctx, trimmed);
    const env = /^bamboo_buildResultKey=(\S+)/.exec(trimmed);
    if (env && ctx.build === null) applyBuildKey(ctx, env[1]);
    const cfg = DOCKER_CONFIG.exec(part);
    if (cfg) readDockerConfigHome(ctx, cfg[1]);
  }
  // A line with no parts that is itself a `docker run` (REST unstyled text, a wrapper script's echo).
  if (!line.parts && /(?:^|\/)docker run /.test(line.text)) applyRunnerCommand(ctx, line.text.trim());
}

/** `--config <home>/.dockercfg-bamboo-<uuid>`: Bamboo copies the agent user's Docker config into its home. */
function readDockerConfigHome(ctx: JobContext, home: string): void {
  if (home.includes('${system.HOME}')) {
    ctx.agent.service = true;
    return;
  }
  ctx.agent.home = home;
}
