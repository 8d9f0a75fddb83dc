// `bamboo-doctor history`: what is breaking the builds, where, since when, and is it getting worse.

import type { Argv } from 'yargs';
import { DIMENSIONS, isTime, parseBy } from '../history/dimensions.js';
import { resolveFilter, type HistoryFilter } from '../history/filters.js';
import { historyCsv, historyJson, historyText, unexplainedCsv, unexplainedText } from '../history/format.js';
import { historyRows, trendOf } from '../history/query.js';
import { signatureGroups, unexplainedBuilds } from '../store/failure-sql.js';
import { signatureCsv, signatureJson, signatureText } from '../history/signature-format.js';
import { openQueryStore, type DbOption } from './shared.js';
import { AGENT_TYPES, SEVERITIES, type Severity } from '../model.js';
import { EXIT, type Io } from './io.js';
import { UsageError } from '../errors.js';

export interface HistoryArgs extends HistoryFilter {
  db?: DbOption;
  by?: string[];
  top?: number;
  format: 'text' | 'json' | 'csv';
  unexplained: boolean;
}

/** Weeks in the text table's sparkline. */
const TREND_WEEKS = 8;

export async function historyCommand(args: HistoryArgs, io: Io): Promise<number> {
  if (args.top !== undefined && !(Number.isInteger(args.top) && args.top > 0)) {
    throw new UsageError(`--top ${args.top}: expected a whole number above 0`);
  }
  const filter = resolveFilter(args);
  const store = await openQueryStore(args.db, io);
  const sql = store.sql();
  try {
    const write = (s: string) => void io.stdout.write(s);
    if (args.unexplained) {
      if (args.by?.length || args.rule?.length) throw new UsageError('--unexplained lists builds no rule explains: --by and --rule do not apply');
      const u = await unexplainedBuilds(sql, filter, args.top ?? 50);
      write(args.format === 'json' ? `${JSON.stringify(u, null, 2)}\n` : args.format === 'csv' ? unexplainedCsv(u) : unexplainedText(u));
      return EXIT.ok;
    }
    const by = parseBy(args.by?.length ? args.by : 'rule');
    if (by.length === 1 && by[0] === 'signature') {
      if (args.rule?.length) throw new UsageError('--by signature groups failed builds, not diagnoses: --rule does not apply');
      // Failed builds by the template of their first cause line, explained or not (--unexplained: only the latter).
      const groups = await signatureGroups(sql, filter, { unexplained: false, top: args.top ?? 50 });
      write(args.format === 'json' ? signatureJson(groups) : args.format === 'csv' ? signatureCsv(groups) : signatureText(groups) || 'No failed builds match.\n');
      return EXIT.ok;
    }
    const rows = await historyRows(sql, { by, filter, top: args.top });
    if (args.format === 'json') write(historyJson(rows));
    else if (args.format === 'csv') write(historyCsv(by, rows));
    else {
      // The sparkline ends at the newest diagnosis shown, so a rule that stopped firing ends in dots.
      const newest = rows.reduce((m, r) => (r.last > m ? r.last : m), '');
      const trend = rows.length && !by.some(isTime) ? await trendOf(sql, by, filter, 'week', { to: newest, last: TREND_WEEKS }) : null;
      write(historyText(by, rows, trend));
    }
    return EXIT.ok;
  } catch (err) {
    throw store.explain(err);
  } finally {
    await store.close();
  }
}

/** The filters `history` and `report` share, as yargs options. */
export function filterOptions<T>(y: Argv<T>) {
  return y
    .option('db', { type: 'string', describe: 'SQLite file or postgres://user@host/db (default $BAMBOO_DOCTOR_DB or ./bamboo-doctor.db)' })
    .option('rule', { type: 'string', array: true, describe: 'only these rule ids' })
    .option('plan', { type: 'string', array: true, describe: 'only these plan keys (PROJ-PLAN)' })
    .option('agent', { type: 'string', array: true, describe: 'only these agent names' })
    .option('agent-type', { type: 'string', array: true, choices: AGENT_TYPES, describe: 'only these agent types' })
    .option('severity', { choices: SEVERITIES, describe: 'only diagnoses at or above this severity (default: all)' })
    .option('since', { type: 'string', describe: 'from this time: 2025-10-01, 2025-10-01T14:30, or an age: 24h, 7d, 2w' })
    .option('until', { type: 'string', describe: 'up to this time (a date alone: the whole day), or an age' });
}


/** The filter options as parsed by yargs, to HistoryFilter. */
export function filterOf(a: { rule?: string[]; plan?: string[]; agent?: string[]; 'agent-type'?: string[]; severity?: Severity; since?: string; until?: string }): HistoryFilter {
  return { rule: a.rule, plan: a.plan, agent: a.agent, agentType: a['agent-type'], severity: a.severity, since: a.since, until: a.until };
}

const historyBuilder = <T>(y: Argv<T>) =>
  filterOptions(y)
    .option('by', { type: 'string', array: true, describe: `one or two of ${DIMENSIONS.join(', ')} (e.g. --by rule,agent; default rule)` })
    .option('top', { type: 'number', describe: 'only the N biggest groups (the newest N for --by day|week)' })
    .option('format', { choices: ['text', 'json', 'csv'] as const, default: 'text' as const })
    .option('unexplained', { type: 'boolean', default: false, describe: 'failed builds no specific rule explains, by signature, and the classification rate' });

export function historyCli(io: Io, run: (p: Promise<number>) => void) {
  return {
    command: 'history',
    describe: 'What failed, where and since when: diagnoses grouped --by rule, plan, job, agent, …, day or week',
    builder: historyBuilder,
    handler: (a: Awaited<ReturnType<typeof historyBuilder>['argv']>) =>
      run(historyCommand({ ...filterOf(a), db: a.db, by: a.by, top: a.top, format: a.format, unexplained: a.unexplained }, io)),
  };
}
