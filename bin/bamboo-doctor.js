#!/usr/bin/env node
// The only place that touches process: runs the CLI and exits with its code once stdout has drained.
import { getEventListeners } from 'node:events';
import { main } from '../dist/cli/main.js';

// SIGINT/SIGTERM stop a command that listens for it (`analyze --follow`), which then ends cleanly. With nothing
// listening, and for a second signal, the default action applies: the process ends at once.
const stop = new AbortController();
const onSignal = (signal) => {
  if (!stop.signal.aborted && getEventListeners(stop.signal, 'abort').length > 0) return stop.abort();
  process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  process.kill(process.pid, signal);
};
process.on('SIGINT', onSignal).on('SIGTERM', onSignal);

// A reader that stops early (`… | head`) closes the pipe: that is the reader's choice, not an error to report.
process.stdout.on('error', (err) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});

const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, signal: stop.signal };
const code = await main(process.argv.slice(2), io);
process.exitCode = code;
