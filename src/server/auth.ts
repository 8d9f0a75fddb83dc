// The credentials for a Bamboo server: a personal access token (Bearer) or, for older servers, basic auth.

import { readFileSync, statSync } from 'node:fs';
import { UsageError } from '../errors.js';

export interface Auth {
  /** The Authorization header's value; null to ask anonymously. */
  header: string | null;
  /** Where the credentials came from, said in messages instead of them (`the token in BAMBOO_TOKEN`). */
  source: string;
  /** Every form of the secret that must never be printed or stored (the token, the password, the basic blob). */
  secrets: string[];
  /** Set when the token file can be read by other users (said once as a warning). */
  warning?: string;
}

/**
 * `--token-file` wins, then BAMBOO_TOKEN (Bamboo 6.10+ personal access tokens are sent as Bearer), then
 * BAMBOO_USER with BAMBOO_PASSWORD (basic auth). Nothing set: anonymous, which a Bamboo with anonymous
 * access allows for reading.
 */
export function resolveAuth(env: NodeJS.ProcessEnv, tokenFile?: string): Auth {
  if (tokenFile) return bearer(readTokenFile(tokenFile), `the token in ${tokenFile} (--token-file)`, tokenWarning(tokenFile));
  if (env.BAMBOO_TOKEN) return bearer(env.BAMBOO_TOKEN.trim(), 'the token in BAMBOO_TOKEN');
  const user = env.BAMBOO_USER;
  const password = env.BAMBOO_PASSWORD;
  if (user || password) {
    if (!user || !password) throw new UsageError('basic auth needs both BAMBOO_USER and BAMBOO_PASSWORD (or use a personal access token: BAMBOO_TOKEN)');
    const blob = Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
    return { header: `Basic ${blob}`, source: 'the user and password in BAMBOO_USER/BAMBOO_PASSWORD', secrets: [password, blob] };
  }
  return { header: null, source: 'no credentials (set BAMBOO_TOKEN, or use --token-file)', secrets: [] };
}

function bearer(token: string, source: string, warning?: string): Auth {
  if (!token) throw new UsageError(`${source} is empty`);
  return { header: `Bearer ${token}`, source, secrets: [token], warning };
}

function readTokenFile(file: string): string {
  try {
    // The file's content is never quoted back: it may be the wrong file holding another secret.
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new UsageError(`--token-file ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function tokenWarning(file: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  const mode = statSync(file).mode;
  return mode & 0o077 ? `--token-file ${file} can be read by other users (chmod 600 ${file})` : undefined;
}

/** Replaces every secret in a text by `********`: the last guard before anything is printed. */
export function maskSecrets(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('********');
  return out;
}
