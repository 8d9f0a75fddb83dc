// Follows a build's lines to know where a job ran: build key, agent, runner, current task, result.

import type { JobContext, LogLine } from '../model.js';
import { noteOsFromCommandPart, noteOsFromProgram, noteOsFromText } from './agent-os.js';
import { readPaths } from './agent-paths.js';
import {
  readAgentStart,
  readBambooEnv,
  readDockerConfig,
  readHomeVariable,
  readKubernetesEnv,
  readRemoteHost,
  readSubstitution,
} from './agent-signals.js';
import { offerBuildKey } from './build-key.js';
import { applyRunnerCommand, isRunnerWrapper, readRunnerPull } from './docker-run.js';
import {
  finishBuild,
  finishTask,
  noteAgentName,
  readAgentOffline,
  readBuildError,
  readCompleted,
  readExecuting,
  readFailingTask,
  readHeader,
  readWorkingDirectory,
  startTask,
  type ContextEvent,
} from './lifecycle.js';

export { applyBuildKey } from './build-key.js';
export { CONTAINER_AGENT_HOME } from './agent-paths.js';
export { isBuildHeader, showsJob, type ContextEvent } from './lifecycle.js';

type Read = (ctx: JobContext, line: LogLine) => ContextEvent | void;

/**
 * One recogniser per kind of line the tracker reads: `keyword` is literal text every such line contains (it
 * goes into the rules' keyword prefilter, so these lines reach the tracker); `read` takes what the line tells.
 * A line holding several keywords is read by each of their recognisers, once each, in this order.
 */
export interface Recogniser {
  keyword: string;
  read: Read;
}

const after = (prefix: string, read: (ctx: JobContext, rest: string) => void): Read => (ctx, line) => {
  if (line.text.startsWith(prefix)) read(ctx, line.text.slice(prefix.length).trim());
};
const text = (read: (ctx: JobContext, text: string) => ContextEvent | void): Read => (ctx, line) => read(ctx, line.text);

const commandLine: Read = (ctx, line) => readCommand(ctx, line);
const agentStart: Read = text(readAgentStart);
const bambooEnv: Read = readBambooEnv;
const kubernetesEnv: Read = readKubernetesEnv;
const paths: Read = text(readPaths);
const osFromText: Read = text(noteOsFromText);
const substitution: Read = (ctx, line) => readSubstitution(ctx, line.text, readWorkingDirectory);

export const RECOGNISERS: readonly Recogniser[] = [
  { keyword: 'started building on agent', read: (ctx, line) => readHeader(ctx, line.text, line.time) },
  { keyword: 'Remote agent on host', read: text(readRemoteHost) },
  { keyword: 'Build working directory is', read: after('Build working directory is ', readWorkingDirectory) },
  { keyword: 'Executing build', read: text(readExecuting) },
  { keyword: 'Starting task', read: text(startTask) },
  { keyword: 'Finished task', read: text(finishTask) },
  // Its command names the task's temp script (`<KEY>-ScriptBuildTask-…`): the build of a fragment, the agent home.
  { keyword: 'Failing task since', read: text(readFailingTask) },
  // Bamboo 2.x–4.x: "Error occurred while executing the build for KEY : <reason>" (an error outside any task).
  { keyword: 'executing the build for ', read: text(readBuildError) },
  { keyword: 'went offline while building ', read: text(readAgentOffline) },
  // Every job runs its post-build plugins, on the agent and on the server: in a server's or agent's own log that line
  // carries the build's key and the local agent's thread (trackLine reads both), also in a fragment with no header.
  { keyword: 'Running post build plugin', read: () => null },
  { keyword: 'Finished building', read: text(finishBuild) },
  { keyword: 'Finished processing deployment result', read: text(finishBuild) },
  { keyword: 'completed.', read: text(readCompleted) },
  // Only the substitutions of the agent's own directories: a log has dozens of others.
  ...['agentWorkingDirectory', 'working.directory', 'build.working.directory', 'tmp.directory'].map((v) => ({ keyword: `Substituting variable: \${bamboo.${v}}`, read: substitution })),
  { keyword: 'Substituting variable: ${system.HOME}', read: substitution },
  // External processes: the Docker Runner's `docker run`, task wrappers, a Docker task's `--config`. A log copied
  // from the UI shows the runner's command on a line of its own, under "… running command line:".
  { keyword: 'Beginning to execute external process', read: commandLine },
  { keyword: 'running command line', read: commandLine },
  { keyword: 'docker run ', read: commandLine },
  { keyword: 'runInDocker', read: commandLine },
  { keyword: '.dockercfg-bamboo-', read: commandLine },
  { keyword: "Unable to find image '", read: text(readRunnerPull) },
  { keyword: 'HOME=', read: text(readHomeVariable) },
  // Environment dumps: a command entry's "using extra environment variables", or `env` printed by a task.
  { keyword: 'bamboo_agentId=', read: bambooEnv },
  { keyword: 'bamboo_buildResultKey=', read: bambooEnv },
  { keyword: 'bamboo_agentWorkingDirectory=', read: bambooEnv },
  { keyword: 'bamboo_capability_', read: bambooEnv },
  { keyword: 'bamboo_resultsUrl=', read: bambooEnv },
  { keyword: 'bamboo_buildResultsUrl=', read: bambooEnv },
  { keyword: 'KUBERNETES_SERVICE_HOST=', read: kubernetesEnv },
  { keyword: 'BAMBOO_EPHEMERAL_AGENT_DATA=', read: kubernetesEnv },
  // The agent's own log (atlassian-bamboo.log, wrapper output): who the agent is and where its home is.
  { keyword: "Build agent '", read: agentStart },
  { keyword: "Bamboo agent '", read: agentStart },
  { keyword: 'Remote Agent Home:', read: agentStart },
  { keyword: 'Current agent remote definition:', read: agentStart },
  // Any path that shows the agent's home (and so its OS), a local agent's server home, or LocalSystem's profile.
  { keyword: 'bamboo-agent-home', read: paths },
  { keyword: 'xml-data', read: paths },
  { keyword: 'local-working-dir', read: paths },
  { keyword: 'systemprofile', read: paths },
  // A task's temp script (`<KEY>-ScriptBuildTask-<n>.sh`) names the build, e.g. in "Failing task since return code of [...]".
  { keyword: 'BuildTask-', read: paths },
  // Any other absolute path under the usual roots of a host (homes, /opt, a drive): the OS while nothing else told it.
  ...['/home/', '/Users/', '/opt/', ':\\Users\\', ':\\Program Files'].map((keyword) => ({ keyword, read: osFromText })),
];

