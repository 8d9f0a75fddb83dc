// Cause lines in PostgreSQL (causes.ts is SQLite's): signatures, builds' signatures, each job's green baseline, and
// the stored causes of its failed builds ranked again when the baseline grows, by the function SQLite ranks them with.

import type pg from 'pg';
import { rerankStored, type GreenLines, type StoredCause } from './causes.js';
import { REDACTION_VERSION } from '../secrets/redact.js';

/** PostgreSQL text cannot hold NUL, which a log line may: it is stored as U+FFFD (the replacement character). */
export const clean = (v: string): string => (v.includes('\0') ? v.replaceAll('\0', '\uFFFD') : v);
/** Rows as the JSON that jsonb_to_recordset reads, their text cleaned. */
export const json = (rows: unknown[]) => JSON.stringify(rows, (_k, v) => (typeof v === 'string' ? clean(v) : v));

/** Per plan and job, the template hashes of error-like lines of successful builds (the analyzer's baseline). */
export type GreenCache = Map<string, Set<string>>;
export const greenKey = (plan: string, job: string): string => `${plan}\u0000${job}`;

/** A build's signature: that of its most telling diagnosis with cause lines (as CauseStore.afterWrite in SQLite). */
const BUILD_SIGNATURES = `UPDATE builds SET signature = (SELECT d.signature FROM diagnoses d WHERE d.build_id = builds.id AND d.signature IS NOT NULL
  ORDER BY (d.severity = 'error') DESC, d.generic, d.line LIMIT 1) WHERE id = ANY($1::bigint[])`;

/** The templates of signatures (hash → template), each stored once. */
export async function saveSignatures(client: pg.PoolClient, templates: Map<string, string>): Promise<void> {
  if (templates.size === 0) return;
  await client.query(`INSERT INTO signatures (hash, template, masked) SELECT *, ${REDACTION_VERSION} FROM unnest($1::text[], $2::text[]) ORDER BY 1 ON CONFLICT DO NOTHING`, [
    [...templates.keys()],
    [...templates.values()].map(clean),
  ]);
}

/** The builds' own signatures, from their diagnoses. */
export async function signBuilds(client: pg.PoolClient, ids: number[]): Promise<void> {
  if (ids.length) await client.query(BUILD_SIGNATURES, [ids]);
}

/**
 * Green lines of builds (plan, job, build key, lines) into green_lines and the in-memory baseline. The lines new to
 * the database (RETURNING: another writer's are not) rank again the stored causes of the job's failed builds, as
 * CauseStore.saveGreen does in SQLite, so the order logs were read in, on any machine, does not matter.
 */
export async function insertGreen(client: pg.PoolClient, builds: [string, string, string, GreenLines][], greens: GreenCache): Promise<void> {
  const rows: [string, string, string, string, string, string][] = [];
  for (const [plan, job, key, green] of builds) {
    let known = greens.get(greenKey(plan, job));
    if (!known) greens.set(greenKey(plan, job), (known = new Set()));
    // Not filtered by what is known: a transaction run again after a deadlock must write them all again.
    for (const [hash, { template, text }] of green) {
      known.add(hash);
      rows.push([plan, job, hash, clean(template), clean(text), key]);
    }
  }
  if (rows.length === 0) return;
  const column = (i: number) => rows.map((r) => r[i]);
  const fresh = await client.query<{ plan: string; job: string; hash: string }>(
    `INSERT INTO green_lines (plan, job, hash, template, sample, first_build, masked)
     SELECT *, ${REDACTION_VERSION} FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) ORDER BY 1, 2, 3 ON CONFLICT DO NOTHING
     RETURNING plan, job, hash`,
    [0, 1, 2, 3, 4, 5].map(column),
  );
  await rerank(client, fresh.rows, greens);
}

/**
 * The stored causes of failed builds of the jobs that hold one of the `fresh` template hashes (the pool's JSON
 * holds each candidate's hash), ranked again with the job's green set. The rows are locked first, in id order, and
 * the green set read after: a writer adding other green lines of the same job waits or is waited for, and the one
 * that ranks last sees the other's lines (a row is ranked by the green lines of its own pool only).
 */
async function rerank(client: pg.PoolClient, fresh: { plan: string; job: string; hash: string }[], greens: GreenCache): Promise<void> {
  const jobs = new Map<string, { plan: string; job: string; hashes: string[] }>();
  for (const { plan, job, hash } of fresh) {
    const key = greenKey(plan, job);
    if (!jobs.has(key)) jobs.set(key, { plan, job, hashes: [] });
    jobs.get(key)!.hashes.push(`"${hash}"`);
  }
  const builds = new Set<number>();
  const templates = new Map<string, string>();
  for (const key of [...jobs.keys()].sort()) {
    const { plan, job, hashes } = jobs.get(key)!;
    const stored = await client.query<StoredCause>(
      `SELECT d.id, d.build_id AS "buildId", d.cause, d.cause_pool AS pool, d.fix FROM diagnoses d JOIN builds b ON b.id = d.build_id
       WHERE d.plan = $1 AND d.job = $2 AND d.cause_pool IS NOT NULL AND b.state = 'failed'
         AND EXISTS (SELECT 1 FROM unnest($3::text[]) AS h(quoted) WHERE strpos(d.cause_pool, h.quoted) > 0)
       ORDER BY d.id FOR UPDATE OF d`,
      [plan, job, hashes],
    );
    if (stored.rows.length === 0) continue;
    const green = await client.query<{ hash: string }>('SELECT hash FROM green_lines WHERE plan = $1 AND job = $2', [plan, job]);
    const set = greens.get(key)!;
    for (const r of green.rows) set.add(r.hash);
    const changed: { id: number; cause: string; signature: string | null; fix: string }[] = [];
    for (const row of stored.rows) {
      const ranked = rerankStored(row, set);
      if (!ranked) continue;
      changed.push({ id: row.id, cause: ranked.cause, signature: ranked.signature, fix: ranked.fix });
      if (ranked.signature && ranked.template) templates.set(ranked.signature, ranked.template);
      builds.add(row.buildId);
    }
    if (changed.length === 0) continue;
    await client.query(
      `UPDATE diagnoses d SET cause = u.cause, signature = u.signature, fix = u.fix
       FROM jsonb_to_recordset($1::jsonb) AS u(id bigint, cause text, signature text, fix text) WHERE d.id = u.id`,
      [json(changed)],
    );
  }
  await saveSignatures(client, templates);
  await signBuilds(client, [...builds]);
}
