// What a log says about the agent besides its lifecycle lines: the agent's own log, environment dumps
// (bamboo_agentId, bamboo_capability_*, Kubernetes), Bamboo's variable substitutions and Docker task configs.

import type { JobContext, LogLine } from '../model.js';
import { noteOsFromPath } from './agent-os.js';
import { noteAgentHome, readPath } from './agent-paths.js';
import { offerBuildKey } from './build-key.js';

const CONTAINER_ID = /^[0-9a-f]{12}$/;

/** A 12-hex host or agent name: Docker's short container id, the default host name of a container agent. */
export function isContainerId(name: string | null): boolean {
  return name !== null && CONTAINER_ID.test(name);
}

/** "Remote agent on host X": the agent is a remote one (elastic and ephemeral agents are remote agents too). */
export function readRemoteHost(ctx: JobContext, text: string): void {
  if (!text.startsWith('Remote agent on host ')) return;
  const host = text.slice('Remote agent on host '.length).trim();
  if (!host) return;
  if (ctx.agent.type === 'unknown' || ctx.agent.type === 'local') ctx.agent.type = 'remote';
  ctx.agentDetail.host = host;
  ctx.agent.name ??= host;
  if (isContainerId(host)) ctx.agent.container = true;
}

const AGENT_STARTED = /^(?:\* )?(?:Build|Bamboo) agent '([^']+)' (started|ready to receive builds)/;

/**
 * An agent's own log names the agent and its home as it starts; these lines carry no build key. Only a remote
 * agent has a log of its own ([RemoteAgent] prints the home and "ready to receive builds"); a local agent's
 * "Build agent 'x' started" is in the server's log, so that line alone does not make the agent remote.
 */
export function readAgentStart(ctx: JobContext, text: string): void {
  const started = AGENT_STARTED.exec(text);
  const body = text.startsWith('* ') ? text.slice(2) : text;
  if (started) {
    ctx.agent.name = started[1];
    if (isContainerId(started[1])) ctx.agent.container = true;
    if (/^Elastic Agent on /i.test(started[1])) ctx.agent.type = 'elastic';
    else if (started[2] !== 'started') markRemote(ctx);
  } else if (body.startsWith('Remote Agent Home: ')) {
    noteAgentHome(ctx, body.slice('Remote Agent Home: '.length).trim(), true);
    markRemote(ctx);
  } else if (body.startsWith('Current agent remote definition: ')) {
    // `<name> Remote agent on host <host>`: the default description follows the name.
    const definition = body.slice('Current agent remote definition: '.length);
    const at = definition.indexOf(' Remote agent on host ');
    if (at > 0) ctx.agent.name ??= definition.slice(0, at);
    markRemote(ctx);
  }
}

function markRemote(ctx: JobContext): void {
  if (ctx.agent.type === 'unknown') ctx.agent.type = 'remote';
}

/** The value of `NAME=value` in a line or in one part of a command entry's environment dump; null when absent. */
export function envValue(line: LogLine, name: string): string | null {
  for (const part of line.parts ?? [line.text]) {
    const p = part.trimStart();
    if (p.startsWith(name) && p.charCodeAt(name.length) === 61 /* = */) return p.slice(name.length + 1).trim();
  }
  return null;
}

/** `bamboo_*` variables of an environment dump (a command entry's, or `env` printed by a script). */
export function readBambooEnv(ctx: JobContext, line: LogLine): void {
  const id = envValue(line, 'bamboo_agentId');
  if (id !== null && /^\d+$/.test(id)) ctx.agentDetail.id = id;
  offerBuildKey(ctx, envValue(line, 'bamboo_buildResultKey'));
  const dir = envValue(line, 'bamboo_agentWorkingDirectory');
  if (dir !== null) readPath(ctx, dir);
  const url = envValue(line, 'bamboo_resultsUrl') ?? envValue(line, 'bamboo_buildResultsUrl');
  const base = url === null ? -1 : url.indexOf('/browse/');
  if (base > 0) ctx.agentDetail.serverUrl ??= url!.slice(0, base);
  // Capabilities are the agent's own paths (JDKs, git, docker): they tell the OS when nothing else has.
  for (const part of line.parts ?? [line.text]) {
    const m = /^\s*bamboo_capability_\w+=(.+)$/.exec(part);
    if (m) noteOsFromPath(ctx, m[1], false);
  }
}

