// Masks secrets in the log text that becomes evidence, captures, cause lines and fixes, before anything is printed or stored.

import type { CauseCandidate, CauseLine } from '../model.js';
import { SECRET_PATTERNS } from './patterns.js';

/**
 * The version of the masking (the patterns in secret-patterns.ts): stored with each diagnosis, so that `reanalyze`
 * masks again what an older version stored. Raise it when a pattern is added or widened.
 */
export const REDACTION_VERSION = 1;

/** What a secret becomes: Bamboo's own mask for the variables it hides (password, secret, passphrase). */
export const MASK = '********';

/**
 * Values that are no secret although they stand where one would: a variable reference (`${bamboo.x}`, `$TOKEN`,
 * `%TOKEN%`, `{{ secrets.X }}`), a placeholder (`<password>`), an already masked value, or a literal like true.
 * Masking them would only make the line harder to read (gitleaks' global allowlist keeps the same ones).
 */
const NOT_SECRET = /^(?:\*{3,}.*|\$\{[^}]*\}|\$\(?[A-Za-z_][\w.]*\)?|%[A-Za-z_][\w.]*%|\{\{[^}]*\}\}|<[^<>]*>|true|false|null|none|yes|no)$/i;

/**
 * The text with every secret masked: `https://jdoe:********@git.example.com/…`, `Authorization: Bearer ********`,
 * `bamboo_db_password=********`, `ghp_********`. Used once where a log line becomes evidence, a capture or a cause
 * line, and on the values a fix template pastes in. Costs a few regular-expression passes: never call it per line
 * read, only on what is kept.
 */
export function redact(text: string): string {
  return maskAll(text, null);
}

/** The secret values found in a text (what `redact` masks there), e.g. to mask them where they stand alone. */
export function secretsIn(text: string): string[] {
  const found: string[] = [];
  maskAll(text, found);
  return found;
}

/** Shorter secrets are masked in a capture only when the capture is that secret, not inside other words. */
const MIN_EMBEDDED = 6;

/**
 * Evidence lines and captures as a diagnosis keeps them: each masked, and a capture that holds a secret seen in the
 * evidence (a pattern that captured only the password of `password=…`) masked too, though alone it has no shape.
 */
export function redactMatch(evidence: string[], captures: Record<string, string>): { evidence: string[]; captures: Record<string, string> } {
  const secrets = evidence.flatMap(secretsIn);
  const masked: Record<string, string> = {};
  for (const [name, value] of Object.entries(captures)) masked[name] = maskKnown(redact(value), secrets);
  return { evidence: evidence.map(redact), captures: masked };
}

/** What a stored diagnosis holds that came from the log: evidence, captures, fix, cause lines and their pool. */
export interface StoredLogText {
  evidence: string[];
  captures: Record<string, string>;
  fix: string;
  cause?: CauseLine[] | null;
  causePool?: CauseCandidate[] | null;
}

/**
 * A diagnosis as stored before (maybe by a version that masked nothing): its evidence, captures, fix, cause lines and
 * the candidates they were ranked from (text and template; the hash stays, it groups and ranks) masked now. A fix
 * pasted captures and the first cause line in, so the secrets of the evidence and the cause lines are masked in it too.
 */
export function redactStored<T extends StoredLogText>(d: T): T {
  const secrets = [...d.evidence, ...(d.cause ?? []).map((c) => c.text)].flatMap(secretsIn);
  const out: T = { ...d, ...redactMatch(d.evidence, d.captures), fix: maskKnown(redact(d.fix), secrets) };
  if (d.cause) out.cause = d.cause.map((c) => ({ ...c, text: redact(c.text) }));
  if (d.causePool) out.causePool = d.causePool.map((c) => ({ ...c, text: redact(c.text), template: redact(c.template) }));
  return out;
}

function maskKnown(value: string, secrets: string[]): string {
  let out = value;
  for (const s of secrets) {
    if (out === s) return MASK;
    if (s.length >= MIN_EMBEDDED && out.includes(s)) out = out.split(s).join(MASK);
  }
  return out;
}

function maskAll(text: string, found: string[] | null): string {
  let out = text;
  for (const p of SECRET_PATTERNS) {
    out = out.replace(p.re, (whole: string, before: string, secret: string, after: string) => maskOne(whole, before, secret, after, found));
  }
  return out;
}

/** Every pattern has three groups: 1 is kept before the secret, 2 is the secret (its quotes are kept), 3 is kept after it. */
function maskOne(whole: string, before = '', secret = '', after = '', found: string[] | null): string {
  const quote = /^["']/.test(secret) && secret.length >= 2 && secret.at(-1) === secret[0] ? secret[0] : '';
  const value = quote ? secret.slice(1, -1) : secret;
  if (!value || NOT_SECRET.test(value)) return whole!;
  found?.push(value);
  return `${before}${quote}${MASK}${quote}${after}`;
}
