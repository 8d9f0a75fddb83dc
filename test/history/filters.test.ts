// History filters: plan keys matched as Bamboo writes them, ranges that cannot hold anything refused, real days only.
import { describe, expect, it } from 'vitest';
import { resolveFilter } from '../../src/history/filters.js';

const NOW = new Date(2025, 10, 5, 12, 0, 0);

describe('resolveFilter', () => {
  it('upper-cases plan keys and leaves agent names as given', () => {
    const f = resolveFilter({ plan: ['acme-web', 'BILL-SVC'], agent: ['build-linux-01'] }, NOW);
    expect(f.plan).toEqual(['ACME-WEB', 'BILL-SVC']);
    expect(f.agent).toEqual(['build-linux-01']);
  });

  it('refuses --since after --until, and keeps a single day given as both', () => {
    expect(() => resolveFilter({ since: '2026-02-01', until: '2025-01-01' }, NOW)).toThrow('--since 2026-02-01 is after --until 2025-01-01: no time is in both');
    expect(() => resolveFilter({ since: '1d', until: '2w' }, NOW)).toThrow(/--since 1d is after --until 2w/);
    expect(resolveFilter({ since: '2025-11-03', until: '2025-11-03' }, NOW)).toMatchObject({
      since: { value: '2025-11-03T00:00:00' },
      until: { value: '2025-11-04T00:00:00', inclusive: false },
    });
  });

  it('refuses a day the calendar does not have, and takes a leap day', () => {
    expect(() => resolveFilter({ since: '2026-02-30' }, NOW)).toThrow(/--since 2026-02-30: expected an ISO date/);
    expect(() => resolveFilter({ until: '2025-02-29T10:00' }, NOW)).toThrow(/--until 2025-02-29T10:00/);
    expect(resolveFilter({ since: '2024-02-29' }, NOW).since?.value).toBe('2024-02-29T00:00:00');
  });
});
