// What `rules draft` reads, in SQL for either database: a signature's template, its failed builds and cause lines,
// the green lines of their jobs, and other signatures' first cause lines.

import type { SqlReader } from './sql.js';

export interface SignedBuild {
  key: string;
  plan: string | null;
  job: string | null;
  agent: string | null;
  started: string | null;
}

export async function signatureTemplate(sql: SqlReader, hash: string): Promise<string | undefined> {
  return (await sql.all<{ template: string }>('SELECT template FROM signatures WHERE hash = ?', [hash]))[0]?.template;
}

export async function signatureOfBuild(sql: SqlReader, id: number): Promise<string | null> {
  return (await sql.all<{ signature: string | null }>('SELECT signature FROM builds WHERE id = ?', [id]))[0]?.signature ?? null;
}

/** The failed builds with the signature, newest first. */
export function failedBuildsOf(sql: SqlReader, signature: string): Promise<SignedBuild[]> {
  return sql.all(
    "SELECT build_key AS key, plan, job, agent_name AS agent, started FROM builds WHERE signature = ? AND state = 'failed' ORDER BY started DESC NULLS LAST, build_key",
    [signature],
  );
}

/** The stored cause lines (JSON) of diagnoses with the signature, newest build first, errors before the rest. */
export async function causesOf(sql: SqlReader, signature: string): Promise<string[]> {
  const rows = await sql.all<{ cause: string }>(
    "SELECT d.cause FROM diagnoses d JOIN builds b ON b.id = d.build_id WHERE d.signature = ? AND d.cause IS NOT NULL ORDER BY b.started DESC NULLS LAST, (d.severity = 'error') DESC",
    [signature],
  );
  return rows.map((r) => r.cause);
}

/** Error-like lines of the job's successful builds, a sample of each template. */
export function greenSamples(sql: SqlReader, plan: string, job: string): Promise<{ text: string; template: string }[]> {
  return sql.all('SELECT sample AS text, template FROM green_lines WHERE plan = ? AND job = ? ORDER BY hash', [plan, job]);
}

/** Other signatures, with a cause (JSON) that made each. */
export function otherSignatures(sql: SqlReader, signature: string, limit: number): Promise<{ template: string; cause: string | null }[]> {
  return sql.all(
    'SELECT s.template, (SELECT d.cause FROM diagnoses d WHERE d.signature = s.hash AND d.cause IS NOT NULL LIMIT 1) AS cause FROM signatures s WHERE s.hash <> ? ORDER BY s.hash LIMIT ?',
    [signature, limit],
  );
}
