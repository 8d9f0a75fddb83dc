// One job being read: its context, the rules that fired in it (one draft per rule, with a count), and
// the half-matched multi-line rules.

import { emptyContext, type Diagnosis, type LogLine, type Severity } from '../model.js';
import type { Rule } from '../rules/load.js';
import type { LineHits, RuleSet } from '../rules/rule-set.js';
import { JobCauses, withCause, type Baseline } from './job-causes.js';
import { chooseScenario, renderFix, type Phase } from './scenario.js';
import { UNEXPLAINED_FAILURE } from '../rules/unexplained-failure.js';
import { redactMatch } from '../secrets/redact.js';

export interface Draft {
  rule: Rule;
  line: number;
  time: string | null;
  evidence: string[];
  captures: Record<string, string>;
  count: number;
  /** Index of the task (in ctx.tasks) the first evidence line belongs to; -1 outside tasks. */
  taskIndex: number;
  phase: Phase;
  emitted: boolean;
}

interface Partial {
  step: number;
  lastLine: number;
  first: { line: number; time: string | null; taskIndex: number; phase: Phase };
  evidence: string[];
  captures: Record<string, string>;
}

/** The most generic rule of all: a task's non-zero exit code. */
const EXIT_CODE_RULE = 'task-nonzero-exit';

/** Evidence is for a person to read: a matched 3 MB line is kept to its first 2,000 characters. */
export const MAX_EVIDENCE_CHARS = 2000;
/**
 * A waiting line keeps this much more until its secrets are masked (when the rule fires), so that a token or URL
 * that the cut at 2,000 would split is still whole, and so found, when it is masked.
 */
const MASK_MARGIN = 1000;
const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text);
const keep = (text: string): string => cut(text, MAX_EVIDENCE_CHARS + MASK_MARGIN);

export class JobRun {
  readonly ctx = emptyContext();
  readonly drafts = new Map<string, Draft>();
  /** True once the build's header line was read. */
  hasHeader = false;

  /** How many rules fired in this job so far (for the segmenter). */
  get findings(): number {
    return this.drafts.size;
  }
  private readonly partials = new Map<number, Partial[]>();
  readonly causes: JobCauses;

  constructor(
    readonly source: string,
    private readonly ruleSet: RuleSet,
    baseline?: Baseline,
  ) {
    this.causes = new JobCauses(this.ctx, baseline);
  }

  /** Offers a line to the cause window: one with a cause marker, or one a specific rule's pattern matched. */
  noteCause(line: LogLine, hits: LineHits): void {
    const evidence = hits.steps.some(({ ref }) => {
      const rule = this.ruleSet.rules[ref.rule];
      return !rule.generic && rule.severity !== 'info';
    });
    this.causes.note(line, hits.cause, evidence);
  }

  /**
   * A failed build read to its end with no error diagnosis gets one of the built-in `unexplained-failure`, at its
   * first failed task (or outside tasks), with its cause lines: no failed build is silent. A log that stops short
   * (a cut download, one page of a REST export) may hold its failure in the part not read: no guess is made.
   */
  unexplained(diagnoses: Diagnosis[]): Diagnosis | null {
    if (this.ctx.state !== 'failed' || !this.ctx.finished || diagnoses.some((d) => d.severity === 'error')) return null;
    const slot = this.causes.failedSlot();
    const phase: Phase = slot >= 0 ? 'task' : this.ctx.executing ? 'build' : this.hasHeader ? 'setup' : 'unknown';
    const line = this.causes.causeOf(slot)?.cause[0]?.line ?? 0;
    const rule = UNEXPLAINED_FAILURE;
    return this.diagnosis({ rule, line, time: null, evidence: [], captures: {}, count: 1, taskIndex: slot, phase, emitted: false });
  }

