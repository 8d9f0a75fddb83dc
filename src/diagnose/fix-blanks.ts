// The blanks fix texts write for what a log may not show (`<agent user>`, `<agent UUID>`, …): filled from the job
// when the log showed the value; otherwise kept, and the fix ends by saying where to find each one left.

import type { JobContext } from '../model.js';
import { agentContainerId, agentUser } from '../context/agent-user.js';
import { jobKeyOf } from '../context/build-key.js';

interface Blank {
  token: string;
  value: (ctx: JobContext) => string | null;
  /** Where a person finds the value the log did not show. */
  where: string;
}

const BLANKS: readonly Blank[] = [
  {
    token: '<agent user>',
    value: agentUser,
    where: 'the account of the agent\'s java process: ps -eo user,args | grep -i bamboo (Windows: the "Log On As" of the Bamboo agent service)',
  },
  {
    token: '<agent UUID>',
    value: (c) => c.agentDetail.uuid,
    where: "the <agentUuid> in bamboo-agent.cfg.xml in the agent's home, or on the agent as its user: ls -d ~/.dockercfg-bamboo-*",
  },
  {
    token: '<agent container>',
    value: agentContainerId,
    where: "on the agent's Docker host: docker ps --filter ancestor=atlassian/bamboo-agent-base (a container agent's host name is its container id unless set)",
  },
  {
    token: '<agent home>',
    value: (c) => c.agentHomeDir,
    where: 'the folder above xml-data in the "Build working directory is …" line at the top of the full job log',
  },
  {
    token: '<agent>',
    value: (c) => c.agent.name,
    where: 'the agent named on the build result\'s Summary tab, or in "… started building on agent …" at the top of the full log',
  },
  {
    token: '<job key>',
    value: jobKeyOf,
    where: 'the build result key without its number (PROJ-PLAN-JOB1 of PROJ-PLAN-JOB1-12)',
  },
  {
    token: '<Bamboo server URL>',
    value: (c) => c.agentDetail.serverUrl,
    where: "the address of Bamboo's web interface (Administration → General configuration → Base URL)",
  },
];

/** Fills the blanks the job's context can fill; lists where to find the others under the fix. */
export function fillBlanks(fix: string, ctx: JobContext): string {
  let out = fix;
  const left: Blank[] = [];
  for (const blank of BLANKS) {
    if (!out.includes(blank.token)) continue;
    const value = blank.value(ctx);
    if (value) out = out.replaceAll(blank.token, value);
    else left.push(blank);
  }
  if (left.length === 0) return out;
  return `${out}\n\nNot in the log, and where to find it:\n${left.map((b) => `  ${b.token}: ${b.where}`).join('\n')}`;
}
