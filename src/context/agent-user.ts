// Who the agent runs as and which container it is, from what the log showed (for fix texts).

import type { JobContext } from '../model.js';
import { CONTAINER_AGENT_HOME } from './agent-paths.js';
import { isContainerId } from './agent-signals.js';

/** atlassian/bamboo-agent-base runs the agent as RUN_USER `bamboo`; stock elastic images use `bamboo` too. */
const IMAGE_USER = 'bamboo';

const inContainerHome = (path: string | null): boolean =>
  path !== null && (path === CONTAINER_AGENT_HOME || path.startsWith(`${CONTAINER_AGENT_HOME}/`));

/**
 * The account the agent runs as, or null when the log does not tell. In atlassian/bamboo-agent-base the
 * user is `bamboo` and its home *is* the agent home (`/var/atlassian/application-data/bamboo-agent`), so the
 * last part of that path is no user name; elsewhere the user's home ends in the user's name
 * (`/home/bamboouser`, `/Users/ci`, `C:\Users\bamboo-svc`). Elastic agents of Atlassian's images run as `bamboo`.
 */
export function agentUser(ctx: JobContext): string | null {
  if (ctx.agentDetail.user !== null) return ctx.agentDetail.user;
  const home = ctx.agent.home;
  if (inContainerHome(home) || (home === null && ctx.agent.container === true && inContainerHome(ctx.agentHomeDir))) return IMAGE_USER;
  if (home !== null) return home.split(/[\\/]/).filter(Boolean).pop() ?? null;
  return ctx.agent.type === 'elastic' ? IMAGE_USER : null;
}

/**
 * The agent's container for `docker exec`: a 12-hex host or agent name is Docker's short container id, which
 * container agents take for their host name unless given another. Other names may be a container's name or not.
 */
export function agentContainerId(ctx: JobContext): string | null {
  if (ctx.agent.container === false || ctx.agentDetail.kubernetes) return null;
  if (isContainerId(ctx.agent.name)) return ctx.agent.name;
  return isContainerId(ctx.agentDetail.host) ? ctx.agentDetail.host : null;
}