  /** Records the rule steps a line satisfied; returns the drafts that fired for the first time. */
  onHits(line: LogLine, hits: LineHits): Draft[] {
    const fresh: Draft[] = [];
    const taskIndex = this.ctx.task ? this.ctx.tasks.lastIndexOf(this.ctx.task) : -1;
    const phase = this.phase();
    // Later steps first, so one line cannot both open and close the same multi-line match.
    const ordered = [...hits.steps].sort((a, b) => b.ref.step - a.ref.step);
    for (const { ref, captures, text } of ordered) {
      const rule = this.ruleSet.rules[ref.rule];
      const last = rule.steps.length - 1;
      const at = { line: line.line, time: line.time, taskIndex, phase };
      if (ref.step === 0) {
        const partial: Partial = { step: 0, lastLine: line.line, first: at, evidence: [keep(text)], captures };
        this.prune(ref.rule, line.line);
        const early = rule.anyOrder ? this.takeEarly(ref.rule, line.line) : undefined;
        if (early) this.fire(rule, { ...early, evidence: [...early.evidence, ...partial.evidence], captures: { ...early.captures, ...captures } }, fresh);
        else if (last === 0) this.fire(rule, partial, fresh);
        else this.partialsOf(ref.rule).push(partial);
        continue;
      }
      const within = rule.steps[ref.step].within;
      const waiting = this.partialsOf(ref.rule).filter((p) => p.step === ref.step - 1 && line.line - p.lastLine <= within);
      if (waiting.length === 0 && rule.anyOrder) {
        // The second line came first: it waits, within the window, for the first. Those whose window has passed
        // go now: in a fragment that never ends (a pipe, --follow) they would pile up.
        const early = this.earlyOf(ref.rule).filter((p) => line.line - p.lastLine <= within);
        early.push({ step: ref.step, lastLine: line.line, first: at, evidence: [keep(text)], captures });
        this.early.set(ref.rule, early);
      }
      for (const p of waiting) {
        p.step = ref.step;
        p.lastLine = line.line;
        p.evidence.push(keep(text));
        p.captures = { ...p.captures, ...captures };
        if (ref.step === last) this.fire(rule, p, fresh);
      }
      this.prune(ref.rule, line.line);
    }
    return fresh;
  }

  /** Set-up is what Bamboo does before "Executing build" (the Docker Runner starts there); unknown in a fragment. */
  private phase(): Phase {
    if (this.ctx.task) return 'task';
    if (this.ctx.executing) return 'build';
    return this.hasHeader || this.ctx.workingDirectory !== null ? 'setup' : 'unknown';
  }

  /** Second-step lines of `any-order` rules seen before any first-step line. */
  private readonly early = new Map<number, Partial[]>();

  private earlyOf(rule: number): Partial[] {
    let list = this.early.get(rule);
    if (!list) this.early.set(rule, (list = []));
    return list;
  }

  /** The oldest second-step line still within the window of a first-step line at `line`, removed from the list. */
  private takeEarly(ruleIndex: number, line: number): Partial | undefined {
    const within = this.ruleSet.rules[ruleIndex].steps[1].within;
    const list = this.earlyOf(ruleIndex).filter((p) => line - p.lastLine <= within);
    const taken = list.shift();
    this.early.set(ruleIndex, list);
    return taken;
  }

  private partialsOf(rule: number): Partial[] {
    let list = this.partials.get(rule);
    if (!list) this.partials.set(rule, (list = []));
    return list;
  }

  /** Drops finished partial matches and those whose window has passed. */
  private prune(ruleIndex: number, line: number): void {
    const rule = this.ruleSet.rules[ruleIndex];
    const last = rule.steps.length - 1;
    const kept = this.partialsOf(ruleIndex).filter((p) => p.step < last && line - p.lastLine <= rule.steps[p.step + 1].within);
    this.partials.set(ruleIndex, kept);
  }

  private fire(rule: Rule, match: Partial, fresh: Draft[]): void {
    const draft = this.drafts.get(rule.id);
    if (draft) {
      draft.count++;
      // A later line may say more (git's stderr after Bamboo's "failed with code 128"): it adds captures, never replaces.
      for (const [name, value] of Object.entries(match.captures)) if (!(name in draft.captures)) draft.captures[name] = value;
      return;
    }
    // Secrets are masked here, once per rule and job, before anything prints, stores or templates them.
    const shown = redactMatch(match.evidence, match.captures);
    const created: Draft = {
      rule,
      line: match.first.line,
      time: match.first.time,
      evidence: shown.evidence.map((e) => cut(e, MAX_EVIDENCE_CHARS)),
      captures: shown.captures,
      count: 1,
      taskIndex: match.first.taskIndex,
      phase: match.first.phase,
      emitted: false,
    };
    this.drafts.set(rule.id, created);
    fresh.push(created);
  }

