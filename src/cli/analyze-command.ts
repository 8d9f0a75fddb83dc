// `bamboo-doctor analyze [paths..]`: the main job.

import { availableParallelism } from 'node:os';
import { analyze } from '../analyze.js';
import { severitiesAtLeast, type Severity } from '../model.js';
import { printer, type Format } from '../output/printers.js';
import { userContext } from '../context/user-context.js';
import { loadRuleSet } from '../rules/rule-set.js';
import { counted, exitCode, openStoreOption, type DbOption } from './shared.js';
import { userPaths, type Io } from './io.js';
import { progressLine } from './progress.js';
import { InputError, UsageError } from '../errors.js';
import { overBudgetNotes } from '../rules/bounded.js';

export interface AnalyzeArgs {
  paths: string[];
  format: Format;
  db: DbOption;
  rules: string[];
  /** `--allow-slow-rules`: load --rules patterns lint flags as exponential. */
  allowSlowRules?: boolean;
  failOn: Severity | 'none';
  force: boolean;
  maxLineBytes?: number;
  /** `--agents` files and `--specs` paths: what the user knows about where jobs ran. */
  agents?: string[];
  specs?: string[];
  /** `--jobs`: worker threads; by default one per core. */
  jobs?: number;
}

/** Skipped inputs named one by one; past these, a daily run over a whole export folder says only how many more. */
const SKIPS_NAMED = 10;

/**
 * yargs drops a lone `-` from positional arrays (yargs/yargs#1312, yargs-parser#381, open), so `analyze -`
 * would find no input: `-` crosses the parser as this stand-in and is turned back in the command.
 */
const STDIN_STAND_IN = '\u0000stdin';
export const protectDash = (arg: string): string => (arg === '-' ? STDIN_STAND_IN : arg);
export const restoreDash = (arg: string): string => (arg === STDIN_STAND_IN ? '-' : arg);

export async function analyzeCommand(args: AnalyzeArgs, io: Io): Promise<number> {
  if (args.paths.length === 0) throw new UsageError('analyze needs at least one file, folder, or - for stdin');
  const ruleSet = loadRuleSet(userPaths(io, args.rules), { allowSlow: args.allowSlowRules });
  // What the user's context is made from: the workers of --jobs make their own from it.
  const context = { agents: userPaths(io, args.agents), specs: userPaths(io, args.specs) };
  const enrich = await userContext(context.agents, context.specs);
  const store = await openStoreOption(args.db, io);
  const progress = progressLine(io.stderr);
  const sharesTerminal = (io.stdout as { isTTY?: boolean }).isTTY === true;
  const out = printer(args.format, (s) => {
    if (sharesTerminal) progress?.clear();
    io.stdout.write(s);
  });
  const say = (s: string) => {
    progress?.clear();
    io.stderr.write(`${s}\n`);
  };
  const told = new Set<InputError>();
  const noticed = new Set<string>();
  let skips = 0;
  // Reading a pipe (`tail -F log | … analyze -`), a stop (SIGINT/SIGTERM) ends it as its end would: as --follow does.
  const signal = args.paths.includes('-') ? io.signal : undefined;
  const stopping = () => say('bamboo-doctor: stopping; ending the open jobs');
  signal?.addEventListener('abort', stopping, { once: true });
  try {
    const result = await analyze({
      paths: args.paths,
      ruleSet,
      store,
      sinks: [out],
      force: args.force,
      stdin: io.stdin,
      signal,
      cwd: io.cwd,
      maxLineBytes: args.maxLineBytes,
      enrich,
      jobs: args.jobs ?? availableParallelism(),
      context,
      keepDiagnoses: false,
      onInput: (e) => {
        if (e.kind === 'notice') {
          noticed.add(e.input.name);
          return say(`${e.input.name}: ${e.message}`);
        }
        if (e.kind === 'start') progress?.start(e.inputs);
        else progress?.inputDone(e.input);
        if (e.kind === 'skipped' && ++skips <= SKIPS_NAMED) say(`${e.input.name}: skipped, ${e.reason}`);
        if (e.kind === 'done' && e.lines === 0 && !noticed.has(e.input.name)) say(`${e.input.name}: empty, nothing to read`);
        if (e.kind === 'failed') told.add(e.error);
        // An input refused from its first bytes (binary, XML) has no line reached and nothing read.
        if (e.kind === 'failed') say(`error: ${e.error.message}${e.error.line === null ? '' : ' (what was read before it is kept)'}`);
      },
      onBytes: progress ? (n) => progress.advance(n) : undefined,
    });
    progress?.clear();
    out.finish();
    for (const e of result.failed.filter((f) => !told.has(f))) say(`error: ${e.message}`);
    for (const note of overBudgetNotes(ruleSet.rules)) say(`bamboo-doctor: ${note}`);
    if (result.storeError) say(`error: ${result.storeError.message}; stopped there (what was stored before stays)`);
    if (skips > SKIPS_NAMED) say(`… and ${skips - SKIPS_NAMED} more inputs skipped, already analysed and unchanged (use --force to read them again)`);
    const parts = [`${result.inputs} input${result.inputs === 1 ? '' : 's'}`, `${result.builds} build${result.builds === 1 ? '' : 's'}`, counted(result.severities)];
    if (result.skipped) parts.push(`${result.skipped} skipped`);
    if (result.failed.length) parts.push(`${result.failed.length} failed`);
    say(`bamboo-doctor: ${parts.join(', ')}${store ? ` → ${store.name}` : ''}`);
    if (store?.keptComplete) {
      say(`bamboo-doctor: ${store.keptComplete} build(s) kept as stored: the database has them from a complete log, this input stops short of their end`);
    }
    // A stop is the normal end of reading a pipe: --fail-on does not apply.
    return exitCode(result.failed.length + (result.storeError ? 1 : 0), result.severities, result.stopped ? 'none' : args.failOn);
  } finally {
    signal?.removeEventListener('abort', stopping);
    await store?.close();
  }
}
