// Generated job logs for tests of reading in parallel: the bundled samples under other build numbers, and excerpts.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error: a plain ES module without types (the converter the bench uses too)
import { logBuildKey } from '../../bench/log-to-rest.mjs';
import { ROOT } from './cli.js';

const SAMPLES = ['docker-runner-remote-agent', 'docker-runner-docker-agent', 'docker-runner-elastic-agent', 'docker-runner-service-agent', 'agent-environment', 'successful-build-noisy-stderr'];
const samples = SAMPLES.map((name) => {
  const text = readFileSync(join(ROOT, 'samples', `${name}.log`), 'utf8');
  return { text, key: logBuildKey(text) as string };
});

/** Sample n (generated: a bundled sample under another build number, so each job is a build of its own). */
export function job(n: number): string {
  const { text, key } = samples[n % samples.length];
  return text.replaceAll(key, `${key.slice(0, key.lastIndexOf('-'))}-${1000 + n}`);
}

/**
 * Generated lines of a job whose header is not in the log (a pasted excerpt): a failure without a key, stored
 * as `<source>#n`. With `findings: false` only a context line: the next header's job then carries it on.
 */
export function fragment(n: number, findings = true): string {
  const lines = [`simple\t03-Nov-2025 09:4${n % 10}:00\tRemote agent on host fragment-host-${n}`];
  if (findings) {
    lines.push(`error\t03-Nov-2025 09:4${n % 10}:01\tError response from daemon: pull access denied for acme/tool-${n}, repository does not exist or may require 'docker login': denied`);
    lines.push(`simple\t03-Nov-2025 09:4${n % 10}:02\tFailing task since return code of [/bin/sh build-${n}.sh] was 1 while expected 0`);
  }
  return `${lines.join('\n')}\n`;
}


/** Sample n, failed without any rule's failure in it (generated: the green sample with its tasks failing). */
export function unexplained(n: number): string {
  const green = samples[SAMPLES.indexOf('successful-build-noisy-stderr')];
  return green.text.replaceAll(green.key, `${green.key.slice(0, green.key.lastIndexOf('-'))}-${1000 + n}`).replaceAll('with result: Success', 'with result: Failed');
}
