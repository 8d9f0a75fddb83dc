// What the user supplied about where jobs ran (`--agents`, `--specs`), as the analyzer's one enrich step.

import type { JobContext } from '../model.js';
import { loadAgents } from './agents.js';
import { loadSpecs } from './specs.js';

/** Loads the files (errors name file and line) and returns the step, or undefined when none was given. */
export function userContext(agentFiles: string[] = [], specPaths: string[] = []): ((ctx: JobContext) => void) | undefined {
  const agents = agentFiles.length ? loadAgents(agentFiles) : null;
  const specs = specPaths.length ? loadSpecs(specPaths) : null;
  if (!agents && !specs) return undefined;
  return (ctx) => {
    specs?.enrich(ctx);
    agents?.enrich(ctx);
  };
}
