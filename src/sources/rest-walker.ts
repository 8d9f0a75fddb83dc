// Walks the tokens of a REST export (json-tokens.ts): finds job results and their log entries, and feeds the analyzer.

import { applyBuildKey } from '../context/tracker.js';
import type { SourceAnalyzer } from '../diagnose/analyzer.js';
import type { JobContext, LogLine } from '../model.js';
import type { KeywordAutomaton } from '../rules/keywords.js';
import { emptyEntry, entryLine, entryText, type EntryFields } from './rest-entry.js';
import { EntryCoverage } from './rest-coverage.js';
import { BAMBOO_FIELDS, describeTop, notBambooMessage } from './rest-shape.js';
import type { JsonSink } from './json-tokens.js';

/**
 * What a JSON container is to us. A result is the top-level object, or an element of an array under a key
 * `result` (`results.result[]`, `stages.stage[].results.result[]`) or of a top-level array; only a result
 * with `logEntries` is a job (a plan result holds its jobs in stages and has no entries of its own).
 */
type Role = 'result' | 'resultList' | 'logEntries' | 'entryList' | 'entry' | 'other';

interface Frame {
  role: Role;
  /** The result this container belongs to (for a result, itself). */
  result: ResultState | null;
}

interface ResultState {
  build: string | null;
  state: string | null;
  /** Entries of this job read so far: the next entry's `line` is `first` plus this plus one. */
  entries: number;
  hasEntries: boolean;
  /** `logEntries.start-index`: a later page of entries starts past 0. */
  first: number;
  /** `logEntries.size`: how many entries the job has in all, which a page of them may not hold. */
  total: number | null;
  /** True when results are nested in this one (a plan result's jobs, a results list's wrapper). */
  nested: boolean;
  /** The context of the analyzer's job once started; null while entries wait for the key and state. */
  ctx: JobContext | null;
  /** Keyword lines read before the build key and state were known (bounded, see MAX_WAITING). */
  waiting: LogLine[];
}

/**
 * Exports normally give the key and state before `logEntries`. When they come after, keyword lines wait
 * for them, up to this many; past it the job starts without them and they are filled in when they come.
 */
const MAX_WAITING = 10_000;

const RESULT_FIELDS = new Set(['buildResultKey', 'key', 'state']);

const ENTRY_FIELDS = new Set(['log', 'unstyledLog', 'formattedDate', 'cssStyle']);
const STATES: Record<string, JobContext['state']> = { Failed: 'failed', Successful: 'successful' };

export class RestWalker implements JsonSink {
  /** Entries read in the whole input. */
  entries = 0;
  /** True once a field of Bamboo's result resources was seen (see `notBamboo`). */
  private bambooShaped = false;
  /** What the input's first JSON value is, for a message when it is not an export. */
  private top: string | null = null;
  /** Results with no entries, or only a page of them: what the user is told after the reading. */
  readonly coverage = new EntryCoverage();
  private readonly stack: Frame[] = [];
  /** The key of the value read next. */
  private field: string | null = null;
  private entry: EntryFields = emptyEntry();
  /** The job whose entries are read now (or were read last). */
  private job: ResultState | null = null;

  constructor(
    private readonly analyzer: SourceAnalyzer,
    private readonly automaton: KeywordAutomaton,
    private readonly maxChars: number,
  ) {}

  key(name: string): void {
    this.field = name;
    if (BAMBOO_FIELDS.has(name)) this.bambooShaped = true;
  }

  literal(word: 'null' | 'true' | 'false'): void {
    this.top ??= describeTop(`${word}Value`, word);
    this.field = null;
  }

  /**
   * Why this JSON is no Bamboo REST export, or null when it is one: none of its objects has a field of Bamboo's
   * result resources (an array of numbers, a string, null, another service's answer).
   */
  notBamboo(): string | null {
    return this.bambooShaped ? null : notBambooMessage(this.top);
  }

  /** The input ended (or broke): a job still waiting for its key starts with what is known; all jobs end. */
  end(): void {
    if (this.job && !this.job.ctx) this.startJob(this.job);
    this.analyzer.end();
  }

  /** For an error: the `line` the reading had reached (next entry of the current job), if in a job. */
  entryReached(): number | null {
    return this.job ? this.job.first + this.job.entries + 1 : null;
  }

