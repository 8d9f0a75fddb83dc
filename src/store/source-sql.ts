// Which source a reading may skip, in SQL for either database: the same file unchanged, or a copy of it read elsewhere.

import type { SourceInfo, SourceRow } from './store.js';
import { spell, type SqlReader } from './sql.js';

const COLUMNS = 'id, path, kind, size, mtime_ms AS "mtimeMs", fingerprint, lines, status';

/**
 * A source read completely before: at the same path, unchanged since (same size and modification time); else, by its
 * fingerprint, the same content of the same kind read completely at another path (a copy of the log on another
 * machine or in another folder; its modification time is the copy's, so it is not compared).
 */
export async function findSource(sql: SqlReader, info: SourceInfo): Promise<SourceRow | undefined> {
  const samePath = `SELECT ${COLUMNS} FROM sources WHERE path = ? AND ${spell.isSame(sql.dialect, 'size')} AND ${spell.isSame(sql.dialect, 'mtime_ms')}
     AND status = 'done' ORDER BY id DESC LIMIT 1`;
  const copy = `SELECT ${COLUMNS} FROM sources WHERE fingerprint = ? AND size = ? AND kind = ? AND path <> ? AND status = 'done' ORDER BY id DESC LIMIT 1`;
  // PostgreSQL: both lookups in one round trip (~0.2 ms here, more than taking a small log's fingerprint: ~60 µs).
  // SQLite: the same path first, so a re-run over an unchanged folder opens none of its files.
  if (sql.dialect === 'postgres' && info.fingerprint !== null) {
    const rows = await sql.all<SourceRow & { found: number }>(
      `SELECT * FROM ((SELECT 0 AS found, s.* FROM (${samePath}) s) UNION ALL (SELECT 1 AS found, c.* FROM (${copy}) c)) AS f ORDER BY found LIMIT 1`,
      [info.path, info.size, info.mtimeMs, info.fingerprint, info.size, info.kind, info.path],
    );
    if (rows.length === 0) return undefined;
    const { found: _, ...row } = rows[0];
    return row;
  }
  const [same] = await sql.all<SourceRow>(samePath, [info.path, info.size, info.mtimeMs]);
  if (same || info.fingerprint === null) return same;
  const [found] = await sql.all<SourceRow>(copy, [info.fingerprint, info.size, info.kind, info.path]);
  return found;
}
