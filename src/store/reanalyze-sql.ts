// What `reanalyze` reads, in SQL for either database: the recorded sources to read again, the name their builds
// were stored under, and a build's stored rows to compare with a fresh diagnosis.

import type { SqlReader } from './sql.js';

export interface Recorded {
  id: number;
  path: string;
  status: string;
}

/** A stored diagnosis row as reanalyze compares it (severity and signature when known). */
export interface StoredRow {
  rule: string;
  version: string;
  severity?: string;
  signature?: string | null;
}

const READABLE = "kind IN ('file', 'follow') AND status IN ('done', 'partial', 'interrupted')";

/**
 * The newest record of each file read before, followed ones too (stdin cannot be read again); with `since`, only
 * those holding a build that started then or later (or, holding none, read since).
 */
export function recordedSources(sql: SqlReader, since: string | null): Promise<Recorded[]> {
  const owns = 'SELECT 1 FROM builds b JOIN sources o ON o.id = b.source_id WHERE o.path = s.path';
  return sql.all(
    `SELECT s.id, s.path, s.status FROM sources s
     WHERE s.id IN (SELECT max(id) FROM sources WHERE ${READABLE} GROUP BY path)
       AND (CAST(? AS TEXT) IS NULL OR EXISTS (${owns} AND b.started >= ?)
         OR (NOT EXISTS (${owns}) AND (SELECT max(t.ingested_at) FROM sources t WHERE t.path = s.path AND t.${READABLE.replace(' AND status', ' AND t.status')}) >= ?))
     ORDER BY s.path`,
    [since, since, since],
  );
}

/**
 * The name the newest reading of the file gave its builds: a followed file names each generation apart
 * (`agent.log (2)` after a rotation), and what is there now is the newest one, whose unkeyed builds
 * (`agent.log (2)#1`) must be met, not those of an older generation.
 */
export async function sourceName(sql: SqlReader, source: Recorded): Promise<string> {
  const named = async (where: string, value: number | string) =>
    (await sql.all<{ name: string }>(`SELECT b.source_path AS name FROM builds b JOIN sources s ON s.id = b.source_id WHERE ${where} ORDER BY b.id LIMIT 1`, [value]))[0];
  return ((await named('s.id = ?', source.id)) ?? (await named('s.path = ?', source.path)))?.name ?? source.path;
}

export function storedRows(sql: SqlReader, key: string): Promise<StoredRow[]> {
  return sql.all('SELECT d.rule, d.rule_version AS version, d.severity, d.signature FROM diagnoses d JOIN builds b ON b.id = d.build_id WHERE b.build_key = ?', [key]);
}
