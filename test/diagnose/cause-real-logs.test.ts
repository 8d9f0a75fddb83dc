// Cause lines on real Bamboo logs of the corpus (test/fixtures/real, sources in SOURCES.md): the classifier's list
// and weights were checked against these.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { loadRuleSet } from '../../src/rules/rule-set.js';
import type { Diagnosis } from '../../src/model.js';
import { ROOT } from '../helpers/cli.js';

async function causes(file: string): Promise<Diagnosis[]> {
  const result = await analyze({ paths: [join(ROOT, 'test', 'fixtures', 'real', file)], ruleSet: loadRuleSet(), store: null, sinks: [] });
  return result.diagnoses.filter((d) => d.cause?.length);
}

describe('cause lines of real failed builds', () => {
  it('Maven compile error (Artemis): the compiler lines first, the help link last', async () => {
    const [d] = await causes('artemis-local-agent-maven-compile-artifacts.log');
    const texts = d.cause!.map((c) => c.text);
    expect(texts.slice(0, 2).every((t) => /^\[ERROR\] \S+BubbleSort\.java:\[\d+,\d+\] /.test(t))).toBe(true);
    expect(texts.at(-1)).toMatch(/^\[ERROR\] \[Help 1\]/);
  });

  it('Gradle compile error in a Docker Runner (Artemis): javac lines before Gradle\'s summary', async () => {
    const d = (await causes('artemis-docker-runner-gradle-compile-error.log')).find((x) => x.rule === 'gradle-build-failure')!;
    expect(d.cause!.map((c) => [c.line, c.text])).toEqual([
      [52, 'src/de/tum/in/ase/GameBoard.java:25: error: incompatible types: String cannot be converted to char'],
      [40, 'src/de/tum/in/ase/Game.java:7: error: cannot find symbol'],
      [59, '> Compilation failed; see the compiler error output for details.'],
      [66, 'BUILD FAILED in 11s'],
      [56, 'FAILURE: Build failed with an exception.'],
    ]);
  });

  it('a hung Selenium suite (tia, coloured output): the driver error first, its terminal colour codes removed', async () => {
    const [d] = await causes('tia-ru-locale-selenium-hang.log');
    expect(d.rule).toBe('task-nonzero-exit');
    expect(d.cause![0].text).toMatch(/^NoSuchSessionError: This driver instance does not have a valid session ID/);
    expect(d.cause!.some((c) => c.text.includes('\x1b'))).toBe(false);
  });
});
