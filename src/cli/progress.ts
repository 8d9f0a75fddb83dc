// A progress line on stderr, redrawn in place, only when stderr is a terminal: a batch of files, a server's jobs.

import type { Writable } from 'node:stream';
import type { Input } from '../sources/inputs.js';

/** Redraws at most this often: a 1 GB batch reads ~1,000 chunks a second. */
const EVERY_MS = 200;
const MB = 1024 * 1024;

/**
 * A single line redrawn in place (`\r` and erase-line), so it needs a terminal; in a pipe or a file it
 * would only be noise, so `progressLine` gives none there. Whoever writes to the terminal (stdout
 * diagnoses, stderr messages) calls `clear()` first, and the line comes back on the next redraw.
 */
export class StatusLine {
  private drawnAt = 0;
  private shown = false;

  constructor(
    private readonly write: (s: string) => void,
    protected readonly now: () => number = Date.now,
  ) {}

  /** Draws the text in place of the line; unless `now`, at most every EVERY_MS. */
  show(text: string, now = false): void {
    if (!now && this.now() - this.drawnAt < EVERY_MS) return;
    this.drawnAt = this.now();
    this.write(`\r\x1b[2K${text}`);
    this.shown = true;
  }

  /** Erases the line so that other output starts at the beginning of a clean line. */
  clear(): void {
    if (!this.shown) return;
    this.write('\r\x1b[2K');
    this.shown = false;
  }
}

/** A batch of files: files done / total, MB read, MB/s. */
export class ProgressLine extends StatusLine {
  private files = 0;
  private bytes = 0;
  private done = 0;
  private read = 0;
  private started = 0;

  /** The batch is known: files to read and their total size (stdin counts for neither). */
  start(inputs: Input[]): void {
    const files = inputs.filter((i) => i.stat !== null);
    this.files = files.length;
    this.bytes = files.reduce((sum, i) => sum + i.stat!.size, 0);
    this.started = this.now();
    this.draw();
  }

  /** Bytes read from the current file. */
  advance(bytes: number): void {
    this.read += bytes;
    if (this.files > 0) this.show(this.text());
  }

  /** An input is done (read, skipped or failed); stdin is not counted. */
  inputDone(input: Input): void {
    if (input.stat === null) return;
    this.done++;
    this.draw();
  }

  /** The text of the line, e.g. `3/10 files · 512.0/1024.0 MB · 85.3 MB/s`. */
  text(): string {
    const seconds = Math.max((this.now() - this.started) / 1000, 0.001);
    const rate = this.read / MB / seconds;
    return `${this.done}/${this.files} files · ${(this.read / MB).toFixed(1)}/${(this.bytes / MB).toFixed(1)} MB · ${rate.toFixed(1)} MB/s`;
  }

  private draw(): void {
    if (this.files > 0) this.show(this.text(), true);
  }
}

/** A progress line when the stream is a terminal, else null (tests and pipes get clean stderr). */
export function progressLine(stderr: Writable): ProgressLine | null {
  return isTerminal(stderr) ? new ProgressLine((s) => stderr.write(s)) : null;
}

export const isTerminal = (stream: Writable): boolean => (stream as Writable & { isTTY?: boolean }).isTTY === true;