  /** For an error: where in the export the reading stopped. */
  where(): string {
    if (!this.job) return `before any log entry (${this.entries} read)`;
    const build = this.job.build ?? 'with no buildResultKey yet';
    return `in job result ${build}, after log entry ${this.job.first + this.job.entries}`;
  }

  open(isObject: boolean): void {
    this.top ??= describeTop(isObject ? 'startObject' : 'startArray', undefined);
    const parent = this.stack.at(-1);
    const key = this.field;
    this.field = null;
    const role = roleOf(parent?.role ?? null, key, isObject);
    let result = parent?.result ?? null;
    if (role === 'result') {
      if (result) result.nested = true;
      result = { build: null, state: null, entries: 0, hasEntries: false, first: 0, total: null, nested: false, ctx: null, waiting: [] };
    }
    if (role === 'logEntries' && result) this.beginEntries(result);
    if (role === 'entry') this.entry = emptyEntry();
    this.stack.push({ role, result });
  }

  close(): void {
    const frame = this.stack.pop();
    this.field = null;
    if (!frame?.result) return;
    if (frame.role === 'entry') this.endEntry(frame.result);
    else if (frame.role === 'result') this.endResult(frame.result);
  }

  private endResult(result: ResultState): void {
    if (result.hasEntries && !result.ctx) this.startJob(result);
    this.coverage.result(result.hasEntries, result.nested, result.build, result.first, result.entries, result.total);
  }

  /** A string or a number (its text); a string is kept to 8x the line cap by the tokenizer, cut to it by entryLine. */
  scalar(value: string, isString = true): void {
    this.top ??= describeTop(isString ? 'stringValue' : 'numberValue', value);
    const key = this.field;
    this.field = null;
    const frame = this.stack.at(-1);
    if (key === null || !frame?.result) return;
    if (frame.role === 'entry') {
      if (ENTRY_FIELDS.has(key)) this.entry[key as keyof EntryFields] = value;
    } else if (frame.role === 'logEntries') {
      if (key === 'start-index') frame.result.first = Number(value) || 0;
      if (key === 'size') frame.result.total = Number(value);
    } else if (frame.role === 'result' && RESULT_FIELDS.has(key)) {
      this.resultField(frame.result, key, value);
    }
  }

  private resultField(result: ResultState, key: string, value: string): void {
    if (key === 'state') result.state = value;
    else if (key === 'buildResultKey' || result.build === null) result.build = value;
    if (result.ctx) {
      // Came after the entries: fill it in while the analyzer still reads that job.
      if (result.ctx === this.analyzer.context) seed(result.ctx, result);
    } else if (result.hasEntries && result.build !== null && result.state !== null) {
      this.startJob(result);
    }
  }

  private beginEntries(result: ResultState): void {
    result.hasEntries = true;
    if (this.job && this.job !== result && !this.job.ctx) this.startJob(this.job);
    this.job = result;
    if (result.build !== null && result.state !== null) this.startJob(result);
  }

  private endEntry(result: ResultState): void {
    this.entries++;
    const line = result.first + ++result.entries;
    const text = entryText(this.entry);
    if (!this.automaton.holds(text)) return;
    const entry = entryLine(this.entry, text, line, this.maxChars);
    if (result.ctx) this.analyzer.line(entry);
    else if (result.waiting.push(entry) >= MAX_WAITING) this.startJob(result);
  }

  private startJob(result: ResultState): void {
    if (result.ctx) return;
    this.analyzer.startJob((ctx) => {
      seed(ctx, result);
      result.ctx = ctx;
    });
    const waiting = result.waiting;
    result.waiting = [];
    for (const entry of waiting) this.analyzer.line(entry);
  }
}

function roleOf(parent: Role | null, key: string | null, isObject: boolean): Role {
  if (parent === null) return isObject ? 'result' : 'resultList';
  if (isObject) {
    if (parent === 'resultList') return 'result';
    if (parent === 'result' && key === 'logEntries') return 'logEntries';
    if (parent === 'entryList') return 'entry';
    return 'other';
  }
  if (parent === 'logEntries' && key === 'logEntry') return 'entryList';
  if (key === 'result') return 'resultList';
  return 'other';
}

/** What the export says about the job: its key (and so plan, job, number) and its state. */
function seed(ctx: JobContext, result: ResultState): void {
  if (result.build !== null) applyBuildKey(ctx, result.build);
  const state = result.state === null ? undefined : STATES[result.state];
  if (state) ctx.state = state;
}
