// `bamboo-doctor ingest [files|-]`: stores the NDJSON of `analyze --format ndjson` from other machines.

import type { Argv } from 'yargs';
import { ingest } from '../ingest/ingest.js';
import { UsageError } from '../errors.js';
import { openStoreOption, type DbOption } from './shared.js';
import { EXIT, userPaths, type Io } from './io.js';
import { loadRuleSet } from '../rules/rule-set.js';
import { restoreDash } from './analyze-command.js';

export interface IngestArgs {
  paths: string[];
  db?: DbOption;
  rules?: string[];
  force?: boolean;
}

/** 0 when every line was stored; 2 when a line was bad or an input unreadable (all else is stored all the same). */
export async function ingestCommand(args: IngestArgs, io: Io): Promise<number> {
  if (args.db === false) throw new UsageError('ingest stores what it reads: --no-db does not apply');
  // The NDJSON does not say which rules are catch-alls (they explain no failure): the rules loaded here do.
  const generic = new Set(loadRuleSet(userPaths(io, args.rules ?? [])).rules.filter((r) => r.generic).map((r) => r.id));
  const store = (await openStoreOption(args.db ?? '', io))!;
  try {
    const result = await ingest({
      paths: args.paths.length ? args.paths : ['-'],
      store,
      stdin: io.stdin,
      cwd: io.cwd,
      onBadLine: (error) => io.stderr.write(`bamboo-doctor: ${error.message} (line skipped)\n`),
      isGeneric: (rule) => generic.has(rule),
      force: args.force,
      onSkipped: (input, reason) => io.stderr.write(`bamboo-doctor: ${input.name}: skipped, ${reason}\n`),
    });
    for (const error of result.failed) io.stderr.write(`bamboo-doctor: ${error.message}\n`);
    const kept = result.kept ? `, ${result.kept} left out (their builds are stored from complete logs)` : '';
    const bad = result.bad ? `, ${result.bad} bad line${result.bad === 1 ? '' : 's'} skipped` : '';
    const skipped = result.skipped ? `, ${result.skipped} skipped` : '';
    const failed = result.failed.length ? `, ${result.failed.length} input${result.failed.length === 1 ? '' : 's'} not read to the end` : '';
    io.stderr.write(`ingest: ${result.stored} diagnos${result.stored === 1 ? 'is' : 'es'} stored from ${result.inputs} input${result.inputs === 1 ? '' : 's'}${skipped}${kept}${bad}${failed}\n`);
    return result.bad || result.failed.length ? EXIT.usage : EXIT.ok;
  } finally {
    await store.close();
  }
}

const ingestBuilder = <T>(y: Argv<T>) =>
  y
    .positional('paths', { type: 'string', array: true, default: [] as string[], describe: 'NDJSON files (globs quoted), or - for stdin (the default)' })
    .option('db', { type: 'string', describe: 'SQLite file or postgres://user@host/db (default $BAMBOO_DOCTOR_DB or ./bamboo-doctor.db)' })
    .option('rules', { type: 'string', array: true, default: [] as string[], describe: 'extra rule folders or files (to know which are catch-alls)' })
    .option('force', { type: 'boolean', default: false, describe: 'read again files stored before and unchanged since' });

export function ingestCli(io: Io, run: (p: Promise<number>) => void) {
  return {
    command: 'ingest [paths..]',
    describe: 'Store the diagnoses that analyze --format ndjson printed elsewhere (agents, a log shipper)',
    builder: ingestBuilder,
    handler: (a: Awaited<ReturnType<typeof ingestBuilder>['argv']>) => run(ingestCommand({ paths: (a.paths as string[]).map(restoreDash), db: a.db, rules: a.rules as string[], force: a.force }, io)),
  };
}
