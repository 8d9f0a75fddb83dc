// `bamboo-doctor show <build-key>`: every stored diagnosis of one build, with evidence, scenario, context and fix.

import type { Argv } from 'yargs';
import { diagnosesOfBuild, findBuild, planResultJobs, similarBuildKeys } from '../store/stored-sql.js';
import { formatText, toRecord } from '../output/printers.js';
import { escapeControls } from '../output/terminal.js';
import { openQueryStore, type DbOption } from './shared.js';
import { EXIT, type Io } from './io.js';
import { UsageError } from '../errors.js';

export interface ShowArgs {
  build: string;
  db?: DbOption;
  format: 'text' | 'json';
}

export async function showCommand(args: ShowArgs, io: Io): Promise<number> {
  const store = await openQueryStore(args.db, io);
  const sql = store.sql();
  try {
    const build = await findBuild(sql, args.build);
    if (!build) {
      const jobs = await planResultJobs(sql, args.build);
      const similar = jobs.length ? [] : await similarBuildKeys(sql, args.build);
      const hint = jobs.length
        ? ` (a plan result; its jobs stored: ${jobs.join(', ')})`
        : similar.length ? ` (stored builds like it: ${similar.join(', ')})` : '';
      throw new UsageError(`${store.name}: no build ${args.build}${hint}`);
    }
    const diagnoses = await diagnosesOfBuild(sql, build.id);
    if (args.format === 'json') {
      // The same records as `analyze --format json`, so scripts read both alike.
      io.stdout.write(`${JSON.stringify(diagnoses.map(toRecord), null, 2)}\n`);
      return EXIT.ok;
    }
    const n = diagnoses.length;
    io.stdout.write(
      escapeControls(`${build.key}  ${build.state}${build.started ? `  started ${build.started.replace('T', ' ')}` : ''}\n` +
        `  read from ${build.sourcePath}${build.finished || !build.keyed ? '' : ' (it stops short of the build\'s end: a later failure is not in it)'}, ` +
        `analysed ${build.analyzedAt.slice(0, 19).replace('T', ' ')} UTC\n` +
        `  ${n ? `${n} diagnos${n === 1 ? 'is' : 'es'}` : 'no diagnoses: no rule recognised this build'}\n\n`),
    );
    for (const d of diagnoses) io.stdout.write(formatText(d));
    return EXIT.ok;
  } catch (err) {
    throw store.explain(err);
  } finally {
    await store.close();
  }
}

const showBuilder = <T>(y: Argv<T>) =>
  y
    .positional('build', { type: 'string', demandOption: true, describe: 'build result key, e.g. PROJ-PLAN-JOB1-12' })
    .option('db', { type: 'string', describe: 'SQLite file (default $BAMBOO_DOCTOR_DB or ./bamboo-doctor.db)' })
    .option('format', { choices: ['text', 'json'] as const, default: 'text' as const });

export function showCli(io: Io, run: (p: Promise<number>) => void) {
  return {
    command: 'show <build>',
    describe: "A stored build's diagnoses: evidence, scenario, where it ran, and the fix",
    builder: showBuilder,
    handler: (a: Awaited<ReturnType<typeof showBuilder>['argv']>) => run(showCommand({ build: a.build, db: a.db, format: a.format }, io)),
  };
}
