// Compiled rules are cached by content hash; a changed, renamed or corrupt entry is compiled again.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRuleFile } from '../../src/rules/load.js';
import { BUILTIN_RULES_DIR } from '../../src/rules/load.js';
import { tempDir } from '../helpers/cli.js';
import { RuleError } from '../../src/errors.js';

const source = join(BUILTIN_RULES_DIR, 'docker-pull-access-denied.yaml');
let cache: string;
const saved = process.env.BAMBOO_DOCTOR_CACHE;

beforeEach(() => {
  cache = tempDir('rule-cache-');
  process.env.BAMBOO_DOCTOR_CACHE = cache;
});
afterEach(() => {
  if (saved === undefined) delete process.env.BAMBOO_DOCTOR_CACHE;
  else process.env.BAMBOO_DOCTOR_CACHE = saved;
});

const line = "Error response from daemon: pull access denied for registry.acme.example/team/app, repository does not exist or may require 'docker login'";

describe('rule cache', () => {
  it('stores a compiled rule and gives back the same rule, patterns working', () => {
    const compiled = loadRuleFile(source);
    expect(readdirSync(cache)).toHaveLength(1);
    const cached = loadRuleFile(source);
    expect(cached).not.toBe(compiled);
    expect({ ...cached, steps: null, unless: null }).toEqual({ ...compiled, steps: null, unless: null });
    const re = cached.steps[0].patterns[0].re;
    expect(re.source).toBe(compiled.steps[0].patterns[0].re.source);
    expect(re.exec(line)?.[0]).toContain('pull access denied');
  });

  it('compiles again when the cached entry is corrupt', () => {
    loadRuleFile(source);
    const [entry] = readdirSync(cache);
    writeFileSync(join(cache, entry), '{ not json');
    expect(loadRuleFile(source).id).toBe('docker-pull-access-denied');
    expect(JSON.parse(readFileSync(join(cache, entry), 'utf8')).id).toBe('docker-pull-access-denied');
  });

  it('does not let the same content pass under another file name', () => {
    loadRuleFile(source);
    const renamed = join(tempDir(), 'other-name.yaml');
    writeFileSync(renamed, readFileSync(source));
    expect(() => loadRuleFile(renamed)).toThrow(RuleError);
  });

  it('can be turned off', () => {
    process.env.BAMBOO_DOCTOR_CACHE = 'off';
    loadRuleFile(source);
    expect(readdirSync(cache)).toHaveLength(0);
  });

  it('keys entries by the compiler too, so another version of bamboo-doctor never reads them', () => {
    loadRuleFile(source);
    const [entry] = readdirSync(cache);
    expect(entry).toMatch(/^rule-[0-9a-f]{16}-[0-9a-f]{64}\.json$/);
  });
});
