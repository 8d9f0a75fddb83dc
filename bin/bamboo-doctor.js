#!/usr/bin/env node
// The only place that touches process: runs the CLI and exits with its code once stdout has drained.
import { main } from '../dist/cli/main.js';

const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
process.exitCode = code;
