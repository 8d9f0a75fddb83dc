// The errors a user can cause or meet, in one module below every layer: the CLI turns each into one line and exit 2.

/** A user's mistake on the command line: printed as one line without a stack trace, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An input that could not be read; names the source and the line reached. */
export class InputError extends Error {
  constructor(
    readonly source: string,
    readonly line: number | null,
    message: string,
  ) {
    super(`${source}${line !== null ? `:${line}` : ''}: ${message}`);
    this.name = 'InputError';
  }
}

/** A rule file that cannot be used; names the file and the field. */
export class RuleError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    message: string,
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${message}`);
    this.name = 'RuleError';
  }
}

/** The database failed (read-only, full, corrupt, locked, not ours): names the database and the reason. */
export class StoreError extends Error {
  constructor(
    readonly database: string,
    message: string,
  ) {
    super(`database ${database}: ${message}`);
    this.name = 'StoreError';
  }
}

/**
 * A Bamboo server refused or failed a request: names the server's URL path (never credentials), the HTTP status
 * when there was an answer, and what to do. `transient` errors (unreachable, 5xx, 429 after the retries) may pass:
 * what they stopped is fetched on the next run rather than given up.
 */
export class ServerError extends Error {
  constructor(
    readonly url: string,
    readonly status: number | null,
    message: string,
    readonly transient = false,
  ) {
    super(`${url}: ${message}`);
    this.name = 'ServerError';
  }
}

/** A worker thread of `--jobs` failed (a bug, not a bad input: a broken input fails alone): the run stops. */
export class WorkerError extends Error {
  override name = 'WorkerError';
}
