// A cache of compiled rules, keyed by the content hash of the rule file: YAML, schema and XRegExp run once.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

let compiler: string | null = null;

/**
 * The code that compiles a rule (this folder's modules and the template checks), hashed: a cached rule is
 * only used by the same compiler, so a new release or a local change never reads an entry it did not write.
 */
function compilerFingerprint(): string {
  if (compiler === null) {
    const hash = createHash('sha256').update(String(FORMAT));
    for (const module of ['./load', './schema', './test-context', './rule-cache', './template']) {
      hash.update(moduleText(module));
    }
    compiler = hash.digest('hex').slice(0, 16);
  }
  return compiler;
}

/** The built module, or its TypeScript source when run from src/ (tests). */
function moduleText(module: string): string {
  for (const ext of ['.js', '.ts']) {
    try {
      return readFileSync(fileURLToPath(new URL(module + ext, import.meta.url)), 'utf8');
    } catch {
      // try the other
    }
  }
  // A module moved or renamed: hashing its name alone would let an old cache outlive a change to it.
  throw new Error(`rule cache: the compiler module ${module} is missing beside ${fileURLToPath(import.meta.url)}`);
}

function pathOf(hash: string): string | null {
  const dir = cacheDir();
  return dir ? join(dir, `rule-${compilerFingerprint()}-${hash}.json`) : null;
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