  /** The diagnosis for a draft, with the scenario and fix for the context as known now. */
  diagnosis(draft: Draft): Diagnosis {
    const ctx = this.ctx;
    const choice = chooseScenario(draft.rule.scenarios, ctx, draft.phase, draft.evidence);
    let severity = severityOf(draft);
    let note: string | undefined;
    const explainedBy = draft.rule.generic ? this.specificCause(draft) : undefined;
    const followsFrom = explainedBy ? undefined : this.earlierCause(draft);
    if (explainedBy && severity !== 'info') {
      severity = 'info';
      note = `explained by ${explainedBy.rule.id} in the same task`;
    } else if (followsFrom && severity !== 'info') {
      severity = 'info';
      note = `consequence of ${followsFrom.rule.id}`;
    } else if (ctx.state === 'successful' && severity === 'error') {
      severity = 'info';
      note = 'every task of this build succeeded: the line did not fail the build';
    }
    const task = draft.taskIndex >= 0 ? ctx.tasks[draft.taskIndex] : null;
    const cause = this.causes.causeOf(draft.taskIndex);
    // {{cause}} in a fix: the most telling line, given like a capture but not stored as one.
    const values = cause?.cause.length ? { ...draft.captures, cause: cause.cause[0].text } : draft.captures;
    const d: Diagnosis = {
      rule: draft.rule.id,
      title: draft.rule.title,
      severity,
      category: draft.rule.category,
      scenario: choice.id,
      build: ctx.build,
      plan: ctx.plan,
      job: ctx.job,
      number: ctx.number,
      state: ctx.state,
      agent: { ...ctx.agent },
      runner: { kind: ctx.runner.kind, image: ctx.runner.image, volumes: ctx.runner.volumes.map((v) => ({ ...v })) },
      task: task ? { name: task.name, type: task.type } : null,
      source: this.source,
      line: draft.line,
      time: draft.time,
      evidence: draft.evidence,
      captures: draft.captures,
      count: draft.count,
      // {{task.*}} is the task the evidence came from: by the job's end the context has no current task.
      fix: renderFix(choice, { ...ctx, task }, values),
      ruleVersion: draft.rule.version,
      generic: draft.rule.generic,
    };
    if (choice.candidates.length > 1) d.candidates = choice.candidates.map((c) => c.id);
    if (note) d.note = note;
    return withCause(d, cause);
  }

  /**
   * An error rule this one names in `consequence-of` that fired in the same task or an earlier one; a specific
   * rule is named before a generic one (the task's non-zero exit) when both fired.
   */
  private earlierCause(draft: Draft): Draft | undefined {
    let generic: Draft | undefined;
    for (const other of this.drafts.values()) {
      if (other === draft || severityOf(other) !== 'error' || !draft.rule.consequenceOf.includes(other.rule.id)) continue;
      if (other.taskIndex > draft.taskIndex) continue;
      if (!other.rule.generic) return other;
      generic ??= other;
    }
    return generic;
  }

  /** A specific error rule that fired in the same task as this generic one (for the exit code, a generic one too). */
  private specificCause(draft: Draft): Draft | undefined {
    const inTask = [...this.drafts.values()].filter((o) => o !== draft && severityOf(o) === 'error' && o.taskIndex === draft.taskIndex);
    // The exit code is the symptom of every failure: a tool's own catch-all (maven-build-failure) says more.
    return inTask.find((o) => !o.rule.generic) ?? (draft.rule.id === EXIT_CODE_RULE ? inTask.find((o) => o.rule.id !== UNEXPLAINED_FAILURE.id) : undefined);
  }
}

/** The rule's severity, or the one a capture of the evidence sets (an artifact the log calls required). */
function severityOf(draft: Draft): Severity {
  for (const [name, severity] of Object.entries(draft.rule.severityByCapture)) {
    if (draft.captures[name] !== undefined) return severity;
  }
  return draft.rule.severity;
}
