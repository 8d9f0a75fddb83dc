// Writes diagnoses back to the job result in Bamboo (opt-in): one comment with title, scenario and fix, a label per rule.

import type { Diagnosis } from '../model.js';
import type { BambooClient } from './client.js';
import { listed } from './listing.js';

export interface WriteBackOptions {
  comment: boolean;
  label: boolean;
  /** Reads what is there, says what would be written, writes nothing. */
  dryRun: boolean;
}

export interface Written {
  comments: number;
  labels: number;
}

/** Our marker in a comment, one per diagnosis: how a later run knows that diagnosis was written already. */
const MARKER = /\[bamboo-doctor:([a-z0-9][a-z0-9-]*)\]/g;
const marker = (rule: string) => `[bamboo-doctor:${rule}]`;

/** The label a rule puts on the job result, so Bamboo's label search and the plan summary find it. */
export const labelOf = (rule: string): string => `bd-${rule}`;

/** Longest fix text put in a comment; past it the comment points at bamboo-doctor's own output. */
const MAX_FIX = 3000;

const API = '/rest/api/latest/result';
const writePermission = (plan: string) =>
  `View permission on plan ${plan}, and credentials that may write (a read-only personal access token cannot add comments or labels)`;

/**
 * Writes what is not there yet: the diagnoses at error and warning level (an `info` does not explain a failure)
 * whose marker no comment holds, in one comment, and the labels the job result lacks. Nothing is written twice,
 * whatever the number of runs.
 */
export async function writeBack(
  client: BambooClient,
  job: { key: string; plan: string },
  diagnoses: Diagnosis[],
  options: WriteBackOptions,
  say: (message: string) => void,
): Promise<Written> {
  const written: Written = { comments: 0, labels: 0 };
  const todo = diagnoses.filter((d) => d.severity !== 'info');
  if (todo.length === 0) return written;
  if (options.comment) {
    const done = await commentedRules(client, job);
    const fresh = todo.filter((d) => !done.has(d.rule));
    if (fresh.length) {
      const content = commentText(fresh);
      if (options.dryRun) say(`would comment on ${job.key}:\n${content.replace(/^/gm, '  | ')}`);
      else await client.send({ path: `${API}/${job.key}/comment`, body: { content }, what: `a comment on ${job.key}`, permission: writePermission(job.plan) });
      written.comments++;
    }
  }
  if (options.label) {
    const have = await labelsOf(client, job);
    for (const label of new Set(todo.map((d) => labelOf(d.rule)))) {
      if (have.has(label)) continue;
      if (options.dryRun) say(`would label ${job.key}: ${label}`);
      else await client.send({ path: `${API}/${job.key}/label`, body: { name: label }, what: `label ${label} on ${job.key}`, permission: writePermission(job.plan) });
      written.labels++;
    }
  }
  return written;
}

/** The comment: per diagnosis its title and marker, the scenario, and the fix. */
export function commentText(diagnoses: Diagnosis[]): string {
  return diagnoses
    .map((d) => {
      const fix = d.fix.length > MAX_FIX ? `${d.fix.slice(0, MAX_FIX)}\n… (the whole fix: bamboo-doctor show ${d.build ?? ''})` : d.fix;
      const scenario = d.candidates ? `${d.scenario} (${d.candidates.join(' | ')})` : d.scenario;
      return `bamboo-doctor: ${d.title} ${marker(d.rule)}\nScenario: ${scenario}\nFix:\n${fix}`;
    })
    .join('\n\n');
}

/** Rules whose marker is in a comment on the job result already. */
async function commentedRules(client: BambooClient, job: { key: string; plan: string }): Promise<Set<string>> {
  const spec = {
    path: `${API}/${job.key}/comment`,
    query: { expand: 'comments.comment' },
    what: `the comments on ${job.key}`,
    permission: `View permission on plan ${job.plan}`,
  };
  const rules = new Set<string>();
  for await (const c of listed<{ content?: string }>(client, spec, 'comments', 'comment')) {
    for (const m of (c.content ?? '').matchAll(MARKER)) rules.add(m[1]);
  }
  return rules;
}

async function labelsOf(client: BambooClient, job: { key: string; plan: string }): Promise<Set<string>> {
  const spec = { path: `${API}/${job.key}/label`, what: `the labels of ${job.key}`, permission: `View permission on plan ${job.plan}` };
  const labels = new Set<string>();
  for await (const l of listed<{ name?: string }>(client, spec, 'labels', 'label')) labels.add((l.name ?? '').toLowerCase());
  return labels;
}
