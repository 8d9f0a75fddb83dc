// `bamboo-doctor report --html FILE`: the history as one self-contained HTML page with charts.

import type { Argv } from 'yargs';
import { writeFileSync } from 'node:fs';
import { describeFilter, resolveFilter, type HistoryFilter } from '../history/filters.js';
import { loadRuleSet } from '../rules/rule-set.js';
import { renderReport } from '../report/html.js';
import { reportData } from '../report/report-data.js';
import { filterOf, filterOptions } from './history-command.js';
import { openQueryStore, type DbOption } from './shared.js';
import { EXIT, userPath, userPaths, type Io } from './io.js';
import { UsageError } from '../errors.js';

export interface ReportArgs extends HistoryFilter {
  html: string;
  db?: DbOption;
  rules: string[];
  title?: string;
}

export async function reportCommand(args: ReportArgs, io: Io): Promise<number> {
  const filter = resolveFilter(args);
  // Only titles and fixes are read: nothing is matched, so slow patterns do no harm here.
  const { rules } = loadRuleSet(userPaths(io, args.rules), { allowSlow: true });
  const store = await openQueryStore(args.db, io);
  let html: string;
  try {
    const data = await reportData(store.sql(), filter, rules);
    html = renderReport(data, {
      title: args.title ?? 'Bamboo build failures',
      filter: describeFilter(args),
      generated: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
      database: store.name,
    });
  } catch (err) {
    throw store.explain(err);
  } finally {
    await store.close();
  }
  try {
    writeFileSync(userPath(io, args.html), html);
  } catch (err) {
    throw new UsageError(`${args.html}: cannot write the report (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  io.stderr.write(`bamboo-doctor: wrote ${args.html} (${Math.ceil(Buffer.byteLength(html) / 1024)} KB)\n`);
  return EXIT.ok;
}

const reportBuilder = <T>(y: Argv<T>) =>
  filterOptions(y)
    .option('html', { type: 'string', demandOption: true, describe: 'the HTML file to write' })
    .option('title', { type: 'string', describe: 'the page title' })
    .option('rules', { type: 'string', array: true, default: [] as string[], describe: 'extra rule folders or files (for their fixes)' });

export function reportCli(io: Io, run: (p: Promise<number>) => void) {
  return {
    command: 'report',
    describe: 'One self-contained HTML page: trends, top rules and agents, agent type × rule, unexplained builds, fixes',
    builder: reportBuilder,
    handler: (a: Awaited<ReturnType<typeof reportBuilder>['argv']>) =>
      run(reportCommand({ ...filterOf(a), html: a.html, db: a.db, rules: a.rules, title: a.title }, io)),
  };
}