/**
 * Every pod has KUBERNETES_SERVICE_HOST; an ephemeral agent's pod also has BAMBOO_EPHEMERAL_AGENT_DATA
 * (`BAMBOO_SERVER=…#SECURITY_TOKEN=…#bamboo.agent.ephemeral.for.key=<build key>`, read here without its token).
 * Either way fixes must fit the pod template, not `docker run`.
 */
export function readKubernetesEnv(ctx: JobContext, line: LogLine): void {
  const ephemeral = envValue(line, 'BAMBOO_EPHEMERAL_AGENT_DATA');
  const inPod = ephemeral !== null || envValue(line, 'KUBERNETES_SERVICE_HOST') !== null;
  if (!inPod) return;
  ctx.agentDetail.kubernetes = true;
  ctx.agent.container = true;
  // Ephemeral agents are remote agents ("Remote agent on host …"): the pod refines that, as --agents would.
  if (ctx.agent.type === 'unknown' || ctx.agent.type === 'remote') ctx.agent.type = 'ephemeral';
  if (ephemeral !== null) offerBuildKey(ctx, /(?:^|#)bamboo\.agent\.ephemeral\.for\.key=([^#\s]+)/.exec(ephemeral)?.[1]);
}

const SUBSTITUTION = /^Substituting variable: \$\{([\w.]+)\} with (.+)$/;

/** "Substituting variable: ${bamboo.agentWorkingDirectory} with <dir>" and the like: the agent's own directories. */
export function readSubstitution(ctx: JobContext, text: string, workingDirectory: (ctx: JobContext, dir: string) => void): void {
  const m = SUBSTITUTION.exec(text);
  if (!m) return;
  const value = m[2].trim();
  switch (m[1]) {
    case 'bamboo.agentWorkingDirectory':
      readPath(ctx, value);
      break;
    case 'bamboo.working.directory':
    case 'bamboo.build.working.directory':
      if (ctx.workingDirectory === null) workingDirectory(ctx, value);
      break;
    case 'bamboo.tmp.directory': {
      // `<agent home>/temp`.
      const home = /^(.+)[\\/]temp$/.exec(value);
      if (home) noteAgentHome(ctx, home[1], false);
      break;
    }
    case 'system.HOME':
      if (value.startsWith('/') || /^[A-Za-z]:\\/.test(value)) ctx.agent.home ??= value;
      break;
  }
}

/** `--config <home>/.dockercfg-bamboo-<uuid>`: Bamboo copies the agent user's Docker config into its home. */
const DOCKER_CONFIG = /(?:^|[\s='"])([A-Za-z]:\\\S*?|\/\S*?|\$\{system\.HOME\})[\\/]\.dockercfg-bamboo-([0-9A-Fa-f][0-9A-Fa-f-]{7,})/;

/** The agent user's home and the agent's UUID from a Docker task's config path; an unresolved `${system.HOME}` means a service. */
export function readDockerConfig(ctx: JobContext, text: string): void {
  const m = DOCKER_CONFIG.exec(text);
  if (!m) return;
  ctx.agentDetail.uuid ??= m[2];
  if (m[1].includes('${system.HOME}')) ctx.agent.service = true;
  else ctx.agent.home = m[1];
}

/** `HOME=/…` printed by `env` in the agent's environment: the agent user's home. */
export function readHomeVariable(ctx: JobContext, text: string): void {
  if (ctx.runner.kind === 'agent' && /^HOME=\/\S*$/.test(text)) ctx.agent.home ??= text.slice(5);
}
