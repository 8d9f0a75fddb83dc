// The filters shared by `history` and `report`: which diagnoses (or builds) a query looks at (the SQL: store/history-sql.ts).

import { UsageError } from '../errors.js';
import { parseBound, type Bound } from './time.js';
import type { Severity } from '../model.js';

/** What the user asked for; each list matches any of its values. */
export interface HistoryFilter {
  rule?: string[];
  plan?: string[];
  agent?: string[];
  agentType?: string[];
  /** Only diagnoses at or above this severity (`error`: what failed builds, leaving out folded and green-build findings). */
  severity?: Severity;
  /** ISO date/time or a relative age (`7d`, `24h`). */
  since?: string;
  until?: string;
}

/** The filter with its time bounds resolved against a clock. */
export interface ResolvedFilter extends Omit<HistoryFilter, 'since' | 'until'> {
  since?: Bound;
  until?: Bound;
}

/**
 * Plan keys are matched upper-cased, as Bamboo writes them (`show` finds `acme-web-job1-57` the same way).
 * A range that ends before it starts is a usage error rather than an empty answer.
 */
export function resolveFilter(filter: HistoryFilter, now: Date = new Date()): ResolvedFilter {
  const { since, until, ...lists } = filter;
  const resolved: ResolvedFilter = {
    ...lists,
    plan: lists.plan?.map((p) => p.toUpperCase()),
    since: since ? parseBound(since, 'since', now) : undefined,
    until: until ? parseBound(until, 'until', now) : undefined,
  };
  const { since: from, until: to } = resolved;
  if (from && to && (from.value > to.value || (from.value === to.value && !to.inclusive))) {
    throw new UsageError(`--since ${since} is after --until ${until}: no time is in both`);
  }
  return resolved;
}

/** The filter in words, for report headers. */
export function describeFilter(filter: HistoryFilter): string {
  const parts: string[] = [];
  const list = (name: string, values: string[] | undefined) => values?.length && parts.push(`${name} ${values.join(', ')}`);
  list('rule', filter.rule);
  list('plan', filter.plan);
  list('agent', filter.agent);
  list('agent type', filter.agentType);
  if (filter.severity) parts.push(`${filter.severity} and above`);
  if (filter.since) parts.push(`since ${filter.since}`);
  if (filter.until) parts.push(`until ${filter.until}`);
  return parts.length ? parts.join(' · ') : 'all diagnoses';
}
