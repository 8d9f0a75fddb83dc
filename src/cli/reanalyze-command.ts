// `bamboo-doctor reanalyze [--since …]`: after rules change, re-diagnose the recorded sources that still exist.

import type { Argv } from 'yargs';
import { loadRuleSet } from '../rules/rule-set.js';
import { reanalyze, remaskStored, type Changes, type SourceOutcome } from '../history/reanalyze.js';
import { parseBound } from '../history/time.js';
import { openQueryStore, readingOptions, type DbOption } from './shared.js';
import { EXIT, userPaths, type Io } from './io.js';
import { userContext } from '../context/user-context.js';

export interface ReanalyzeArgs {
  db?: DbOption;
  since?: string;
  rules: string[];
  allowSlowRules?: boolean;
  format: 'text' | 'json';
  maxLineBytes?: number;
  agents?: string[];
  specs?: string[];
}

const KINDS: (keyof Changes)[] = ['replaced', 'added', 'removed', 'unchanged', 'kept'];

export async function reanalyzeCommand(args: ReanalyzeArgs, io: Io): Promise<number> {
  const since = args.since ? parseBound(args.since, 'since', new Date()) : undefined;
  const ruleSet = loadRuleSet(userPaths(io, args.rules), { allowSlow: args.allowSlowRules });
  const store = await openQueryStore(args.db, io, 'write');
  try {
    const enrich = await userContext(userPaths(io, args.agents), userPaths(io, args.specs));
    const { diagnoses: masked, lines: maskedLines } = await remaskStored(store);
    const outcomes = await reanalyze({ store, ruleSet, since, maxLineBytes: args.maxLineBytes, enrich });
    const totals = Object.fromEntries(KINDS.map((k) => [k, outcomes.reduce((n, o) => n + o[k], 0)])) as unknown as Changes;
    const missing = outcomes.filter((o) => o.status === 'missing').length;
    const failed = outcomes.filter((o) => o.status === 'failed').length;
    if (args.format === 'json') {
      io.stdout.write(`${JSON.stringify({ sources: outcomes, totals: { ...totals, missing, failed, masked, maskedLines } }, null, 2)}\n`);
    } else {
      if (masked) io.stdout.write(`${masked} stored diagnos${masked === 1 ? 'is' : 'es'} had secrets in clear (stored by an older version): masked now\n`);
      if (maskedLines) {
        io.stdout.write(`${maskedLines} stored line${maskedLines === 1 ? '' : 's'} of successful builds or failure signatures had secrets in clear (stored by an older version): masked now\n`);
      }
      for (const o of outcomes) {
        const line = describe(o);
        if (line) io.stdout.write(`${line}\n`);
      }
      io.stdout.write(
        `${outcomes.length - missing} source${outcomes.length - missing === 1 ? '' : 's'} re-read` +
          `${missing ? `, ${missing} no longer there` : ''}${failed ? `, ${failed} failed` : ''}: ${counts(totals) || 'nothing recorded'}\n`,
      );
    }
    return failed ? EXIT.usage : EXIT.ok;
  } catch (err) {
    throw store.explain(err);
  } finally {
    await store.close();
  }
}

function counts(c: Changes): string {
  return KINDS.filter((k) => c[k] > 0)
    .map((k) => `${c[k]} ${k}`)
    .join(', ');
}

/** A source's line in the text report: only those that changed or could not be read. */
function describe(o: SourceOutcome): string | null {
  if (o.status === 'missing') return `${o.path}: no longer there, its diagnoses are kept as they are`;
  if (o.status === 'failed') return `${o.path}: ${o.error} (what was read before it is kept)`;
  const changed = counts({ ...o, unchanged: 0, kept: 0 });
  if (o.interrupted) return `${o.path}: an earlier run was stopped while reading it (interrupted): read again${changed ? `, ${changed}` : ''}`;
  return changed ? `${o.path}: ${changed}` : null;
}

const reanalyzeBuilder = <T>(y: Argv<T>) =>
  readingOptions(y)
    .option('db', { type: 'string', describe: 'SQLite file (default $BAMBOO_DOCTOR_DB or ./bamboo-doctor.db)' })
    .option('since', { type: 'string', describe: 'only sources with builds from this time (2025-10-01, or an age: 30d)' })
    .option('format', { choices: ['text', 'json'] as const, default: 'text' as const });

export function reanalyzeCli(io: Io, run: (p: Promise<number>) => void) {
  return {
    command: 'reanalyze',
    describe: 'After rules change: re-read the recorded logs and replace the diagnoses of changed rules',
    builder: reanalyzeBuilder,
    handler: (a: Awaited<ReturnType<typeof reanalyzeBuilder>['argv']>) =>
      run(
        reanalyzeCommand(
          { db: a.db, since: a.since, rules: a.rules, allowSlowRules: a['allow-slow-rules'], format: a.format, maxLineBytes: a['max-line-bytes'], agents: a.agents as string[], specs: a.specs as string[] },
          io,
        ),
      ),
  };
}
