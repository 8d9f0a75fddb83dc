// Bamboo Specs YAML (`--specs`): each plan's jobs and `docker:` blocks, linked to builds by plan and job key.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { lazily, yaml } from '../lazy.js';
import type { JobContext, RunnerSpec, Volume } from '../model.js';
import { InputError } from '../errors.js';
import { checkShape, keyLineAt, readYamlDocs, type YamlDoc } from './yaml-input.js';
import { useRunnerSpecRenderer } from './runner-spec-renderer.js';

/** Bamboo maps these unless `use-default-volumes: false` (bamboo-facts §3.1). */
export const DEFAULT_RUNNER_VOLUMES: Volume[] = [
  { host: '${bamboo.working.directory}', container: '${bamboo.working.directory}' },
  { host: '${bamboo.tmp.directory}', container: '${bamboo.tmp.directory}' },
];

/** The shapes of a Specs file's parts, built on first use (see lazy.ts). */
const schemas = lazily((z) => {
  const word = z.union([z.string().min(1), z.number()]).transform(String);
  return {
    dockerBlock: z.union([
      z.string().min(1),
      z.looseObject({
        image: z.string().min(1),
        volumes: z.record(z.string(), word).optional(),
        'use-default-volumes': z.boolean().optional(),
        'docker-run-arguments': z.union([z.array(word), word]).optional(),
      }),
    ]),
    planHeader: z.looseObject({ 'project-key': word, key: word }),
  };
});
const DOCKER_SHAPE = 'an image name, or { image, volumes: {host: container}, use-default-volumes, docker-run-arguments }';

interface PlanSpec {
  planDocker: RunnerSpec | null;
  /** By job key: the job's own block, else the plan's; null when neither exists (the agent's environment). */
  jobs: Map<string, RunnerSpec | null>;
  /** Whether any job, keyed or not, has a block of its own (then an unknown job's block cannot be told). */
  jobsDiffer: boolean;
}

/** The plans of a set of Specs files, by plan key (`PROJECT-PLAN`). */
export class SpecsIndex {
  readonly plans = new Map<string, PlanSpec>();

  /** The docker block a job runs with; null when the specs say it has none; undefined when they do not say. */
  lookup(plan: string, job: string | null): RunnerSpec | null | undefined {
    const p = this.plans.get(plan);
    if (!p) return undefined;
    if (job !== null && p.jobs.has(job)) return p.jobs.get(job);
    return p.jobsDiffer ? undefined : p.planDocker;
  }

  /**
   * Links a job to its block. A runner the log shows (its `docker run` line) wins; when the log lacks that
   * line, the specs supply the runner, also over `agent`, which the tracker only infers from its absence.
   */
  enrich(ctx: JobContext): void {
    if (ctx.plan === null) return;
    const spec = this.lookup(ctx.plan, ctx.job);
    if (spec === undefined) return;
    ctx.runnerSpecs = spec;
    if (spec === null) {
      if (ctx.runner.kind === 'unknown') ctx.runner.kind = 'agent';
      return;
    }
    const r = ctx.runner;
    if (r.kind === 'docker' && (r.image !== null || r.volumes.length > 0)) return;
    ctx.runner = { kind: 'docker', image: r.image ?? spec.image, volumes: runnerVolumes(spec), arguments: [...spec.arguments] };
  }
}

/** The volumes a runner started from this block has: Bamboo's defaults (unless turned off), then the block's. */
export function runnerVolumes(spec: RunnerSpec): Volume[] {
  return [...(spec.useDefaultVolumes ? DEFAULT_RUNNER_VOLUMES : []), ...spec.volumes].map((v) => ({ ...v }));
}

/** Reads Specs files and folders (`*.yaml`, `*.yml`, recursively); documents that define no plan are passed over. */
export function loadSpecs(paths: string[], into = new SpecsIndex()): SpecsIndex {
  for (const file of paths.flatMap(specFiles)) {
    for (const d of readYamlDocs(file)) readPlanDoc(d, into);
  }
  return into;
}

function specFiles(path: string): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new InputError(path, null, 'no such Specs file or folder');
  }
  if (!stat.isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.') && (e.isDirectory() || /\.ya?ml$/i.test(e.name)))
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => specFiles(join(path, e.name)));
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A plan document: `plan: {project-key, key}`, `stages`, one top-level entry per job, optional plan `docker`. */
function readPlanDoc(d: YamlDoc, into: SpecsIndex): void {
  const v = d.value;
  // Permissions, deployment projects and YAML v1 documents hold no plan with stages.
  if (!isMap(v) || !isMap(v.plan) || !Array.isArray(v.stages)) return;
  const header = checkShape(schemas().planHeader, v.plan, d, ['plan'], 'project-key and key');
  const planDocker = v.docker === undefined ? null : dockerSpec(d, ['docker'], v.docker, 'plan');
  const plan: PlanSpec = { planDocker, jobs: new Map(), jobsDiffer: false };
  for (const name of jobNames(v.stages)) {
    const job = v[name];
    if (!isMap(job)) continue;
    const own = job.docker === undefined ? null : dockerSpec(d, [name, 'docker'], job.docker, 'job');
    if (own) plan.jobsDiffer = true;
    if (job.key !== undefined) plan.jobs.set(String(job.key), own ?? planDocker);
  }
  into.plans.set(`${header['project-key']}-${header.key}`, plan);
}

