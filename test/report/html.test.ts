// The HTML report from a real SQLite file with known contents: sections, chart, escaping, fixes, stale rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFilter } from '../../src/history/filters.js';
import type { Rule } from '../../src/rules/load.js';
import { renderReport } from '../../src/report/html.js';
import { reportData } from '../../src/report/report-data.js';
import { stackedBars } from '../../src/report/svg.js';
import { BUILDS, fixtureStore } from '../history/fixture.js';
import type { SqlReader } from '../../src/store/sql.js';
import { DATABASE_KINDS, dropTestDatabases } from '../helpers/databases.js';

const META = { title: 'Failures <test>', filter: 'all diagnoses', generated: '2025-10-29 12:00 UTC', database: 'x.db' };
/** r-docker as loaded now, at version v2: the fixture's rows (v1) are stale. */
const LOADED = [{ id: 'r-docker', title: 'Docker broke', version: 'v2', scenarios: [{ id: 'sc-remote', title: 'On a remote agent', when: {}, fix: 'Mount ${system.HOME} & log in' }] }] as unknown as Rule[];

afterAll(dropTestDatabases);

describe.each(DATABASE_KINDS)('HTML report from %s', (kind) => {
  let sql: SqlReader;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const hostile = structuredClone(BUILDS);
    hostile[0].agent = ['<img src=x onerror=alert(1)>', 'remote'];
    ({ sql, close } = await fixtureStore(kind, hostile));
  });
  afterAll(() => close());
  const render = async (filter = {}) => renderReport(await reportData(sql, resolveFilter(filter), LOADED), META);

  it('gathers totals, rules, agents, the agent type × rule matrix and unexplained builds', async () => {
    const data = await reportData(sql, resolveFilter({}), LOADED);
    expect(data.totals).toEqual({ diagnoses: 8, builds: 7, first: '2025-10-06T10:05:00', last: '2025-10-28T23:59:40' });
    expect(data.rules.map((r) => [r.row.group, r.stale, !!r.rule])).toEqual([['r-docker', 4, true], ['r-disk', 0, false], ['r-maven', 0, false]]);
    expect(data.trend?.unit).toBe('day');
    expect(data.trend?.labels).toHaveLength(23);
    expect(data.matrix.agentTypes).toEqual(['elastic', 'local', 'remote']);
    expect(data.matrix.counts.get('remote\u0000r-docker')).toBe(3);
    expect(data.unexplained.builds.map((b) => b.build)).toEqual(['B-Q-J2-8', 'A-P-J1-7']);
  });

  it('escapes everything that came from a log or the database, and the title', async () => {
    const html = await render();
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('<title>Failures &lt;test&gt;</title>');
    expect(html).toContain('Mount ${system.HOME} &amp; log in');
  });

  it("shows each rule's current fix, a notice for stale rows, and the stored fix of a rule not loaded now", async () => {
    const html = await render();
    expect(html).toMatch(/<details><summary>On a remote agent <span class="muted">\(sc-remote\)<\/span><\/summary><pre>Mount/);
    expect(html).toContain('4 diagnoses were made by an older version of this rule');
    expect(html).toMatch(/This rule is not loaded now; the fix stored with its latest diagnosis:<\/p><pre>Fix r-disk for sc-any<\/pre>/);
    expect(html).toContain('<pre class="evidence">r-docker happened</pre>');
  });

  it('applies the history filters', async () => {
    const html = await render({ agentType: ['elastic'] });
    expect(html).toContain('2 diagnoses in 2 builds');
    expect(html).not.toContain('>loc<');
  });

  it('stacks one segment per rule in each bucket\'s bar, a bar as high as its total, labelling the last bucket', () => {
    const svg = stackedBars(['d1', 'd2', 'd3'], [{ name: 'a<b', values: [0, 5, 1], color: '#000' }, { name: 'c', values: [0, 5, 0], color: '#111' }], 'T');
    const segments = [...svg.matchAll(/<rect class="segment" x="([\d.]+)" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="(#\d+)">/g)];
    // d1 has none; d2 stacks 5 + 5 up to the top of the plot (y 12), d3 a single 1.
    expect(segments.map((m) => m[4])).toEqual(['#000', '#111', '#000']);
    expect(Number(segments[1][2])).toBe(12);
    expect(Number(segments[0][3])).toBeCloseTo(Number(segments[1][3]));
    expect(segments[0][1]).toBe(segments[1][1]);
    expect(svg).toContain('>d3</text>');
    expect(svg).toContain('<title>a&lt;b · d2: 5</title>');
  });
});
