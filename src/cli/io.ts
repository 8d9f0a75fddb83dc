// The streams, environment and folder a command talks to, so tests can run commands in-process as well as
// through the binary.

import { isAbsolute, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export interface Io {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  /** Aborted on SIGINT/SIGTERM (wired in bin/): stops a command that runs until stopped (`--follow`). */
  signal?: AbortSignal;
  /** The environment the command reads (`BAMBOO_DOCTOR_DB`); `process.env` when absent. */
  env?: NodeJS.ProcessEnv;
  /** The folder the user's relative paths are taken from; the process's own when absent. */
  cwd?: string;
}

export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/**
 * A path the user gave, as the process can open it. Unchanged unless the command runs for another folder than
 * the process's own (a test running commands in-process): then resolved against that folder.
 */
export function userPath(io: Io, path: string): string {
  if (io.cwd === undefined || isAbsolute(path) || resolve(io.cwd) === process.cwd()) return path;
  return resolve(io.cwd, path);
}

export const userPaths = (io: Io, paths: string[] | undefined): string[] => (paths ?? []).map((p) => userPath(io, p));
