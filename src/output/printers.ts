// Prints diagnoses on stdout: NDJSON (one per line, as they arise), a JSON array, or text for a person.

import type { Diagnosis } from '../model.js';
import type { Sink } from '../diagnose/analyzer.js';
import { escapeControls } from './terminal.js';

export type Format = 'text' | 'json' | 'ndjson';

type Write = (s: string) => void;

/** The diagnosis as the output contract orders its fields (DESIGN.md). */
export function toRecord(d: Diagnosis): Record<string, unknown> {
  const { rule, title, severity, category, scenario, candidates, build, plan, job, number, state, agent, runner, task } = d;
  const { source, line, time, evidence, captures, count, cause, signature, fix, note, ruleVersion } = d;
  const record: Record<string, unknown> = { rule, title, severity, category, scenario };
  if (candidates) record.candidates = candidates;
  Object.assign(record, { build, plan, job, number });
  if (state) record.state = state;
  Object.assign(record, { agent, runner, task, source, line, time, evidence, captures, count });
  if (cause) record.cause = cause;
  if (signature) record.signature = signature;
  record.fix = fix;
  if (note) record.note = note;
  record.ruleVersion = ruleVersion;
  return record;
}

/** A printer for the format; `finish` prints what waits for the end (the JSON array). */
export function printer(format: Format, write: Write): Sink & { finish(): void } {
  if (format === 'ndjson') {
    return { diagnosis: (d) => write(`${JSON.stringify(toRecord(d))}\n`), finish: () => {} };
  }
  if (format === 'json') {
    // Written element by element, the same bytes as JSON.stringify(all, null, 2), so memory does not grow
    // with the number of diagnoses; `finish` closes the array (an empty one is `[]`).
    let count = 0;
    const element = (d: Diagnosis) => `  ${JSON.stringify(toRecord(d), null, 2).replace(/\n/g, '\n  ')}`;
    return {
      diagnosis: (d) => write(`${count++ === 0 ? '[\n' : ',\n'}${element(d)}`),
      finish: () => write(count === 0 ? '[]\n' : '\n]\n'),
    };
  }
  return { diagnosis: (d) => write(formatText(d)), finish: () => {} };
}

const MARK: Record<Diagnosis['severity'], string> = { error: 'ERROR', warning: 'WARNING', info: 'info' };

/** A diagnosis for a person: what failed, where it ran, the evidence line, and the fix. */
export function formatText(d: Diagnosis): string {
  const out: string[] = [];
  out.push(`${MARK[d.severity]}  ${d.title}  [${d.rule}]${d.count > 1 ? `  ×${d.count}` : ''}`);
  const build = d.build ? `${d.build}${d.task ? ` · task '${d.task.name}'` : ''}` : '(no build header in the log)';
  out.push(`  build     ${build}`);
  out.push(`  agent     ${describeAgent(d)}`);
  out.push(`  runner    ${describeRunner(d)}`);
  out.push(`  scenario  ${d.scenario}${d.candidates ? ` (${d.candidates.join(' | ')})` : ''}`);
  out.push(`  at        ${d.source}:${d.line}${d.time ? `  ${d.time.replace('T', ' ')}` : ''}`);
  for (const e of d.evidence) out.push(`  > ${clip(e)}`);
  if (d.cause?.length) {
    out.push(`  cause     ${d.signature ? `signature ${d.signature}` : ''}`.trimEnd());
    for (const c of d.cause) out.push(`  ${String(c.line).padStart(6)}  ${clip(c.text)}${c.seenInGreen ? '  (also in successful builds of this job)' : ''}`);
  }
  if (d.note) out.push(`  note      ${d.note}`);
  out.push('  fix:');
  out.push(...d.fix.split('\n').map((l) => (l ? `    ${l}` : '')));
  return `${escapeControls(out.join('\n'))}\n\n`;
}

const clip = (text: string): string => (text.length > 300 ? `${text.slice(0, 300)}…` : text);

function describeAgent(d: Diagnosis): string {
  const a = d.agent;
  const facts: string[] = [a.type];
  if (a.os && a.os !== 'unknown') facts.push(a.os);
  if (a.container) facts.push('in a container');
  if (a.service) facts.push('run as a service');
  if (a.home) facts.push(`home ${a.home}`);
  if (a.name === null && facts.length === 1) return a.type === 'unknown' ? 'not in the log' : a.type;
  return `${a.name ?? '(name not in the log)'} (${facts.join(', ')})`;
}

function describeRunner(d: Diagnosis): string {
  const r = d.runner;
  if (r.kind !== 'docker') return r.kind === 'agent' ? 'agent environment' : 'unknown';
  const volumes = r.volumes.map((v) => `${v.host}:${v.container}`).join(' ');
  return `Docker Runner ${r.image ?? ''}${volumes ? `, volumes ${volumes}` : ''}`;
}
