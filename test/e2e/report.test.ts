// `bamboo-doctor report --html`: one self-contained page, opened in headless Chromium (Debian's chromium).
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const OTHERS = ['docker-runner-docker-agent', 'docker-runner-elastic-agent', 'docker-runner-remote-agent', 'docker-runner-service-agent'];
const INJECTED = `<script>document.title='pwned'</script>`;

/** Runs chromium headless; its stderr carries the page's console messages as `INFO:CONSOLE` lines. */
function chromium(args: string[], profile: string): Promise<{ stdout: string; stderr: string }> {
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', `--user-data-dir=${profile}`, '--enable-logging=stderr', '--v=0'];
  return new Promise((done, fail) =>
    execFile(CHROMIUM, [...flags, ...args], { timeout: 90_000, maxBuffer: 32 << 20 }, (err, stdout, stderr) =>
      err ? fail(new Error(`${err.message}\n${stderr}`)) : done({ stdout, stderr }),
    ),
  );
}

describe('report --html', () => {
  let dir: string;
  let html: string;
  let page: string;

  beforeAll(async () => {
    dir = tempDir('bamboo-doctor-report-');
    mkdirSync(join(dir, 'logs'));
    for (const s of OTHERS) copyFileSync(join(ROOT, 'samples', `${s}.log`), join(dir, 'logs', `${s}.log`));
    // A log line carrying markup, in the newest build (the report quotes each rule's newest evidence).
    const newest = readFileSync(join(ROOT, 'samples', 'agent-environment.log'), 'utf8');
    const hostile = newest.replace(/(pull access denied for [^\n]*)/, `$1 ${INJECTED}`);
    expect(hostile).not.toBe(newest);
    writeFileSync(join(dir, 'logs', 'agent-environment.log'), hostile);
    const db = join(dir, 'history.db');
    await runCli(['analyze', 'logs', '--db', db], { cwd: dir });
    page = join(dir, 'report.html');
    const r = await runCli(['report', '--html', page, '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/wrote .*report\.html \(\d+ KB\)/);
    html = readFileSync(page, 'utf8');
  });

  it('is one self-contained file: no script, no external resource, small', () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|@import|url\(|https?:\/\//i);
    expect(html).toContain(`default-src 'none'`);
    expect(Buffer.byteLength(html)).toBeLessThan(200_000);
  });

  it('holds the trend chart, top rules and agents, the agent type × rule matrix, unexplained builds and fixes', () => {
    for (const heading of ['Diagnoses per rule and', 'New and unexplained failures', 'Top rules', 'Top agents', 'Agent type × rule', 'Unexplained failed builds', 'Fixes']) {
      expect(html).toContain(heading);
    }
    expect(html).toMatch(/<svg class="chart"[^>]*>.*<rect class="segment"/s);
    // Cause lines of the newest diagnosis, escaped like every log text.
    expect(html).toMatch(/<pre class="cause"> +\d+ {2}Error response from daemon: pull access denied/);
    expect(html).toContain('<code>docker-pull-access-denied</code>');
    expect(html).toMatch(/<th>elastic<\/th>/);
    expect(html).toContain('Docker Runner on an elastic agent');
    expect(html).toContain('&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;');
    expect(html).not.toContain(INJECTED);
  });

  it('renders in headless Chromium: SVG charts drawn, no console errors, markup in a log line shown as text', async (ctx) => {
    if (!hasChromium) {
      console.warn(`SKIPPED: ${CHROMIUM} is missing, so the report was not opened in a browser (apt-get install -y chromium)`);
      ctx.skip();
    }
    const profile = tempDir('bamboo-doctor-chromium-');
    const url = pathToFileURL(page).href;
    const { stdout: dom, stderr } = await chromium(['--dump-dom', url], profile);
    expect(stderr.split('\n').filter((l) => l.includes(':CONSOLE'))).toEqual([]);
    expect(dom).toMatch(/<title>Bamboo build failures<\/title>/); // the injected script did not run
    expect(dom.match(/<svg /g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(dom).toMatch(/<rect class="segment" x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+"/);
    expect(dom).toContain('&lt;script&gt;document.title=\'pwned\'&lt;/script&gt;');
    expect(dom).not.toContain(INJECTED);

    const out = join(ROOT, 'test-output');
    mkdirSync(out, { recursive: true });
    const shot = join(out, 'report.png');
    await chromium([`--screenshot=${shot}`, '--window-size=1100,2200', '--hide-scrollbars', url], profile);
    expect(statSync(shot).size).toBeGreaterThan(20_000);
  });
});
