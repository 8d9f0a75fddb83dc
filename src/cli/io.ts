// The streams a command talks to, so tests can run commands in-process as well as through the binary.

import type { Readable, Writable } from 'node:stream';

export interface Io {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  /** Aborted on SIGINT/SIGTERM (wired in bin/): stops a command that runs until stopped (`--follow`). */
  signal?: AbortSignal;
}

export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;
