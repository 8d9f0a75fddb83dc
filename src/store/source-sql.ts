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
  const [same] = await sql.all<SourceRow>(
    `SELECT ${COLUMNS} FROM sources WHERE path = ? AND ${spell.isSame(sql.dialect, 'size')} AND ${spell.isSame(sql.dialect, 'mtime_ms')}
     AND status = 'done' ORDER BY id DESC LIMIT 1`,
    [info.path, info.size, info.mtimeMs],
  );
  if (same || info.fingerprint === null) return same;
  const [copy] = await sql.all<SourceRow>(
    `SELECT ${COLUMNS} FROM sources WHERE fingerprint = ? AND size = ? AND kind = ? AND path <> ? AND status = 'done' ORDER BY id DESC LIMIT 1`,
    [info.fingerprint, info.size, info.kind, info.path],
  );
  return copy;
}
