// Where the Specs reader registers how a job's `docker:` block is rendered, so fix templates can show it without
// loading yaml and zod in runs that were given no --specs.

import type { RunnerSpec } from '../model.js';

/** Renders a job's Specs `docker:` block, given the generic block a fix proposes (its lines to add are marked). */
export type RunnerSpecRenderer = (spec: RunnerSpec, genericBlock?: string) => string;

let registered: RunnerSpecRenderer | null = null;

/** Called by the Specs reader once loaded; `runnerSpecs` is only ever set on a job after that. */
export function useRunnerSpecRenderer(renderer: RunnerSpecRenderer): void {
  registered = renderer;
}

/** The registered renderer; null while no Specs were loaded. */
export const runnerSpecRenderer = (): RunnerSpecRenderer | null => registered;
