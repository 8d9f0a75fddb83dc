// `bamboo-doctor analyze --follow FILE…`: diagnoses from files as they grow, until SIGINT or SIGTERM.

import { analyzeFollow } from '../analyze-follow.js';
import { userContext } from '../context/user-context.js';
import { printer, type Format } from '../output/printers.js';
import type { FollowEvent } from '../sources/follow.js';
import { loadRuleSet } from '../rules/rule-set.js';
import { openStoreOption, type DbOption } from './shared.js';
import { EXIT, userPaths, type Io } from './io.js';
import { UsageError } from '../errors.js';
import { overBudgetNotes } from '../rules/bounded.js';

export interface FollowArgs {
  paths: string[];
  format: Format;
  db: DbOption;
  rules: string[];
  allowSlowRules?: boolean;
  agents?: string[];
  specs?: string[];
  maxLineBytes?: number;
}

/**
 * Runs until `io.signal` aborts (bin wires SIGINT/SIGTERM to it), then ends the open jobs, prints and stores
 * them, and returns 0: a stop is the normal end of following, so `--fail-on` does not apply. 2 when a file
 * could not be read.
 */
export async function followCommand(args: FollowArgs, io: Io): Promise<number> {
  if (args.paths.length === 0) throw new UsageError('--follow needs at least one file');
  if (args.paths.includes('-')) throw new UsageError('--follow follows files; for a pipe use: tail -F FILE | bamboo-doctor analyze -');
  const ruleSet = loadRuleSet(userPaths(io, args.rules), { allowSlow: args.allowSlowRules });
  const enrich = await userContext(userPaths(io, args.agents), userPaths(io, args.specs));
  const store = await openStoreOption(args.db, io);
  const out = printer(args.format, (s) => io.stdout.write(s));
  const say = (s: string) => io.stderr.write(`${s}\n`);
  const signal = io.signal ?? new AbortController().signal;
  const told = new Set<string>();
  const stopping = () => say('bamboo-doctor: stopping; ending the open jobs');
  signal.addEventListener('abort', stopping, { once: true });
  try {
    const result = await analyzeFollow({
      paths: args.paths,
      ruleSet,
      store,
      sinks: [out],
      maxLineBytes: args.maxLineBytes,
      enrich,
      keepDiagnoses: false,
      signal,
      cwd: io.cwd,
      onFollow: (e) => {
        if (e.kind === 'problem') told.add(`${e.path}: ${e.message}`);
        say(describe(e));
      },
    });
    out.finish();
    // What was told while following (a file that could not be read) is not repeated.
    for (const e of result.failed.filter((f) => !told.has(f.message))) say(`error: ${e.message}`);
    for (const note of overBudgetNotes(ruleSet.rules)) say(`bamboo-doctor: ${note}`);
    if (result.storeError) say(`error: ${result.storeError.message}; stopped following (what was stored before stays)`);
    const n = result.severities.error + result.severities.warning + result.severities.info;
    say(
      `bamboo-doctor: followed ${args.paths.length} file${args.paths.length === 1 ? '' : 's'} (${result.inputs} source${result.inputs === 1 ? '' : 's'}), ` +
        `${result.builds} build${result.builds === 1 ? '' : 's'}, ${n} diagnos${n === 1 ? 'is' : 'es'}${store ? ` → ${store.name}` : ''}`,
    );
    return result.failed.length || result.storeError ? EXIT.usage : EXIT.ok;
  } finally {
    signal.removeEventListener('abort', stopping);
    await store?.close();
  }
}

function describe(e: FollowEvent): string {
  switch (e.kind) {
    case 'following':
      return `bamboo-doctor: following ${e.path}`;
    case 'waiting':
      return `bamboo-doctor: ${e.path}: waiting for the file to appear`;
    case 'rotated':
    case 'truncated':
      return `bamboo-doctor: ${e.path} was ${e.kind}; reading it from its start as ${e.path} (${e.generation})`;
    case 'problem':
      return `bamboo-doctor: ${e.path}: ${e.message}`;
  }
}
