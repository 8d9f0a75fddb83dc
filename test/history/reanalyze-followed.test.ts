// reanalyze of a followed agent log that was rotated: what the file holds now is its newest generation, so it meets
// that generation's rows (`agent.log (2)#1`), never those of the generation rotated away (`agent.log#1`).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { analyzeFollow } from '../../src/analyze-follow.js';
import { loadRuleSet } from '../../src/rules/rule-set.js';
import { reanalyze } from '../../src/history/reanalyze.js';
import { Store } from '../../src/store/store.js';
import { ROOT, tempDir } from '../helpers/cli.js';

const AGENT_LOG = readFileSync(join(ROOT, 'test', 'fixtures', 'agent-logs', 'atlassian-bamboo.log'), 'utf8');

describe('reanalyze of a rotated followed file', () => {
  it('replaces the rows of the newest generation only, adding none', async () => {
    const dir = tempDir();
    const file = join(dir, 'atlassian-bamboo.log');
    writeFileSync(file, AGENT_LOG);
    const ruleSet = loadRuleSet();
    const store = new Store(join(dir, 'h.db'));
    const stop = new AbortController();
    const names: string[] = [];
    const following = analyzeFollow({ paths: [file], ruleSet, store, sinks: [{ jobEnd: (j) => void names.push(j.source) }], signal: stop.signal, pollMs: 50 });
    const rows = () => store.db.prepare('SELECT b.build_key AS build, d.rule, d.rule_version AS version FROM diagnoses d JOIN builds b ON b.id = d.build_id ORDER BY b.build_key').all() as Record<string, string>[];
    const until = async (n: number) => {
      for (const end = Date.now() + 20_000; rows().length < n && Date.now() < end; ) await sleep(20);
    };
    await until(1);
    renameSync(file, `${file}.1`); // log4j's rotation: the follower reads the old file to its end, then the new one
    // The new generation: the agent restarted under another name and timed out again.
    writeFileSync(file, AGENT_LOG.replaceAll('build-linux-02', 'build-linux-09'));
    await until(2);
    stop.abort();
    await following;
    expect(rows().map((r) => r.build)).toEqual([`${file} (2)#1`, `${file}#1`]);

    store.db.prepare("UPDATE diagnoses SET rule_version = 'old'").run();
    const [outcome] = await reanalyze({ store, ruleSet });
    expect(outcome).toMatchObject({ path: file, status: 'read', replaced: 1, added: 0, removed: 0 });
    expect(rows().map((r) => [r.build, r.version === 'old'])).toEqual([[`${file} (2)#1`, false], [`${file}#1`, true]]);
    store.close();
  });
});
