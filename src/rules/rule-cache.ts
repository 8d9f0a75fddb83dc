// A cache of compiled rules, keyed by the content hash of the rule file: YAML, schema and XRegExp run once.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { CompiledPattern, Rule } from './load.js';

/** Bumped whenever the compiled form changes, so an older cache is never read as the new one. */
const FORMAT = 1;

/** `$BAMBOO_DOCTOR_CACHE` (`off` turns the cache off), else ~/.cache/bamboo-doctor, else the temp folder. */
function cacheDir(): string | null {
  const env = process.env.BAMBOO_DOCTOR_CACHE;
  if (env === 'off') return null;
  if (env) return env;
  let home = '';
  try {
    home = homedir();
  } catch {
    // no home (a service account): the temp folder will do
  }
  return join(home || tmpdir(), '.cache', 'bamboo-doctor');
}

type StoredPattern = Omit<CompiledPattern, 're'> & { flags: string; reSource: string };

const store = (p: CompiledPattern): StoredPattern => ({ names: p.names, source: p.source, reSource: p.re.source, flags: p.re.flags });
const revive = (p: StoredPattern): CompiledPattern => ({ names: p.names, source: p.source, re: new RegExp(p.reSource, p.flags) });

function pathOf(hash: string): string | null {
  const dir = cacheDir();
  return dir ? join(dir, `rule-v${FORMAT}-${hash}.json`) : null;
}

/** The compiled rule for this content, if cached, as found at `file` (the id must still be the file name). */
export function readCachedRule(hash: string, file: string): Rule | null {
  const path = pathOf(hash);
  if (!path) return null;
  try {
    const stored = JSON.parse(readFileSync(path, 'utf8'));
    if (stored.id !== basename(file).replace(/\.ya?ml$/, '')) return null;
    return {
      ...stored,
      file,
      steps: stored.steps.map((s: { patterns: StoredPattern[] }) => ({ ...s, patterns: s.patterns.map(revive) })),
      unless: stored.unless.map(revive),
    };
  } catch {
    return null; // not cached yet, or unreadable: compile it
  }
}

/** Best effort: a cache that cannot be written only costs the next run its start-up time. */
export function writeCachedRule(hash: string, rule: Rule): void {
  const path = pathOf(hash);
  if (!path) return;
  const stored = { ...rule, steps: rule.steps.map((s) => ({ ...s, patterns: s.patterns.map(store) })), unless: rule.unless.map(store) };
  try {
    mkdirSync(join(path, '..'), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(stored));
    renameSync(temp, path); // atomic: a parallel run reads the old file or the new one, never half of one
  } catch {
    // read-only home, full disk: run without the cache
  }
}
