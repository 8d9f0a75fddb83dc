// What `rules draft` takes from the database: a signature's template, its real lines, and lines it must not match.

import type Database from 'better-sqlite3';
import type { CauseLine } from '../model.js';
import type { DraftSource } from '../rules/draft.js';
import { templateOf } from '../diagnose/signature.js';
import { UsageError } from '../errors.js';
import { findBuild } from './stored.js';

/** Real lines kept for the match tests, and other failures' lines looked at as near misses. */
const MATCH_LINES = 5;
const OTHER_FAILURES = 30;

/** A signature (16 hex digits) or a build key whose signature is meant. */
export function draftSource(db: Database.Database, ref: string): DraftSource {
  const signature = /^[0-9a-f]{16}$/.test(ref) ? ref : signatureOfBuild(db, ref);
  const template = db.prepare('SELECT template FROM signatures WHERE hash = ?').pluck().get(signature) as string | undefined;
  if (template === undefined) throw new UsageError(`${db.name}: no failure signature ${signature} (history --unexplained lists them)`);
  const builds = db
    .prepare("SELECT build_key AS key, plan, job, agent_name AS agent, started FROM builds WHERE signature = ? AND state = 'failed' ORDER BY started DESC, build_key")
    .all(signature) as { key: string; plan: string | null; job: string | null; agent: string | null; started: string | null }[];
  const causes = (db.prepare("SELECT d.cause FROM diagnoses d JOIN builds b ON b.id = d.build_id WHERE d.signature = ? AND d.cause IS NOT NULL ORDER BY b.started DESC, d.severity = 'error' DESC").pluck().all(signature) as string[]).map(
    (c) => JSON.parse(c) as CauseLine[],
  );
  const lines = distinct(causes.map((c) => c[0]?.text).filter((t): t is string => !!t)).slice(0, MATCH_LINES);
  const others = distinct(causes.flatMap((c) => c.slice(1).map((l) => l.text)));
  const started = builds.map((b) => b.started).filter((s): s is string => !!s).sort();
  return {
    signature,
    template,
    lines,
    near: [...greenLines(db, builds), ...others.map((text) => ({ text, template: templateOf(text), green: false })), ...otherFailures(db, signature)],
    builds: builds.map((b) => b.key),
    plans: distinct(builds.map((b) => b.plan).filter((p): p is string => !!p)).sort(),
    agents: distinct(builds.map((b) => b.agent).filter((a): a is string => !!a)).sort(),
    first: started[0] ?? null,
    last: started.at(-1) ?? null,
  };
}

function signatureOfBuild(db: Database.Database, key: string): string {
  const build = findBuild(db, key);
  if (!build) throw new UsageError(`${db.name}: no build ${key} and no signature by that name (a signature is 16 hex digits)`);
  const signature = db.prepare('SELECT signature FROM builds WHERE id = ?').pluck().get(build.id) as string | null;
  if (!signature) throw new UsageError(`${build.key} has no failure signature: ${build.state === 'failed' ? 'its log held no error-like line' : `it did not fail (${build.state})`}`);
  return signature;
}

/** Error-like lines of successful builds of the jobs the signature failed in: what the rule must leave alone. */
function greenLines(db: Database.Database, builds: { plan: string | null; job: string | null }[]): DraftSource['near'] {
  const stmt = db.prepare('SELECT sample AS text, template FROM green_lines WHERE plan = ? AND job = ?');
  const jobs = distinct(builds.filter((b) => b.plan && b.job).map((b) => `${b.plan}\u0000${b.job}`));
  return jobs.flatMap((j) => (stmt.all(...j.split('\u0000')) as { text: string; template: string }[]).map((r) => ({ ...r, green: true })));
}

/** The first cause line of other signatures: other failures, which the rule must not claim. */
function otherFailures(db: Database.Database, signature: string): DraftSource['near'] {
  const rows = db
    .prepare('SELECT s.template, (SELECT d.cause FROM diagnoses d WHERE d.signature = s.hash AND d.cause IS NOT NULL LIMIT 1) AS cause FROM signatures s WHERE s.hash <> ? LIMIT ?')
    .all(signature, OTHER_FAILURES) as { template: string; cause: string | null }[];
  return rows.flatMap((r) => {
    const text = r.cause ? (JSON.parse(r.cause) as CauseLine[])[0]?.text : undefined;
    return text ? [{ text, template: r.template, green: false }] : [];
  });
}

const distinct = <T>(list: T[]): T[] => [...new Set(list)];
