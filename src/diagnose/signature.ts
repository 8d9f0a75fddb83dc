// Reduces a log line to a template (its variable parts masked, Drain-style) and hashes a template into a signature.

/**
 * Masks in order, the wider first: a URL holds paths and numbers, a path holds hex ids, numbers come last. The
 * list starts from Drain3's example masking list (IP, hex ids and sequences, 0x…, numbers bounded by
 * non-alphanumerics, so `CS0246` or `MSB3073` stay: an error code is part of what failed) and adds what build
 * logs vary in: UUIDs, times and dates, durations, quoted strings, URLs, paths and Bamboo build keys. Each mask
 * names a character its matches need: a mask whose character the line lacks is skipped (cause candidates are
 * templated on the hot path, and most lines need only a few masks).
 */
const MASKS: [mask: string, re: RegExp, needs: RegExp][] = [
  ['<URL>', /\b[a-zA-Z][a-zA-Z0-9+.-]{0,15}:\/\/[^\s'"`<>()]+/g, /:\/\//],
  ['<UUID>', /\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/g, /-[0-9a-fA-F]{4}-/],
  ['<TIME>', /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g, /\d-\d/],
  ['<TIME>', /\b\d{1,2}-[A-Za-z]{3}-\d{4}(?: \d{2}:\d{2}:\d{2})?/g, /-\d{4}/],
  ['<TIME>', /\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, /\d:\d/],
  ['<BUILD>', /\b[A-Z][A-Z0-9_]*-[A-Z][A-Z0-9_]*(?:-[A-Z][A-Z0-9_]*)?-\d+\b/g, /[A-Z0-9_]-\d/],
  ['<STR>', /(?<![\w\\])(["'`])[^"'`\n]{0,200}?\1(?!\w)/g, /["'`]/],
  ['<PATH>', /(?<![\w:.])(?:[A-Za-z]:)?[\\/](?=[\w.@%+~$-])(?:[\w.@%+~$-]+[\\/])*[\w.@%+~$-]*/g, /[\\/]/],
  ['<PATH>', /(?<![\w/-])(?:\.{1,2}\/)?[\w.@-]+(?:\/[\w.@-]+)+\/?/g, /\//],
  ['<IP>', /(?<![A-Za-z0-9])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?::\d+)?(?![A-Za-z0-9])/g, /\d\.\d/],
  ['<HEX>', /(?<![A-Za-z0-9])0x[0-9a-fA-F]+(?![A-Za-z0-9])/g, /0x/],
  ['<HEX>', /(?<![A-Za-z0-9])(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{7,}(?![A-Za-z0-9])/g, /[0-9a-fA-F]{7}/],
  ['<DURATION>', /(?<![A-Za-z0-9])\d+(?:\.\d+)?\s?(?:ms|s|sec|secs|seconds?|m|mins?|minutes?|h|hours?)(?![A-Za-z0-9])/g, /\d\s?[smh]/],
  ['<NUM>', /(?<![A-Za-z0-9])[-+]?\d+(?:\.\d+)*(?![A-Za-z0-9])/g, /\d/],
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
  for (const [mask, re, needs] of MASKS) if (needs.test(t)) t = t.replace(re, mask);
  return t.replace(/\s+/g, ' ').trim();
}

/**
 * A template's signature: 16 hex digits, two 32-bit FNV-1a lanes with different seeds over its UTF-16 units
 * (64 bits: no collision among a database's templates). Computed for every new candidate line, where a SHA-256
 * (createHash) measured ~7 µs a line against well under 1 µs for this; it only has to be stable, not secret.
 */
export function signatureOf(template: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ template.length;
  for (let i = 0; i < template.length; i++) {
    const c = template.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return hex8(a) + hex8(b);
}

const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