/** Job names listed in `stages`: `- Stage: [Job, …]` or `- Stage: { jobs: [Job, …] }`. */
function jobNames(stages: unknown[]): string[] {
  const names: string[] = [];
  for (const stage of stages) {
    if (!isMap(stage)) continue;
    for (const body of Object.values(stage)) {
      const list = Array.isArray(body) ? body : isMap(body) && Array.isArray(body.jobs) ? body.jobs : [];
      for (const n of list) if (typeof n === 'string') names.push(n);
    }
  }
  return names;
}

function dockerSpec(d: YamlDoc, path: string[], value: unknown, level: RunnerSpec['level']): RunnerSpec {
  const block = checkShape(schemas().dockerBlock, value, d, path, DOCKER_SHAPE);
  const line = keyLineAt(d, path) ?? 0;
  if (typeof block === 'string') return { file: d.file, line, level, image: block, volumes: [], useDefaultVolumes: true, arguments: [] };
  const args = block['docker-run-arguments'];
  return {
    file: d.file,
    line,
    level,
    image: block.image,
    volumes: Object.entries(block.volumes ?? {}).map(([host, container]) => ({ host, container })),
    useDefaultVolumes: block['use-default-volumes'] ?? true,
    arguments: args === undefined ? [] : Array.isArray(args) ? args : [args],
  };
}

/** What a fix's generic `docker:` block asks for: the volumes and run arguments it lists. */
export interface RunnerWanted {
  volumes: Volume[];
  arguments: string[];
}

/** Reads the generic block a fix text shows; null when the text is not such a block. */
export function wantedFromYaml(text: string): RunnerWanted | null {
  let value: unknown;
  try {
    value = yaml().parse(text);
  } catch {
    return null;
  }
  const block = isMap(value) && 'docker' in value ? value.docker : value;
  if (!isMap(block)) return null;
  const volumes = isMap(block.volumes) ? Object.entries(block.volumes).map(([host, c]) => ({ host, container: String(c) })) : [];
  const args = block['docker-run-arguments'];
  return { volumes, arguments: Array.isArray(args) ? args.map(String) : [] };
}

const scalar = (s: string): string => yaml().stringify(s, { lineWidth: 0 }).trimEnd();

/**
 * The job's block as YAML lines, with what `wanted` lists and the block lacks marked `# add` (a volume the
 * block maps elsewhere: `# change`). Bamboo's default volumes count as present unless the block turns them off.
 */
export function renderRunnerSpec(spec: RunnerSpec, wanted?: RunnerWanted | null): string {
  const origin = spec.level === 'job' ? "the job's own block" : "the plan's block, which the job inherits";
  const lines = [`docker:  # ${origin} (${spec.file}:${spec.line})`, `  image: ${scalar(spec.image)}`];
  const implicit = new Set(spec.useDefaultVolumes ? DEFAULT_RUNNER_VOLUMES.map((v) => v.host) : []);
  const defaults = new Set(DEFAULT_RUNNER_VOLUMES.map((v) => v.host));
  const volumes = spec.volumes.map((v) => {
    const want = wanted?.volumes.find((w) => w.host === v.host);
    // Where the job mounts its working or temp directory is its own choice, not part of any fix.
    if (want && want.container !== v.container && !defaults.has(v.host)) return `    ${scalar(v.host)}: ${scalar(want.container)}  # change, was ${v.container}`;
    return `    ${scalar(v.host)}: ${scalar(v.container)}`;
  });
  for (const w of wanted?.volumes ?? []) {
    if (!implicit.has(w.host) && !spec.volumes.some((v) => v.host === w.host)) volumes.push(`    ${scalar(w.host)}: ${scalar(w.container)}  # add`);
  }
  if (volumes.length) lines.push('  volumes:', ...volumes);
  if (!spec.useDefaultVolumes) lines.push('  use-default-volumes: false');
  const added = (wanted?.arguments ?? []).filter((a) => !spec.arguments.includes(a));
  const args = [...spec.arguments.map((a) => `    - ${scalar(a)}`), ...added.map((a) => `    - ${scalar(a)}  # add`)];
  if (args.length) lines.push('  docker-run-arguments:', ...args);
  return lines.join('\n');
}

useRunnerSpecRenderer((spec, generic) => renderRunnerSpec(spec, generic === undefined ? null : wantedFromYaml(generic)));
