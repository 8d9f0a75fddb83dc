// Reduces a log line to a template (its variable parts masked, Drain-style) and hashes a template into a signature.

import { createHash } from 'node:crypto';

/**
 * Masks in order: the wide tokens first (a URL holds paths and numbers, a path holds hex ids), numbers last.
 * The list starts from Drain3's example masking list (IP, hex ids and sequences, 0x…, numbers bounded by
 * non-alphanumerics, so `CS0246` or `MSB3073` stay: an error code is part of what failed) and adds what build
 * logs vary in: UUIDs, times and dates, durations, quoted strings, URLs, paths and Bamboo build keys.
 */
const MASKS: [RegExp, string][] = [
  [/\b[a-z][a-z0-9+.-]{1,15}:\/\/[^\s'"`<>()]+/gi, '<URL>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<UUID>'],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<TIME>'],
  [/\b\d{1,2}-[A-Za-z]{3}-\d{4}(?: \d{2}:\d{2}:\d{2})?/g, '<TIME>'],
  [/\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, '<TIME>'],
  [/\b[A-Z][A-Z0-9_]*-[A-Z][A-Z0-9_]*(?:-[A-Z][A-Z0-9_]*)?-\d+\b/g, '<BUILD>'],
  [/(?<![\w\\])(["'`])[^"'`\n]{0,200}?\1(?!\w)/g, '<STR>'],
  [/(?<![\w:.])(?:[A-Za-z]:)?[\\/](?=[\w.@%+~$-])(?:[\w.@%+~$-]+[\\/])*[\w.@%+~$-]*/g, '<PATH>'],
  [/(?<![\w/-])(?:\.{1,2}\/)?[\w.@-]+(?:\/[\w.@-]+)+\/?/g, '<PATH>'],
  [/(?<![A-Za-z0-9])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?::\d+)?(?![A-Za-z0-9])/g, '<IP>'],
  [/(?<![A-Za-z0-9])0x[0-9a-f]+(?![A-Za-z0-9])/gi, '<HEX>'],
  [/(?<![A-Za-z0-9])(?=[0-9a-f]*\d)[0-9a-f]{7,}(?![A-Za-z0-9])/gi, '<HEX>'],
  [/(?<![A-Za-z0-9])\d+(?:\.\d+)?\s?(?:ms|s|sec|secs|seconds?|m|mins?|minutes?|h|hours?)(?![A-Za-z0-9])/g, '<DURATION>'],
  [/(?<![A-Za-z0-9])[-+]?\d+(?:\.\d+)*(?![A-Za-z0-9])/g, '<NUM>'],
];

export interface TemplateOptions {
  /** The agent's name: masked where it appears (a host name says where, not what, failed). */
  agent?: string | null;
}

/** The line with its variable parts masked and its spacing collapsed: lines that differ only there share it. */
export function templateOf(text: string, options: TemplateOptions = {}): string {
  let t = text;
  const agent = options.agent;
  if (agent && agent.length >= 3) t = t.split(agent).join('<AGENT>');
  for (const [re, mask] of MASKS) t = t.replace(re, mask);
  return t.replace(/\s+/g, ' ').trim();
}

/** A template's signature: 16 hex digits of its SHA-256 (64 bits: no collision among a database's templates). */
export function signatureOf(template: string): string {
  return createHash('sha256').update(template).digest('hex').slice(0, 16);
}
