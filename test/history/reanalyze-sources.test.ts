// Which recorded sources reanalyze reads again (followed files too), and that a source which cannot write a build
// (a first page of a job stored complete from its .log) reports no change for it.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without types (the converter the bench uses too)
import { jobResult, logBuildKey, logToEntries } from '../../bench/log-to-rest.mjs';
import { analyze } from '../../src/analyze.js';
import { loadRuleSet } from '../../src/rules/rule-set.js';
import { reanalyze } from '../../src/history/reanalyze.js';
import { Store } from '../../src/store/store.js';
import { ROOT, tempDir } from '../helpers/cli.js';

const ruleSet = loadRuleSet();

describe('reanalyze sources', () => {
  it('reads a followed file again, and counts nothing for a partial source whose build is stored complete', async () => {
    const dir = tempDir();
    const log = join(dir, 'job.log');
    const page = join(dir, 'a-page.json'); // read again before job.log (sources go by path)
    const followed = join(dir, 'followed.log');
    copyFileSync(join(ROOT, 'samples', 'docker-runner-remote-agent.log'), log);
    copyFileSync(join(ROOT, 'samples', 'agent-environment.log'), followed);
    const text = readFileSync(log, 'utf8');
    // The first 140 entries hold the denied pull (135) but not the end of the build.
    writeFileSync(page, JSON.stringify(jobResult(logBuildKey(text), 'Failed', logToEntries(text).slice(0, 140))));
    const store = new Store(join(dir, 'h.db'));
    await analyze({ paths: [log, page, followed], ruleSet, store, sinks: [] });
    store.db.prepare("UPDATE sources SET kind = 'follow' WHERE path = ?").run(followed);
    // Make every stored row stale, as after a change of the rules.
    store.db.prepare("UPDATE diagnoses SET rule_version = 'old'").run();
    const outcomes = await reanalyze({ store, ruleSet });
    const by = Object.fromEntries(outcomes.map((o) => [o.path, o]));
    expect(Object.keys(by).sort()).toEqual([followed, log, page].sort());
    expect(by[followed]).toMatchObject({ replaced: 2, removed: 0 });
    expect(by[log]).toMatchObject({ replaced: 2, removed: 0 });
    expect(by[page]).toMatchObject({ replaced: 0, removed: 0, added: 0, unchanged: 0 });
    expect(store.db.prepare("SELECT count(*) FROM diagnoses WHERE rule_version = 'old'").pluck().get()).toBe(0);
    store.close();
  });
});
