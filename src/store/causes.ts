// Cause lines in the database: each job's green baseline, builds' signatures, and ranking stored causes again.

import type Database from 'better-sqlite3';
import type { CauseCandidate, CauseLine, Diagnosis } from '../model.js';
import { rankCauses } from '../diagnose/cause-rank.js';
import type { WrittenBuild } from './store.js';

/** A successful build's error-like lines, by template hash (see JobSummary.green). */
export type GreenLines = ReadonlyMap<string, { template: string; text: string }>;

interface StoredCause {
  id: number;
  buildId: number;
  cause: string;
  pool: string;
  fix: string;
}

export class CauseStore {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      greenHashes: db.prepare('SELECT hash FROM green_lines WHERE plan = ? AND job = ?').pluck(),
      insertGreen: db.prepare('INSERT INTO green_lines (plan, job, hash, template, sample, first_build) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      insertSignature: db.prepare('INSERT INTO signatures (hash, template) VALUES (?, ?) ON CONFLICT DO NOTHING'),
      buildSignature: db.prepare(
        `UPDATE builds SET signature = (SELECT d.signature FROM diagnoses d WHERE d.build_id = builds.id AND d.signature IS NOT NULL
           ORDER BY d.severity = 'error' DESC, d.generic, d.line LIMIT 1) WHERE id = ?`,
      ),
      storedCauses: db.prepare(
        `SELECT d.id, d.build_id AS buildId, d.cause, d.cause_pool AS pool, d.fix FROM diagnoses d JOIN builds b ON b.id = d.build_id
         WHERE b.plan = ? AND b.job = ? AND b.state = 'failed' AND d.cause_pool IS NOT NULL`,
      ),
      updateCause: db.prepare('UPDATE diagnoses SET cause = ?, signature = ?, fix = ? WHERE id = ?'),
    };
  }

  /** Template hashes of error-like lines seen in successful builds of PLAN-KEY / JOB-KEY. */
  greenHashes(plan: string, job: string): Set<string> {
    return new Set(this.s.greenHashes.all(plan, job) as string[]);
  }

  /**
   * Records a successful build's error-like lines; call it inside the transaction that writes the build. When
   * some are new to the job, the stored causes of its failed builds are ranked again, so the order logs were
   * read in does not matter (and a job whose green builds print the same lines costs one query a build).
   * Returns the causes that changed.
   */
  saveGreen(plan: string, job: string, build: string, lines: GreenLines): number {
    const known = this.greenHashes(plan, job);
    let fresh = 0;
    for (const [hash, { template, text }] of lines) {
      if (!known.has(hash)) fresh += this.s.insertGreen.run(plan, job, hash, template, text, build).changes;
    }
    return fresh ? this.rerank(plan, job) : 0;
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
      if (d.template) this.s.insertSignature.run(d.signature, d.template);
    }
    if (signed) this.s.buildSignature.run(build.id);
  }

  /** Ranks the stored causes of the job's failed builds again with its green baseline; returns how many changed. */
  private rerank(plan: string, job: string): number {
    const green = this.greenHashes(plan, job);
    const builds = new Set<number>();
    for (const row of this.s.storedCauses.all(plan, job) as StoredCause[]) {
      const ranked = rankCauses(JSON.parse(row.pool) as CauseCandidate[], green);
      const cause = JSON.stringify(ranked.cause);
      if (cause === row.cause) continue;
      if (ranked.signature && ranked.template) this.s.insertSignature.run(ranked.signature, ranked.template);
      this.s.updateCause.run(cause, ranked.signature, refreshFix(row.fix, JSON.parse(row.cause) as CauseLine[], ranked.cause), row.id);
      builds.add(row.buildId);
    }
    for (const id of builds) this.s.buildSignature.run(id);
    return builds.size;
  }
}

/** A fix quoting the old first cause line ({{cause}}) quotes the new one. */
function refreshFix(fix: string, before: CauseLine[], after: CauseLine[]): string {
  const old = before[0]?.text;
  const now = after[0]?.text;
  return old && now && old !== now ? fix.split(old).join(now) : fix;
}
