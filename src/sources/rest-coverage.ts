// What a REST export lacks for a whole analysis: results without log entries, jobs with only a page of them.

/** A job result whose `logEntries` hold fewer entries than its `size` says it has. */
interface Page {
  build: string | null;
  /** 1-based index of the first entry held, and of the last. */
  from: number;
  to: number;
  total: number;
}

/** How many paged jobs are named in the notice; the rest are counted. */
const NAMED = 3;

const NO_ENTRIES_HINT = 'Bamboo sends log entries only for a job result fetched with ?expand=logEntries (a plan result has none of its own)';

/**
 * Counts, result by result, what the export holds of each job's log, so the user hears why nothing (or less
 * than the whole log) was analysed instead of a silent "0 builds". Only results with no results nested in
 * them count: a plan result's jobs, and a results list's wrapper, are counted as the jobs themselves.
 */
export class EntryCoverage {
  private results = 0;
  private withoutEntries = 0;
  private readonly pages: Page[] = [];

  result(hasEntries: boolean, nested: boolean, build: string | null, first: number, read: number, total: number | null): void {
    if (nested) return;
    this.results++;
    if (!hasEntries) this.withoutEntries++;
    else if (total !== null && (first > 0 || first + read < total)) this.pages.push({ build, from: first + 1, to: first + read, total });
  }

  /** What to tell the user, one sentence each; none when every job came with its whole log. */
  notices(): string[] {
    const out: string[] = [];
    const n = this.results;
    if (this.withoutEntries === n && n > 0) out.push(`no log entries in ${n === 1 ? 'its result' : `any of its ${n} results`}: ${NO_ENTRIES_HINT}`);
    else if (this.withoutEntries > 0) out.push(`${this.withoutEntries} of its ${n} results ${this.withoutEntries === 1 ? 'has' : 'have'} no log entries: ${NO_ENTRIES_HINT}`);
    if (this.pages.length) out.push(this.pagesNotice());
    return out;
  }

  private pagesNotice(): string {
    const p = this.pages;
    const named = p.slice(0, NAMED).map((g) => `${g.build ?? 'a job with no buildResultKey'}: ${g.to < g.from ? 'none' : `${g.from}–${g.to}`} of ${g.total}`);
    if (p.length > NAMED) named.push(`and ${p.length - NAMED} more`);
    const most = Math.max(...p.map((g) => g.total));
    const who = p.length === 1 ? 'a job result holds only a page of its log entries' : `${p.length} job results hold only a page of their log entries`;
    return `${who} (${named.join(', ')}), so what lies outside these entries is not analysed: Bamboo pages them (25 by default); fetch again with ?expand=logEntries&max-results=${most}`;
  }
}
