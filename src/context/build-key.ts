// Build result keys (`PROJ-PLAN[-JOB]-N`): reading one, and taking it from the lines that name it besides the header.

import type { JobContext } from '../model.js';

const KEY = /^([A-Z][A-Z0-9_]*)-([A-Z][A-Z0-9_]*)(?:-([A-Z][A-Z0-9_]*))?-(\d+)$/;

/** The key part a task's temp file name starts with: `<KEY>-ScriptBuildTask-<digits>`, `<KEY>-MsBuildTaskType-<digits>.rsp`. */
const TEMP_SCRIPT = /(?:^|[\\/\s[@])([A-Z][A-Z0-9_]*-[A-Z][A-Z0-9_]*(?:-[A-Z][A-Z0-9_]*)?-\d+)-[A-Z][A-Za-z]*Task[A-Za-z]*-\d+/;

/** True for a key of Bamboo's form; a header may name something else (a scrubbed or hand-edited log, a deployment). */
export function isBambooKey(key: string): boolean {
  return KEY.test(key);
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

/**
 * A key another line names ("Executing build … (KEY)", "Finished building KEY.", a temp script's name): taken
 * when it is a Bamboo key and the job has none yet, or only one that is not (the header's own may not be).
 */
export function offerBuildKey(ctx: JobContext, key: string | null | undefined): void {
  if (!key || !isBambooKey(key)) return;
  if (ctx.build === null || !isBambooKey(ctx.build)) applyBuildKey(ctx, key);
}

/** The build key in a task's temp script path (`…/temp/PROJ-PLAN-JOB1-7-ScriptBuildTask-123.sh`), or null. */
export function keyOfTempScript(text: string): string | null {
  return TEMP_SCRIPT.exec(text)?.[1] ?? null;
}

/** The job's key (`PROJ-PLAN-JOB1`): the build key without its number; null without a Bamboo key. */
export function jobKeyOf(ctx: JobContext): string | null {
  return ctx.number === null || ctx.build === null ? null : ctx.build.replace(/-\d+$/, '');
}
