// The `--by` dimensions of a history query, as the user names them (the SQL of each is the store's: history-sql.ts).

import { UsageError } from '../errors.js';
import { DIMENSIONS, type Dimension } from '../store/history-sql.js';

export { DIMENSIONS, isTime, type Dimension } from '../store/history-sql.js';

/** `rule`, `rule,agent` or `['rule', 'agent']` → one or two dimensions. */
export function parseBy(spec: string | string[]): Dimension[] {
  const names = (Array.isArray(spec) ? spec : [spec]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  if (names.length === 0 || names.length > 2) {
    throw new UsageError(`--by ${names.join(',')}: expected one or two of ${DIMENSIONS.join(', ')} (e.g. --by rule,agent)`);
  }
  for (const n of names) {
    if (!(DIMENSIONS as string[]).includes(n)) throw new UsageError(`--by ${n}: expected one of ${DIMENSIONS.join(', ')}`);
  }
  if (names[0] === names[1]) throw new UsageError(`--by ${names.join(',')}: name two different dimensions`);
  return names as Dimension[];
}
