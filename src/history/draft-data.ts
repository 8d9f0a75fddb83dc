// What `rules draft` takes from the database: a signature's template, its real lines, and lines it must not match.

import type { CauseLine } from '../model.js';
import type { DraftSource } from '../rules/draft.js';
import { templateOf } from '../diagnose/signature.js';
import { UsageError } from '../errors.js';
import { findBuild } from '../store/stored-sql.js';
import { causesOf, failedBuildsOf, greenSamples, otherSignatures, signatureOfBuild, signatureTemplate, type SignedBuild } from '../store/draft-sql.js';
import type { SqlReader } from '../store/sql.js';

/** Real lines kept for the match tests, and other failures' lines looked at as near misses. */
const MATCH_LINES = 5;
const OTHER_FAILURES = 30;

/** A signature (16 hex digits) or a build key whose signature is meant; `name` names the database in messages. */
export async function draftSource(sql: SqlReader, name: string, ref: string): Promise<DraftSource> {
  const signature = /^[0-9a-f]{16}$/.test(ref) ? ref : await signatureOf(sql, name, ref);
  const template = await signatureTemplate(sql, signature);
  if (template === undefined) throw new UsageError(`${name}: no failure signature ${signature} (history --unexplained lists them)`);
  const builds = await failedBuildsOf(sql, signature);
  const causes = (await causesOf(sql, signature)).map((c) => JSON.parse(c) as CauseLine[]);
  const lines = distinct(causes.map((c) => c[0]?.text).filter((t): t is string => !!t)).slice(0, MATCH_LINES);
  const others = distinct(causes.flatMap((c) => c.slice(1).map((l) => l.text)));
  const started = builds.map((b) => b.started).filter((s): s is string => !!s).sort();
  return {
    signature,
    template,
    lines,
    near: [...(await greenLines(sql, builds)), ...others.map((text) => ({ text, template: templateOf(text), green: false })), ...(await otherFailures(sql, signature))],
    builds: builds.map((b) => b.key),
    plans: distinct(builds.map((b) => b.plan).filter((p): p is string => !!p)).sort(),
    agents: distinct(builds.map((b) => b.agent).filter((a): a is string => !!a)).sort(),
    first: started[0] ?? null,
    last: started.at(-1) ?? null,
  };
}

async function signatureOf(sql: SqlReader, name: string, key: string): Promise<string> {
  const build = await findBuild(sql, key);
  if (!build) throw new UsageError(`${name}: no build ${key} and no signature by that name (a signature is 16 hex digits)`);
  const signature = await signatureOfBuild(sql, build.id);
  if (!signature) throw new UsageError(`${build.key} has no failure signature: ${build.state === 'failed' ? 'its log held no error-like line' : `it did not fail (${build.state})`}`);
  return signature;
}

/** Error-like lines of successful builds of the jobs the signature failed in: what the rule must leave alone. */
async function greenLines(sql: SqlReader, builds: SignedBuild[]): Promise<DraftSource['near']> {
  const jobs = distinct(builds.filter((b) => b.plan && b.job).map((b) => `${b.plan}\u0000${b.job}`));
  const found = await Promise.all(jobs.map((j) => greenSamples(sql, ...(j.split('\u0000') as [string, string]))));
  return found.flat().map((r) => ({ ...r, green: true }));
}

/** The first cause line of other signatures: other failures, which the rule must not claim. */
async function otherFailures(sql: SqlReader, signature: string): Promise<DraftSource['near']> {
  return (await otherSignatures(sql, signature, OTHER_FAILURES)).flatMap((r) => {
    const text = r.cause ? (JSON.parse(r.cause) as CauseLine[])[0]?.text : undefined;
    return text ? [{ text, template: r.template, green: false }] : [];
  });
}

const distinct = <T>(list: T[]): T[] => [...new Set(list)];
