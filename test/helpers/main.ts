// The in-process CLI runner under the names the server tests use (one implementation: test/helpers/cli.ts).

export { runCli as runMain, startCli as startMain, type Running } from './cli.js';
