// The agent's home, OS and account from any path a line shows (working directory, temp scripts, Windows profiles).

import type { JobContext } from '../model.js';
import { noteOsFromPath, PATH_IN_TEXT } from './agent-os.js';
import { keyOfTempScript, offerBuildKey } from './build-key.js';

/** Container agents (atlassian/bamboo-agent-base) keep their home here. */
export const CONTAINER_AGENT_HOME = '/var/atlassian/application-data/bamboo-agent';

/** The profile of Windows' LocalSystem account: its HOME when the agent runs as a service under that account. */
const SYSTEM_PROFILE = /^[A-Za-z]:\\Windows\\(?:System32|SysWOW64)\\config\\systemprofile(?=\\|$)/i;
/** The account behind SYSTEM_PROFILE, as `whoami` prints it. */
export const LOCAL_SYSTEM_USER = 'NT AUTHORITY\\SYSTEM';

/**
 * Where a path says the agent's home is: the folder above `xml-data/build-dir` or `temp/<task script>`, a
 * `bamboo-agent-home` folder, or the server's home above `local-working-dir` (where local agents build).
 */
const HOME_MARKS: { re: RegExp; local: boolean; through: boolean }[] = [
  { re: /[\\/]local-working-dir(?=[\\/]|$)/, local: true, through: false },
  { re: /[\\/]xml-data[\\/]build-dir(?=[\\/]|$)/, local: false, through: false },
  { re: /[\\/]bamboo-agent-home(?=[\\/]|$)/, local: false, through: true },
  { re: /[\\/]temp[\\/](?=[A-Z][A-Z0-9_]*-[A-Z][A-Z0-9_]*(?:-[A-Z][A-Z0-9_]*)?-\d+-[A-Z][A-Za-z]*Task[A-Za-z]*-\d)/, local: false, through: false },
];

/**
 * The Bamboo server's own home, where local agents build: a `bamboo-home` folder (the name Atlassian's install
 * guides give it; remote agents use `bamboo-agent-home`) or the server image's `/var/atlassian/application-data/bamboo`.
 */
export function isServerHome(home: string): boolean {
  return /(?:^|[\\/])bamboo-home$/i.test(home) || home === '/var/atlassian/application-data/bamboo';
}

/**
 * Records the agent's installation folder (`…/bamboo-agent-home`): the OS it is written in, and a container
 * agent by its home. `strong` for the lines that name it as such (working directory, the agent's own log);
 * a path met in other output only fills what is not known yet.
 */
export function noteAgentHome(ctx: JobContext, home: string, strong: boolean): void {
  if (strong || ctx.agentHomeDir === null) ctx.agentHomeDir = home;
  noteOsFromPath(ctx, home, strong);
  if (home === CONTAINER_AGENT_HOME || home.startsWith(`${CONTAINER_AGENT_HOME}/`)) ctx.agent.container = true;
}

/** What the paths of one line tell: the agent home (and so the OS), a local agent, the LocalSystem account, a build key. */
export function readPaths(ctx: JobContext, text: string): void {
  for (const m of text.matchAll(PATH_IN_TEXT)) readPath(ctx, m[0]);
}

/** One absolute path; also used for values that are a path on their own (an environment variable, a substitution). */
export function readPath(ctx: JobContext, path: string): void {
  const profile = SYSTEM_PROFILE.exec(path);
  if (profile) noteSystemProfile(ctx, profile[0]);
  for (const mark of HOME_MARKS) {
    const at = mark.re.exec(path);
    if (!at) continue;
    const home = path.slice(0, mark.through ? at.index + at[0].length : at.index);
    if (home === '' || /^[A-Za-z]:$/.test(home)) continue;
    noteAgentHome(ctx, home, false);
    if ((mark.local || isServerHome(home)) && ctx.agent.type === 'unknown') ctx.agent.type = 'local';
    break;
  }
  offerBuildKey(ctx, keyOfTempScript(path));
}

/**
 * `C:\Windows\system32\config\systemprofile` is the home of the LocalSystem account: an agent whose paths lead
 * there is a Windows service running as LocalSystem (its ~ and its Docker or Git credentials are there).
 */
function noteSystemProfile(ctx: JobContext, profile: string): void {
  ctx.agent.os = 'windows';
  ctx.agent.service = true;
  ctx.agent.home ??= profile;
  ctx.agentDetail.user ??= LOCAL_SYSTEM_USER;
}
