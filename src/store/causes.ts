// Cause lines in the database: each job's green baseline, builds' signatures, and ranking stored causes again.

import type Database from 'better-sqlite3';
import type { CauseCandidate, CauseLine, Diagnosis } from '../model.js';
import { rerankCause, type Reranked } from '../diagnose/cause-rank.js';
import { REDACTION_VERSION } from '../secrets/redact.js';
import type { WrittenBuild } from './statements.js';

/** A successful build's error-like lines, by template hash (see JobSummary.green). */
export type GreenLines = ReadonlyMap<string, { template: string; text: string }>;

/** Jobs whose green sets are kept in memory. */
const GREEN_CACHE = 64;
/** Signatures remembered as written (then forgotten all at once: a cache, not a copy of the table). */
const WRITTEN_SIGNATURES = 10_000;

/** A stored diagnosis's cause lines (JSON), the pool they were ranked from (JSON) and its fix, as both stores read them. */
export interface StoredCause {
  id: number;
  buildId: number;
  cause: string;
  pool: string;
  fix: string;
}

/** A stored cause ranked again (see rerankCause), its cause lines as the JSON they are stored as. */
export type RerankedRow = Omit<Reranked, 'cause'> & { cause: string };

export class CauseStore {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      greenHashes: db.prepare('SELECT hash FROM green_lines WHERE plan = ? AND job = ?').pluck(),
      // Their text comes masked from the analyzer (causeText): say with which version (see remask.ts).
      insertGreen: db.prepare(`INSERT INTO green_lines (plan, job, hash, template, sample, first_build, masked) VALUES (?, ?, ?, ?, ?, ?, ${REDACTION_VERSION})
        ON CONFLICT DO NOTHING`),
      insertSignature: db.prepare(`INSERT INTO signatures (hash, template, masked) VALUES (?, ?, ${REDACTION_VERSION}) ON CONFLICT DO NOTHING`),
      buildSignature: db.prepare(
        `UPDATE builds SET signature = (SELECT d.signature FROM diagnoses d WHERE d.build_id = builds.id AND d.signature IS NOT NULL
           ORDER BY d.severity = 'error' DESC, d.generic, d.line LIMIT 1) WHERE id = ?`,
      ),
      // Only the causes that hold the template: the others rank as they did.
      storedCauses: db.prepare(
        `SELECT d.id, d.build_id AS buildId, d.cause, d.cause_pool AS pool, d.fix FROM diagnoses d JOIN builds b ON b.id = d.build_id
         WHERE d.plan = ? AND d.job = ? AND d.cause_pool IS NOT NULL AND instr(d.cause_pool, ?) > 0 AND b.state = 'failed'`,
      ),
      updateCause: db.prepare('UPDATE diagnoses SET cause = ?, signature = ?, fix = ? WHERE id = ?'),
    };
    this.saveGreenNow = db.transaction((plan: string, job: string, build: string, lines: GreenLines) => this.saveGreen(plan, job, build, lines));
  }

  /**
   * The green sets of the jobs used last: every successful build asks for its job's set, and most builds of a
   * run belong to a few jobs (not a query and a new Set for each). Only this
   * process writes them while it runs, so a cached set is kept up to date by saveGreen.
   */
  private readonly greenCache = new Map<string, Set<string>>();

  /** Template hashes of error-like lines seen in successful builds of PLAN-KEY / JOB-KEY (do not change the set). */
  greenHashes(plan: string, job: string): ReadonlySet<string> {
    return this.greenSet(plan, job);
  }

  private greenSet(plan: string, job: string): Set<string> {
    const key = `${plan}\u0000${job}`;
    let set = this.greenCache.get(key);
    if (set) {
      this.greenCache.delete(key); // most recently used last
    } else {
      set = new Set(this.s.greenHashes.all(plan, job) as string[]);
      if (this.greenCache.size >= GREEN_CACHE) this.greenCache.delete(this.greenCache.keys().next().value!);
    }
    this.greenCache.set(key, set);
    return set;
  }

  /** saveGreen in a transaction of its own (a savepoint inside another): prepared once, not per build. */
  readonly saveGreenNow: (plan: string, job: string, build: string, lines: GreenLines) => number;

  /**
   * Records a successful build's error-like lines, inside the transaction that writes the build. When some are new
   * to the job, the stored causes of its failed builds are ranked again, so the order logs were read in does not
   * matter (and a job whose green builds print the same lines costs one query a build). Returns the causes that changed.
   */
  saveGreen(plan: string, job: string, build: string, lines: GreenLines): number {
    const known = this.greenSet(plan, job);
    const fresh: string[] = [];
    for (const [hash, { template, text }] of lines) {
      if (known.has(hash)) continue;
      if (this.s.insertGreen.run(plan, job, hash, template, text, build).changes) fresh.push(hash);
      known.add(hash);
    }
    return fresh.length ? this.rerank(plan, job, fresh) : 0;
  }

  /**
   * Inside the transaction that wrote a build's diagnoses: the templates of their signatures, and the build's
   * signature (left alone when it had none and no diagnosis brings one, as with every successful build).
   */
  afterWrite(build: WrittenBuild, diagnoses: Diagnosis[]): void {
    let signed = build.signature !== null;
    for (const d of diagnoses) {
      if (!d.signature) continue;
      signed = true;
      this.saveSignature(d.signature, d.template);
    }
    if (signed) this.s.buildSignature.run(build.id);
  }

  /** Signatures this process has written: a build's diagnoses mostly share one, and failures repeat. */
  private readonly written = new Set<string>();

  private saveSignature(signature: string, template: string | null | undefined): void {
    if (!template || this.written.has(signature)) return;
    if (this.written.size >= WRITTEN_SIGNATURES) this.written.clear();
    this.s.insertSignature.run(signature, template);
    this.written.add(signature);
  }

  /**
   * Ranks again, with the job's green baseline, the stored causes of its failed builds that hold one of the
   * `fresh` templates (by hash: the pool's JSON holds each candidate's hash); returns the builds that changed.
   */
  private rerank(plan: string, job: string, fresh: string[]): number {
    const green = this.greenSet(plan, job);
    const builds = new Set<number>();
    const rows = new Map<number, StoredCause>();
    for (const hash of fresh) for (const row of this.s.storedCauses.all(plan, job, `"${hash}"`) as StoredCause[]) rows.set(row.id, row);
    for (const row of rows.values()) {
      const ranked = rerankStored(row, green);
      if (!ranked) continue;
      if (ranked.signature) this.saveSignature(ranked.signature, ranked.template);
      this.s.updateCause.run(ranked.cause, ranked.signature, ranked.fix, row.id);
      builds.add(row.buildId);
    }
    for (const id of builds) this.s.buildSignature.run(id);
    return builds.size;
  }
}

/**
 * A stored cause ranked again with its job's green set (template hashes), as when the job ended: null when its cause
 * lines stay as they are. Both stores rank through this, and through the same rerankCause as a batch run's baseline step.
 */
export function rerankStored(row: StoredCause, green: ReadonlySet<string>): RerankedRow | null {
  const ranked = rerankCause(JSON.parse(row.pool) as CauseCandidate[], JSON.parse(row.cause) as CauseLine[], row.fix, green);
  return ranked && { ...ranked, cause: JSON.stringify(ranked.cause) };
}
