// `bamboo-doctor rules draft <signature|build-key> [--out DIR]`: a rule file drafted from a stored failure, checked.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { draftSource } from '../history/draft-data.js';
import { draftRule } from '../rules/draft.js';
import { loadRuleFile } from '../rules/load.js';
import { testRule } from '../diagnose/rule-tests.js';
import { loadRuleSet } from '../rules/rule-set.js';
import { openQueryStore, type DbOption } from './shared.js';
import { EXIT, userPath, userPaths, type Io } from './io.js';
import { UsageError } from '../errors.js';

export interface DraftArgs {
  ref: string;
  db?: DbOption;
  /** Folder to write `<id>.yaml` into; without it the draft goes to stdout. */
  out?: string;
  rules: string[];
}

export async function draftCommand(args: DraftArgs, io: Io): Promise<number> {
  const store = await openQueryStore(args.db, io);
  let source;
  try {
    source = await draftSource(store.sql(), store.name, args.ref.trim());
  } finally {
    await store.close();
  }
  const outDir = args.out ?? 'my-rules/';
  const out = args.out === undefined ? undefined : userPath(io, args.out);
  const taken = new Set([...loadRuleSet(userPaths(io, args.rules)).rules.map((r) => r.id), ...ruleIdsIn(out)]);
  const draft = draftRule(source, taken, outDir);
  const file = out ? join(out, `${draft.id}.yaml`) : null;
  if (file && existsSync(file)) throw new UsageError(`${file} exists: edit it, or remove it to draft again`);
  const problems = await checkDraft(draft.id, draft.yaml);
  if (file) {
    mkdirSync(out!, { recursive: true });
    writeFileSync(file, draft.yaml);
  } else {
    io.stdout.write(draft.yaml);
  }
  const where = args.out ? join(args.out, `${draft.id}.yaml`) : 'stdout';
  if (problems.length) {
    io.stderr.write(`bamboo-doctor: drafted ${where}, but it does not pass as written:\n${problems.map((p) => `  ${p}\n`).join('')}`);
    return EXIT.findings;
  }
  io.stderr.write(
    `bamboo-doctor: drafted rule ${draft.id} → ${where} (${source.lines.length} stored line${source.lines.length === 1 ? '' : 's'} of ${source.builds.length} build${source.builds.length === 1 ? '' : 's'}; passes its tests and lint)\n` +
      `  next: edit its fix, then bamboo-doctor reanalyze --rules ${outDir}\n`,
  );
  return EXIT.ok;
}

/** Ids of the rule files already in the output folder, which a new draft must not reuse. */
function ruleIdsIn(dir: string | undefined): string[] {
  if (!dir || !existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).map((n) => n.replace(/\.ya?ml$/, ''));
}

/** The draft through the real loader, its own tests and lint, from a scratch copy; what fails, in words. */
async function checkDraft(id: string, yaml: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bamboo-doctor-draft-'));
  try {
    const path = join(dir, `${id}.yaml`);
    writeFileSync(path, yaml);
    const rule = loadRuleFile(path);
    const { lintRule } = await import('../rules/lint.js');
    return [...testRule(rule).map((f) => `${f.test}: expected ${f.expected}`), ...lintRule(rule).map((f) => `[${f.check}] ${f.field}: ${f.message}`)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
