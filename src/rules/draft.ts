// Drafts a rule file from a failure signature: id, title, keyword and pattern from the template, tests from real lines.

import { createRequire } from 'node:module';
import type * as YamlType from 'yaml';
import { parseEnvelope } from '../parse/envelope.js';
import { RuleError } from '../errors.js';
import { compilePattern } from './load.js';

/** What the database knows of a signature (src/history/draft-data.ts). */
export interface DraftSource {
  signature: string;
  template: string;
  /** Real first cause lines of the signature's builds, newest first. */
  lines: string[];
  /** Lines the rule must not match: of successful builds of the same jobs first, then of other failures. */
  near: { text: string; template: string; green: boolean }[];
  builds: string[];
  plans: string[];
  agents: string[];
  first: string | null;
  last: string | null;
}

export interface RuleDraft {
  id: string;
  yaml: string;
}

/** What each mask of a template stands for in a pattern; `stop`: the next literal character, kept out of an open class. */
const MASK_PATTERNS: Record<string, (stop: string) => string> = {
  URL: (stop) => `[a-zA-Z][\\w+.-]{0,15}://${notIn(`\\s'"\`<>()${stop}`, 500)}`,
  UUID: () => '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
  TIME: (stop) => `\\d[${[...'.,:+'].filter((c) => c !== stop).join('')}\\dA-Za-z${stop === '-' ? '' : '-'}]{0,39}(?:[ T]\\d{1,2}:\\d{2}(?::\\d{2})?(?:[.,]\\d{1,9})?)?`,
  BUILD: () => '[A-Z][A-Z0-9_]*-[A-Z][A-Z0-9_]*(?:-[A-Z][A-Z0-9_]*)?-\\d+',
  STR: () => '"[^"\\n]{0,200}"|\'[^\'\\n]{0,200}\'|`[^`\\n]{0,200}`',
  PATH: (stop) => notIn(`\\s'"\`${stop}`, 500),
  AGENT: (stop) => notIn(`\\s${stop}`, 200),
  IP: () => '\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d{1,5})?',
  HEX: () => '(?:0x)?[0-9a-fA-F]{1,64}',
  DURATION: () => '\\d{1,9}(?:\\.\\d{1,9})?\\s?[a-z]{1,7}',
  NUM: () => '[-+]?\\d{1,18}(?:\\.\\d{1,18}){0,5}',
};

const notIn = (chars: string, max: number): string => `[^${chars.replace(/[\]^-]/g, (c) => `\\${c}`)}]{1,${max}}`;
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Box-drawing and bullet marks a tool puts before its message (Terraform's `│`, Gradle's `>`): not part of it. */
const DECORATION = /^[│┃|>*•·#=~\s-]+/;

/** Literal pieces and masks of a template, in order, without empty pieces or a leading decoration. */
function pieces(template: string): { literal: string; mask?: string }[] {
  const out = template
    .replace(DECORATION, '')
    .split(/(<[A-Z]+>)/)
    .map((p) => {
      const m = /^<([A-Z]+)>$/.exec(p);
      return m && MASK_PATTERNS[m[1]] ? { literal: '', mask: m[1] } : { literal: p };
    });
  return out.filter((p) => p.mask || p.literal);
}

/**
 * The template as a pattern: literal text escaped (a space for any run of white space), each mask a named capture
 * of what it stands for (`num`, `num2`, `path`…). A template that starts with a mask is anchored at the line's
 * start, so no open class is tried from every position of a long line.
 */
export function patternOf(template: string): string {
  const parts = pieces(template);
  const used = new Map<string, number>();
  let out = parts[0]?.mask ? '^\\s*' : '';
  parts.forEach((p, i) => {
    if (!p.mask) {
      out += p.literal.split(/\s+/).map(escapeRe).join('\\s+');
      return;
    }
    const next = parts[i + 1]?.literal.charAt(0) ?? '';
    const n = (used.get(p.mask) ?? 0) + 1;
    used.set(p.mask, n);
    out += `(?<${p.mask.toLowerCase()}${n > 1 ? n : ''}>${MASK_PATTERNS[p.mask](next.trim() ? next : '')})`;
  });
  return out;
}

/**
 * The prefilter's keyword: a literal piece (its ends' punctuation trimmed) that every real line holds, the longest
 * up to 30 characters and then the earliest (what a line starts with names it best); a word of one when none does.
 */
function keywordOf(template: string, lines: string[]): string {
  const held = (k: string) => k.length >= 3 && /[A-Za-z]/.test(k) && lines.every((l) => l.toLowerCase().includes(k.toLowerCase()));
  const trim = (t: string) => t.trim().replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9?!.)]+$/g, '');
  const literals = pieces(template).map((p) => trim(p.literal)).filter(held);
  const words = pieces(template).flatMap((p) => p.literal.split(/\s+/).map(trim)).filter(held);
  const pick = (list: string[]) => list.reduce<string | undefined>((best, k) => (best === undefined || Math.min(k.length, 30) > Math.min(best.length, 30) ? k : best), undefined);
  // A template that is one literal piece: its keyword must be less than all of it, or no near miss could hold it,
  // so it is the piece without its first word (`Error: Unsupported argument` → `Unsupported argument`).
  const only = pieces(template);
  const rest = only.length === 1 ? trim(only[0].literal.trim().split(/\s+/).slice(1).join(' ')) : '';
  const keyword = only.length === 1 ? (held(rest) ? rest : pick(words.filter((w) => w !== trim(template)))) : (pick(literals) ?? pick(words));
  if (!keyword) throw new RuleError('(draft)', 'keywords', `no literal text in the template to use as a keyword: ${template}`);
  return keyword;
}

