// Packages loaded on first use: zod (~95 modules, ~70 ms) and yaml (~70 ms) are needed only by a command that reads
// a rule file, YAML (--agents, --specs) or NDJSON, not at the start-up of every analyze (cached rules), history,
// show or --version.

import { createRequire } from 'node:module';
import type { z as Z } from 'zod';
import type * as YamlType from 'yaml';

const load = createRequire(import.meta.url);

/** A package's CommonJS build the first time it is asked for (the one copy in the process: ESM imports of yaml load it too). */
function lazyModule<T>(name: string): () => T {
  let module: T | undefined;
  return () => (module ??= load(name) as T);
}

const zodModule = lazyModule<{ z: typeof Z }>('zod');

/** zod itself. */
export const zod = (): typeof Z => zodModule().z;

/** yaml itself. */
export const yaml = lazyModule<typeof YamlType>('yaml');

/** A value built with zod the first time it is asked for (schemas), then kept. */
export function lazily<T>(build: (z: typeof Z) => T): () => T {
  let value: T | undefined;
  return () => (value ??= build(zod()));
}
