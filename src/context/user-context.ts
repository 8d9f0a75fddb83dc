// What the user supplied about where jobs ran (`--agents`, `--specs`), as the analyzer's one enrich step.

import type { JobContext } from '../model.js';
import type { AgentInventory } from './agents.js';

/**
 * Loads the files (errors name file and line) and returns the step, or undefined when none was given.
 * The readers (yaml, zod) are imported only when such files are given: most runs start without them.
 * `known` holds agents known already (a Bamboo server's list): the files add to it and override it.
 */
export async function userContext(agentFiles: string[] = [], specPaths: string[] = [], known?: AgentInventory): Promise<((ctx: JobContext) => void) | undefined> {
  const agents = agentFiles.length ? (await import('./agents.js')).loadAgents(agentFiles, known) : (known ?? null);
  const specs = specPaths.length ? (await import('./specs.js')).loadSpecs(specPaths) : null;
  if (!agents && !specs) return undefined;
  return (ctx) => {
    specs?.enrich(ctx);
    agents?.enrich(ctx);
  };
}
