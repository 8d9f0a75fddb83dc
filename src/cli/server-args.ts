// The options of `fetch` and `watch`, and their commands for yargs (the server code is loaded only when they run).

import type { Argv } from 'yargs';
import type { Format } from '../output/printers.js';
import type { Io } from './io.js';
import { failOnOption, readingOptions, type DbOption } from './shared.js';

export interface ServerArgs {
  server: string;
  project: string[];
  plan: string[];
  since?: string;
  state: 'failed' | 'all';
  force: boolean;
  concurrency: number;
  comment: boolean;
  label: boolean;
  dryRun: boolean;
  tokenFile?: string;
  timeout: string;
  format: Format;
  db: DbOption;
  rules: string[];
  agents: string[];
  specs: string[];
  maxLineBytes?: number;
}

export function serverOptions<T>(y: Argv<T>) {
  return readingOptions(y)
    .option('server', { type: 'string', demandOption: true, describe: "Bamboo's base URL, with its context path if any (https://ci.example.com/bamboo)" })
    .option('project', { type: 'string', array: true, default: [] as string[], describe: 'the plans of these projects (default: every plan you can see)' })
    .option('plan', { type: 'string', array: true, default: [] as string[], describe: 'these plans (PROJ-PLAN)' })
    .option('since', { type: 'string', describe: "results finished since: 24h, 7d, 2w, 2025-10-01 (a plan's first fetch: 7d)" })
    .option('state', { choices: ['failed', 'all'] as const, default: 'failed' as const, describe: 'failed job results only, or every job result' })
    .option('force', { type: 'boolean', default: false, describe: 'fetch again what the database holds complete' })
    .option('concurrency', { type: 'number', default: 4, describe: 'downloads at a time' })
    .option('comment', { type: 'boolean', default: false, describe: 'add a comment with the diagnosis and fix to each failed job result (once)' })
    .option('label', { type: 'boolean', default: false, describe: 'add a label bd-<rule id> to each failed job result' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'with --comment/--label: print what would be written, write nothing' })
    .option('token-file', { type: 'string', describe: 'a file holding a personal access token (else $BAMBOO_TOKEN, or $BAMBOO_USER/$BAMBOO_PASSWORD)' })
    .option('timeout', { type: 'string', default: '30s', describe: 'no answer (or no data) for this long is a timeout' })
    .option('format', { choices: ['text', 'json', 'ndjson'] as const, default: 'text' as const, describe: 'output on stdout' })
    .option('db', { type: 'string', describe: 'SQLite file (default $BAMBOO_DOCTOR_DB or ./bamboo-doctor.db); --no-db to store nothing' });
}

/** The parsed options, as the commands take them. */
export function serverArgsOf(a: Record<string, unknown>): ServerArgs {
  return {
    server: a.server as string,
    project: a.project as string[],
    plan: a.plan as string[],
    since: a.since as string | undefined,
    state: a.state as ServerArgs['state'],
    force: a.force as boolean,
    concurrency: a.concurrency as number,
    comment: a.comment as boolean,
    label: a.label as boolean,
    dryRun: a['dry-run'] as boolean,
    tokenFile: a['token-file'] as string | undefined,
    timeout: a.timeout as string,
    format: a.format as Format,
    db: a.db as DbOption,
    rules: a.rules as string[],
    agents: a.agents as string[],
    specs: a.specs as string[],
    maxLineBytes: a['max-line-bytes'] as number | undefined,
  };
}

const fetchBuilder = <T>(y: Argv<T>) =>
  serverOptions(y).option('fail-on', failOnOption);

export function fetchCli(io: Io, run: (p: Promise<number>) => void) {
  return {
    command: 'fetch',
    describe: "Fetch a Bamboo server's failed job results (new since the last fetch), diagnose and store them",
    builder: fetchBuilder,
    handler: (a: Awaited<ReturnType<typeof fetchBuilder>['argv']>) =>
      run(import('./fetch-command.js').then(({ fetchCommand }) => fetchCommand({ ...serverArgsOf(a), failOn: a['fail-on'] }, io))),
  };
}

const watchBuilder = <T>(y: Argv<T>) => serverOptions(y).option('interval', { type: 'string', default: '60s', describe: 'time between polls (30s, 5m)' });

export function watchCli(io: Io, run: (p: Promise<number>) => void) {
  return {
    command: 'watch',
    describe: 'Watch a Bamboo server: diagnose results as they finish, until Ctrl-C; rides out the server being down',
    builder: watchBuilder,
    handler: (a: Awaited<ReturnType<typeof watchBuilder>['argv']>) =>
      run(import('./watch-command.js').then(({ watchCommand }) => watchCommand({ ...serverArgsOf(a), interval: a.interval }, io))),
  };
}
