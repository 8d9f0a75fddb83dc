// Options that several commands share: the rules to load and the database to open.

import { BUILTIN_RULES_DIR, loadRules } from '../rules/load.js';
import { RuleSet } from '../rules/rule-set.js';
import { DEFAULT_DB, Store } from '../store/store.js';

/** `--db FILE`, or false for `--no-db`. */
export type DbOption = string | false;

/** The database path: `--db`, else BAMBOO_DOCTOR_DB, else ./bamboo-doctor.db. */
export function dbPath(option: DbOption | undefined, env: NodeJS.ProcessEnv = process.env): string | false {
  if (option === false) return false;
  return option || env.BAMBOO_DOCTOR_DB || DEFAULT_DB;
}

export function openStoreOption(option: DbOption): Store | null {
  const path = dbPath(option);
  return path === false ? null : new Store(path);
}

/** The built-in rules plus any `--rules` folders. */
export function loadRuleSet(extra: string[] = []): RuleSet {
  return new RuleSet(loadRules([BUILTIN_RULES_DIR, ...extra]));
}
