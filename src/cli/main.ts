// Parses the command line and runs a command; returns the exit code (only bin/ touches process.exit).

import yargs from 'yargs';
import { InputError, RuleError, ServerError, StoreError, UsageError } from '../errors.js';
import { analyzeCommand, protectDash, restoreDash } from './analyze-command.js';
import { followCommand } from './follow-command.js';
import { EXIT, type Io } from './io.js';
import { historyCli } from './history-command.js';
import { ingestCli } from './ingest-command.js';
import { reanalyzeCli } from './reanalyze-command.js';
import { reportCli } from './report-command.js';
import { showCli } from './show-command.js';
import { fetchCli, watchCli } from './server-args.js';
import { failOnOption, jobsOption, readingOptions } from './shared.js';

export async function main(argv: string[], io: Io): Promise<number> {
  let code: number = EXIT.ok;
  const run = (p: Promise<number>) => p.then((c) => void (code = c));
  const args = argv.map(protectDash);
  const cli = yargs()
    .scriptName('bamboo-doctor')
    .usage('$0 <command> [options]\n\nDiagnoses Atlassian Bamboo build logs and keeps the history in SQLite.')
    .command(
      'analyze [paths..]',
      'Read build logs (files, folders, - for stdin), print diagnoses and store them',
      (y) =>
        readingOptions(y)
          .positional('paths', { type: 'string', array: true, default: [] as string[], describe: 'files, folders, or - for stdin' })
          .option('format', { choices: ['text', 'json', 'ndjson'] as const, default: 'text' as const, describe: 'output on stdout' })
          .option('db', { type: 'string', describe: 'SQLite file (default $BAMBOO_DOCTOR_DB or ./bamboo-doctor.db); --no-db to store nothing' })
          .option('fail-on', failOnOption)
          .option('force', { type: 'boolean', default: false, describe: 'read inputs again even when the database holds them unchanged' })
          .option('follow', { type: 'boolean', default: false, describe: 'keep reading the files as they grow (tail -F), until SIGINT/SIGTERM' })
          .option('jobs', { type: 'number', coerce: jobsOption, describe: 'worker threads reading files (default: one per core; 1 reads in one thread)' }),
      (a) =>
        run(
          (a.follow ? followCommand : analyzeCommand)(
            {
              paths: (a.paths as string[]).map(restoreDash),
              format: a.format,
              db: a.db as string | false,
              rules: a.rules as string[],
              allowSlowRules: a['allow-slow-rules'],
              failOn: a['fail-on'],
              force: a.force,
              maxLineBytes: a['max-line-bytes'],
              agents: a.agents as string[],
              specs: a.specs as string[],
              jobs: a.jobs,
            },
            io,
          ),
        ),
    )
    .command(
      'rules <action> [paths..]',
      'The rules: list, test (their own tests), lint, hits <logs..> (how often each fires), draft <signature|build-key> (a new rule from a stored failure)',
      (y) =>
        y
          .positional('action', { choices: ['list', 'test', 'lint', 'hits', 'draft'] as const, demandOption: true })
          .positional('paths', { type: 'string', array: true, default: [] as string[], describe: 'logs for hits (files, folders); a signature or build key for draft' })
          .option('format', { choices: ['text', 'json'] as const, default: 'text' as const })
          .option('rules', { type: 'string', array: true, default: [] as string[], describe: 'extra rule folders or files' })
          .option('allow-slow-rules', { type: 'boolean', default: false, describe: 'hits: load --rules patterns that can backtrack exponentially' })
          .option('db', { type: 'string', describe: 'draft: SQLite file (default $BAMBOO_DOCTOR_DB or ./bamboo-doctor.db)' })
          .option('out', { type: 'string', describe: 'draft: folder to write <rule-id>.yaml into (default: stdout)' }),
      (a) =>
        run(
          import('./rules-command.js').then(({ rulesCommand }) =>
            rulesCommand(
              a.action,
              { format: a.format, rules: a.rules as string[], paths: a.paths as string[], allowSlowRules: a['allow-slow-rules'], db: a.db, out: a.out },
              io,
            ),
          ),
        ),
    )
    .command(historyCli(io, run))
    .command(showCli(io, run))
    .command(reanalyzeCli(io, run))
    .command(ingestCli(io, run))
    .command(reportCli(io, run))
    .command(fetchCli(io, run))
    .command(watchCli(io, run))
    .demandCommand(1, 'name a command: analyze, rules, history, show, reanalyze, ingest, report, fetch, watch')
    .strict()
    .help()
    .version()
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  try {
    // With a callback, yargs hands --help and --version text over instead of printing it to the process's stdout.
    await cli.parseAsync(args, {}, (_err, _argv, output) => void (output && io.stdout.write(`${output}\n`)));
  } catch (err) {
    return report(err, io);
  }
  return code;
}

function report(err: unknown, io: Io): number {
  if (err instanceof UsageError || err instanceof RuleError || err instanceof InputError || err instanceof ServerError || err instanceof StoreError) {
    io.stderr.write(`bamboo-doctor: ${err.message}\n`);
    return EXIT.usage;
  }
  const e = err as Error;
  if (e?.name === 'YError') {
    io.stderr.write(`bamboo-doctor: ${e.message}\n`);
    return EXIT.usage;
  }
  io.stderr.write(`bamboo-doctor: internal error: ${e?.stack ?? String(err)}\n`);
  return EXIT.usage;
}
