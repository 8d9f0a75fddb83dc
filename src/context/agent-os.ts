// Tells the agent host's operating system from the paths a log shows (working directory, agent home, process dir).

import type { AgentOs, JobContext } from '../model.js';
import { isRunnerWrapper } from './docker-run.js';

/** `C:\…`, `D:/…` (Java may print forward slashes), or a UNC share `\\host\share\…`. */
const WINDOWS_PATH = /^(?:[A-Za-z]:[\\/]|\\\\[^\\\s]+\\)/;
/**
 * macOS keeps user homes under /Users, other disks under /Volumes, apps and frameworks under /Applications and
 * /Library, Homebrew (Apple silicon) under /opt/homebrew and per-user temp folders under /private/var/folders.
 */
const MACOS_PATH = /^\/(?:Users|Volumes|Applications|Library|opt\/homebrew|private\/var\/folders)\//;

/**
 * The OS a path was written on, or null when it does not tell (a relative path, `${system.HOME}`).
 * Any other absolute POSIX path (/home, /opt, /var, /srv, /build…) is taken for Linux: Bamboo's agent
 * runs on Linux, macOS, Windows (and Solaris, which no log here shows); only macOS has its own layout.
 */
export function osOfPath(path: string): AgentOs | null {
  const p = path.trim();
  if (WINDOWS_PATH.test(p)) return 'windows';
  if (p.startsWith('/')) return MACOS_PATH.test(p) ? 'macos' : 'linux';
  // No drive letter but backslash-separated (`bamboo-agent-home\xml-data\…`): only Windows writes these.
  if (/^[^\s/\\]+\\[^\s/\\]/.test(p)) return 'windows';
  return null;
}

/**
 * Records the OS a path shows. The working directory and the agent home are the agent's own paths and win
 * (`strong`); a process's directory or an environment value only fills an OS not yet known.
 */
export function noteOsFromPath(ctx: JobContext, path: string, strong: boolean): void {
  if (!strong && ctx.agent.os !== 'unknown') return;
  const os = osOfPath(path);
  if (os) ctx.agent.os = os;
}

/**
 * The program a command starts with (`C:\…\pwsh.exe`, `.\gradlew`, `/bin/sh`) is written in the agent's OS: the
 * command under "running command line", or the one a failed task names. A Docker Runner's task wrapper
 * (`/tmp/runInDocker….sh`) only tells that the container is Linux, not what the agent runs on.
 */
export function noteOsFromProgram(ctx: JobContext, command: string): void {
  const c = command.trim();
  if (c !== '' && !isRunnerWrapper(c)) noteOsFromPath(ctx, c.split(/\s/)[0], false);
}

/**
 * Any absolute path a line shows (a tool's cache, an SDK, a temp file) was written on the agent: the weakest sign
 * of its OS, taken only while no other line told it. Git Bash on Windows prints POSIX paths too, but a Windows
 * log shows its drive paths as well (working directory, temp scripts), and those are strong.
 */
export function noteOsFromText(ctx: JobContext, text: string): void {
  if (ctx.agent.os !== 'unknown') return;
  for (const m of text.matchAll(PATH_IN_TEXT)) {
    if (ctx.agent.os !== 'unknown') return;
    noteOsFromPath(ctx, m[0], false);
  }
}

/** A command entry's ` ... in: <dir>` part and `bamboo_agentWorkingDirectory=<dir>`: where the agent ran the process. */
const PROCESS_DIR = /^(?:\.\.\. in: |bamboo_agentWorkingDirectory=)(.+)$/;

/** Reads the OS from one part of a command entry, when it is the process's directory. */
export function noteOsFromCommandPart(ctx: JobContext, part: string): void {
  if (ctx.agent.os !== 'unknown') return;
  const m = PROCESS_DIR.exec(part);
  if (m) noteOsFromPath(ctx, m[1], false);
}

/** Absolute paths in a text (see agent-paths.ts): not inside a URL or a word. */
export const PATH_IN_TEXT = /(?<![\w])[A-Za-z]:[\\/][^\s"'<>|*?\]]*|\\\\[^\\\s]+\\[^\s"'<>|*?\]]*|(?<![\w.:~/\\-])\/[^\s"':;,<>|*?\]]+/g;

/**
 * What the paths in a diagnosis's evidence say of the OS: `windows` for a drive or UNC path, `posix` when
 * all are POSIX paths (which Git Bash on Windows prints too, so they only weigh against Windows), else null.
 */
export function evidenceOs(texts: readonly string[]): 'windows' | 'posix' | null {
  let posix = false;
  for (const text of texts) {
    for (const m of text.matchAll(PATH_IN_TEXT)) {
      const os = osOfPath(m[0]);
      if (os === 'windows') return 'windows';
      if (os) posix = true;
    }
  }
  return posix ? 'posix' : null;
}