/** Literal texts of the lines the tracker reads: added to the prefilter so these lines reach it. */
export const CONTEXT_KEYWORDS: readonly string[] = [...new Set(RECOGNISERS.map((r) => r.keyword))];

/** For each keyword of CONTEXT_KEYWORDS: the indexes of the recognisers that look for it, in table order. */
const READERS_OF: readonly number[][] = CONTEXT_KEYWORDS.map((k) => RECOGNISERS.flatMap((r, i) => (r.keyword === k ? [i] : [])));
const EVERY_RECOGNISER: readonly number[] = RECOGNISERS.map((_, i) => i);

/**
 * Updates the context from one line; tells the caller when the job failed or finished. `found` (indexes into
 * CONTEXT_KEYWORDS, from RuleSet.match) names the keywords the line holds: only their recognisers are tried, not
 * all ~50 (measured: the loop over every recogniser was ~6 % of a whole analyze run on the bench's corpus).
 */
export function trackLine(ctx: JobContext, line: LogLine, found?: readonly number[]): ContextEvent {
  // A server or agent log line names the build it is about, and a local agent's thread names the agent.
  if (line.key !== undefined) offerBuildKey(ctx, line.key);
  if (line.agent !== undefined) {
    ctx.agent.name ??= line.agent;
    noteAgentName(ctx, line.agent);
  }
  const tried = found ? recognisersOf(found) : EVERY_RECOGNISER;
  let event: ContextEvent = null;
  const done: Read[] = [];
  for (const i of tried) {
    const { keyword, read } = RECOGNISERS[i];
    // The automaton is case-blind; a recogniser's keyword is matched as written.
    if (done.includes(read) || !line.text.includes(keyword)) continue;
    done.push(read);
    event = read(ctx, line) || event;
  }
  return event;
}

/** The recognisers of the keywords found, in table order (a line mostly holds one or two). */
function recognisersOf(found: readonly number[]): readonly number[] {
  if (found.length === 1) return READERS_OF[found[0]];
  const out = found.flatMap((k) => READERS_OF[k]);
  return out.sort((a, b) => a - b);
}

/** External process lines: the Docker Runner's `docker run`, task wrappers, and a Docker task's `--config`. */
function readCommand(ctx: JobContext, line: LogLine): void {
  const parts = line.parts ?? [line.text];
  offerBuildKey(ctx, /^Beginning to execute external process for build '.*\(([^()\s]+)\)'/.exec(parts[0])?.[1]);
  let commandNext = false;
  for (const part of parts) {
    const trimmed = part.trim();
    if (commandNext) {
      applyRunnerCommand(ctx, trimmed);
      noteOsFromProgram(ctx, trimmed);
    }
    commandNext = /running command line:\s*$/.test(part);
    if (isRunnerWrapper(trimmed)) ctx.runner.kind = 'docker';
    noteOsFromCommandPart(ctx, trimmed);
    readDockerConfig(ctx, part);
  }
  // A line with no parts that is itself a `docker run` (REST unstyled text, a wrapper script's echo).
  if (!line.parts && /(?:^|\/)docker run /.test(line.text)) applyRunnerCommand(ctx, line.text.trim());
}
