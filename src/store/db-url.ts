// Which database `--db` names (a SQLite file, or a PostgreSQL URL), and that URL as it may be shown: no password.

/** `postgres://user@host/db` or `postgresql://…` (libpq's two spellings). */
export const isPostgresUrl = (db: string): boolean => /^postgres(ql)?:\/\//i.test(db);

/**
 * The URL with its password replaced by `***` (in the user part and in a `password=` parameter): the only form
 * in which a PostgreSQL location is printed, put in an error or stored.
 */
export function redactUrl(db: string): string {
  let url: URL;
  try {
    url = new URL(db);
  } catch {
    // Not parseable as a URL: everything between `//` and `@` may hold the password.
    return db.replace(/\/\/[^@/]*@/, '//***@');
  }
  if (url.password) url.password = '***';
  for (const key of [...url.searchParams.keys()]) if (/^password$/i.test(key)) url.searchParams.set(key, '***');
  return url.toString().replace('%2A%2A%2A', '***');
}

/** The password a URL holds (user part or `password=` parameter), decoded; null when it has none. */
export function passwordOf(db: string): string | null {
  try {
    const url = new URL(db);
    const fromQuery = [...url.searchParams.entries()].find(([k]) => /^password$/i.test(k))?.[1];
    return (url.password ? decodeURIComponent(url.password) : fromQuery) || null;
  } catch {
    return /\/\/[^:@/]*:([^@/]*)@/.exec(db)?.[1] ?? null;
  }
}

/** A message with every occurrence of the password (as given and URL-encoded) replaced by `***`. */
export function withoutPassword(message: string, db: string): string {
  const password = passwordOf(db);
  if (!password) return message;
  let out = message;
  for (const form of new Set([password, encodeURIComponent(password)])) out = out.split(form).join('***');
  return out;
}
