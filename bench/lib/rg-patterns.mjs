// The ripgrep baselines' inputs: the rule set's keywords, and its real patterns translated to ripgrep's syntax.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A rule pattern for ripgrep's default (Rust) regex engine. XRegExp has already turned the `x` free-spacing
 * source and its named groups into a native source (plain groups, `(?:)` where whitespace was); what is
 * left to translate is JavaScript's own escapes and flags. `(?-u)` first: JavaScript's \w, \d and \b are
 * ASCII, and Unicode \w under a bounded repeat such as `(?:\.[\w-]{1,100}){0,10}` outgrows ripgrep's size
 * limit; Unicode mode is the fallback for a pattern that needs it. Null when ripgrep takes neither (look-around).
 * Each is one group: ripgrep joins the lines of `-f` with `|`, and a flag set at the top of one pattern would stay
 * set for the patterns after it (a Unicode pattern after a `(?-u)` one was refused: "Unicode not allowed here").
 */
export function toRipgrep(re) {
  const source = re.source.replaceAll('(?:)', '').replace(/\\\//g, '/');
  const flags = ['i', 's', 'm'].filter((f) => re.flags.includes(f)).join('');
  const pattern = flags ? `(?${flags})${source}` : source;
  return [`(?:(?-u)${pattern})`, `(?:${pattern})`].find(accepted) ?? null;
}

const accepted = (pattern) => spawnSync('rg', ['-e', pattern, '-'], { input: '' }).status !== 2;

/** Writes keywords.txt and patterns.txt into `dir`; tells how many patterns ripgrep could not take. */
export function writeRipgrepInputs(ruleSet, dir) {
  const keywords = join(dir, 'keywords.txt');
  writeFileSync(keywords, `${ruleSet.automaton.keywords.join('\n')}\n`);
  const all = ruleSet.rules.flatMap((rule) => rule.steps.flatMap((step) => step.patterns.map((p) => ({ rule: rule.id, re: p.re }))));
  const translated = all.map((p) => ({ ...p, rg: toRipgrep(p.re) }));
  const patterns = join(dir, 'patterns.txt');
  writeFileSync(patterns, `${translated.filter((p) => p.rg !== null).map((p) => p.rg).join('\n')}\n`);
  const untranslated = translated.filter((p) => p.rg === null).map((p) => p.rule);
  return { keywords, keywordCount: ruleSet.automaton.keywords.length, patterns, patternCount: all.length, untranslated };
}
