import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceAnalyzer } from '../../src/diagnose/analyzer.js';
import { parseEnvelope } from '../../src/parse/envelope.js';
import { loadRules } from '../../src/rules/load.js';
import { RuleSet } from '../../src/rules/rule-set.js';
import { StoreSink } from '../../src/store/store-sink.js';
import { Store } from '../../src/store/store.js';
import { WriteQueue } from '../../src/store/write-queue.js';
import { tempDir } from '../helpers/cli.js';

const dir = tempDir();
writeFileSync(
  join(dir, 'boom.yaml'),
  `id: boom\ntitle: boom\ncategory: test\nseverity: error\nkeywords: [boom]\npatterns: ['boom (?<n>\\d+)']\nscenarios: [{ id: any, title: any, fix: x }]\ntests:\n  match: [{ line: boom 1 }]\n  no-match: [y]\n`,
);
const ruleSet = new RuleSet(loadRules([dir]));
const T = (msg: string, type = 'simple') => `${type}\t03-Nov-2025 09:41:08\t${msg}`;
// A command entry as Bamboo logs it: its environment dump names the build result key.
const command = T(
  "Beginning to execute external process for build 'A - B - Default Job #7 (A-B-JOB1-7)'\\n ... running command line: \\n/bin/sh x.sh\\n ... using extra environment variables: \\nbamboo_buildKey=A-B-JOB1\\nbamboo_buildResultKey=A-B-JOB1-7",
  'command',
);

describe('StoreSink, live', () => {
  it('keeps one build when a fragment released a diagnosis before its build key was read', async () => {
    const store = new Store(join(tempDir(), 'live.db'));
    const queue = new WriteQueue(store);
    const a = new SourceAnalyzer('-', ruleSet, [new StoreSink(queue, null, '-', true)], { live: true });
    for (const [i, l] of [T('boom 1', 'error'), command, T('boom 2', 'error')].entries()) {
      a.line(parseEnvelope(l, i + 1));
      await a.between(); // a chunk boundary: live, what is queued is written
    }
    a.end();
    await queue.flush();
    const builds = store.db.prepare('SELECT build_key, plan, number FROM builds').all();
    const diagnoses = store.db.prepare('SELECT build_key, rule, count FROM diagnoses').all();
    store.close();
    expect(builds).toEqual([{ build_key: 'A-B-JOB1-7', plan: 'A-B', number: 7 }]);
    expect(diagnoses).toEqual([{ build_key: 'A-B-JOB1-7', rule: 'boom', count: 2 }]);
  });
});