/** Words an id leaves out. */
const STOP = new Set(['a', 'an', 'the', 'of', 'to', 'in', 'on', 'at', 'for', 'by', 'is', 'was', 'be', 'and', 'or', 'with', 'from', 'this', 'that', 'it']);

function idOf(template: string, taken: ReadonlySet<string>): string {
  const words = pieces(template).flatMap((p) => p.literal.toLowerCase().match(/[a-z][a-z0-9]*/g) ?? []).filter((w) => !STOP.has(w));
  const base = words.filter((w, i) => w !== words[i - 1]).slice(0, 5).join('-') || 'drafted-failure';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

function titleOf(template: string): string {
  const text = pieces(template)
    .map((p) => (p.mask ? '…' : p.literal))
    .join('')
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 100 ? `${text.slice(0, 99)}…` : text;
}

/** Share of template tokens two templates have in common (Jaccard). */
function similarity(a: string, b: string): number {
  const x = new Set(a.split(' '));
  const y = new Set(b.split(' '));
  const common = [...x].filter((t) => y.has(t)).length;
  return common / (x.size + y.size - common || 1);
}

/**
 * A test line as the engine reads it: the bare text, unless the envelope parser would take part of it for a type
 * or a time (a line that starts with a date): then inside a `build` entry, so the message stays whole.
 */
function testLine(text: string): string {
  return parseEnvelope(text, 1).text === text ? text : `build\t01-Jan-2025 00:00:00\t${text}`;
}

/**
 * Near misses: one that holds the keyword (so the patterns are reached: `rules lint` asks for it), then lines of
 * successful builds of the same jobs, the most similar templates first, then other failures' lines. None may match.
 */
function nearMisses(src: DraftSource, keyword: string, matches: (text: string) => boolean): { lines: string[]; madeUp: boolean } {
  const own = new Set(src.lines);
  const candidates = src.near
    .filter((n) => !own.has(n.text) && !matches(n.text))
    .sort((a, b) => Number(b.green) - Number(a.green) || similarity(b.template, src.template) - similarity(a.template, src.template));
  const holds = candidates.find((n) => n.text.toLowerCase().includes(keyword.toLowerCase()));
  const picked = [...(holds ? [holds] : []), ...candidates.filter((n) => n !== holds)].slice(0, 3).map((n) => n.text);
  if (holds || matches(keyword)) return { lines: picked, madeUp: false };
  return { lines: [keyword, ...picked].slice(0, 3), madeUp: true };
}

const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '?');

/** The rule file for a signature. The caller runs its tests and lint through the real engine before keeping it. */
export function draftRule(src: DraftSource, taken: ReadonlySet<string>, outDir: string): RuleDraft {
  const lines = src.lines.slice(0, 5);
  if (lines.length === 0) throw new RuleError('(draft)', 'tests.match', `no stored line of signature ${src.signature} to test the rule with`);
  const pattern = patternOf(src.template);
  const re = compilePattern(pattern, '', '(draft)', 'patterns.0').re;
  const matches = (text: string) => re.test(parseEnvelope(testLine(text), 1).text);
  const stray = lines.find((l) => !matches(l));
  if (stray) throw new RuleError('(draft)', 'patterns.0', `the pattern made from the template does not match its own line: ${stray}`);
  const keyword = keywordOf(src.template, lines);
  const near = nearMisses(src, keyword, matches);
  const id = idOf(src.template, taken);
  const title = titleOf(src.template);
  const seen = `${src.builds.length} failed build${src.builds.length === 1 ? '' : 's'} of ${src.plans.join(', ') || 'unknown plans'} on ${src.agents.join(', ') || 'unknown agents'}, ${when(src.first)} – ${when(src.last)}`;
  const rule = {
    id,
    title,
    severity: 'error',
    category: 'drafted',
    description: `Drafted from failure signature ${src.signature} (${seen}): ${src.template}`,
    keywords: [keyword],
    patterns: [pattern],
    scenarios: [
      {
        id: 'any',
        title,
        fix: `TODO: say what fixes this failure; this text is shown with every diagnosis of the rule.\nSeen in ${seen}, e.g. ${src.builds[0] ?? '?'}.\nTask {{task.name|<task>}} on {{agent.name|<agent>}}.\n`,
      },
    ],
    tests: {
      match: lines.map((l) => ({ line: testLine(l) })),
      'no-match': near.lines.map(testLine),
      // Every scenario has a test of its own (`rules lint`); add one per scenario you add.
      scenarios: [{ lines: [testLine(lines[0])], expect: { scenario: 'any' } }],
    },
  };
  const { stringify } = createRequire(import.meta.url)('yaml') as typeof YamlType;
  const head = [
    `# Drafted by \`bamboo-doctor rules draft ${src.signature}\` from the stored cause lines of ${src.builds.slice(0, 5).join(', ')}${src.builds.length > 5 ? ', …' : ''}.`,
    '# Edit the title, keyword, pattern and fix, then check and use it:',
    `#   bamboo-doctor rules test --rules ${outDir}  &&  bamboo-doctor rules lint --rules ${outDir}`,
    `#   bamboo-doctor reanalyze --rules ${outDir}    (re-diagnoses the stored builds with it)`,
    ...(near.madeUp ? ['# tests.no-match[0] is made up (no stored line held the keyword but not the failure): replace it with a real near miss.'] : []),
  ];
  return { id, yaml: `${head.join('\n')}\n${stringify(rule, { lineWidth: 0 })}` };
}
