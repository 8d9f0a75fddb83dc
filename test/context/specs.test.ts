import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyContext, type JobContext, type RunnerSpec } from '../../src/model.js';
import { loadSpecs, renderRunnerSpec, wantedFromYaml } from '../../src/context/specs.js';
import { renderTemplate } from '../../src/rules/template.js';
import { ROOT, ndjson, runCli, tempDir } from '../helpers/cli.js';

const SPECS = join(ROOT, 'test', 'fixtures', 'specs');
const BAMBOO_YML = join(SPECS, 'bamboo-specs', 'bamboo.yml');
const index = loadSpecs([SPECS]);

function ctxFor(plan: string, job: string | null): JobContext {
  const ctx = emptyContext();
  ctx.plan = plan;
  ctx.job = job;
  return ctx;
}

describe('loadSpecs', () => {
  it('reads every plan of a folder, multi-document files included, and passes over permissions documents', () => {
    expect([...index.plans.keys()].sort()).toEqual(['ACME-TOOLS', 'ACME-WEB', 'BILL-SVC']);
  });

  it("gives a job its own docker block, else the plan's; the short form is an image", () => {
    expect(index.lookup('ACME-WEB', 'JOB1')).toEqual({
      file: BAMBOO_YML,
      line: 21,
      level: 'job',
      image: 'registry.acme.example/ci/build-node:20',
      volumes: [{ host: '/opt/bamboo-cache/npm', container: '/root/.npm' }],
      useDefaultVolumes: true,
      arguments: ['--memory=4g'],
    });
    expect(index.lookup('ACME-WEB', 'SB')).toMatchObject({ level: 'plan', line: 7, image: 'registry.acme.example/ci/build-node:18', volumes: [] });
    expect(index.lookup('ACME-WEB', 'IMG')).toMatchObject({
      useDefaultVolumes: false,
      volumes: [{ host: '${bamboo.working.directory}', container: '/workspace' }],
    });
  });

  it('says null for a job without any docker block, and undefined for what it does not know', () => {
    expect(index.lookup('ACME-TOOLS', 'JOB1')).toBeNull();
    expect(index.lookup('ACME-WEB', 'NOPE')).toBeUndefined();
    expect(index.lookup('OTHER-PLAN', 'JOB1')).toBeUndefined();
    // No job of BILL-SVC has a block of its own, so any of its jobs runs with the plan's.
    expect(index.lookup('BILL-SVC', 'JOB9')).toMatchObject({ level: 'plan', image: 'registry.acme.example/billing/build:3.2' });
  });

  it('names the file and line of a docker block it cannot read', () => {
    const file = join(tempDir(), 'bamboo.yml');
    writeFileSync(file, 'version: 2\nplan:\n  project-key: A\n  key: B\nstages:\n  - S: [J]\nJ:\n  key: JOB1\n  docker:\n    volumes: {}\n');
    expect(() => loadSpecs([file])).toThrow(`${file}:10: J.docker: `);
    writeFileSync(file, 'version: 2\nplan: [\n');
    expect(() => loadSpecs([file])).toThrow(/bamboo\.yml:\d+: not valid YAML\/JSON/);
    expect(() => loadSpecs([join(SPECS, 'missing')])).toThrow('missing: no such Specs file or folder');
  });
});

describe('SpecsIndex.enrich', () => {
  it('supplies the runner when the log lacks its docker run line', () => {
    const ctx = ctxFor('ACME-WEB', 'JOB1');
    ctx.runner.kind = 'docker'; // seen from /tmp/runInDocker… task wrappers only
    index.enrich(ctx);
    expect(ctx.runner).toEqual({
      kind: 'docker',
      image: 'registry.acme.example/ci/build-node:20',
      volumes: [
        { host: '${bamboo.working.directory}', container: '${bamboo.working.directory}' },
        { host: '${bamboo.tmp.directory}', container: '${bamboo.tmp.directory}' },
        { host: '/opt/bamboo-cache/npm', container: '/root/.npm' },
      ],
      arguments: ['--memory=4g'],
    });
    expect(ctx.runnerSpecs?.level).toBe('job');
  });

  it("keeps the runner of the log's docker run line, and turns an inferred agent environment into the Specs' runner", () => {
    const seen = ctxFor('ACME-WEB', 'JOB1');
    seen.runner = { kind: 'docker', image: 'maven:3.9', volumes: [{ host: '/a', container: '/a' }], arguments: [] };
    index.enrich(seen);
    expect(seen.runner.image).toBe('maven:3.9');
    expect(seen.runnerSpecs?.image).toBe('registry.acme.example/ci/build-node:20');
    const inferred = ctxFor('ACME-WEB', 'IMG');
    inferred.runner.kind = 'agent';
    index.enrich(inferred);
    expect(inferred.runner).toMatchObject({ kind: 'docker', image: 'registry.acme.example/ci/docker-cli:24', volumes: [{ host: '${bamboo.working.directory}', container: '/workspace' }] });
  });

  it('marks a job the Specs define without docker as running in the agent environment', () => {
    const ctx = ctxFor('ACME-TOOLS', 'JOB1');
    index.enrich(ctx);
    expect(ctx.runner.kind).toBe('agent');
    expect(ctx.runnerSpecs).toBeNull();
  });
});

const GENERIC = `docker:
  image: maven:3.9
  volumes:
    \${bamboo.working.directory}: \${bamboo.working.directory}
    \${bamboo.tmp.directory}: \${bamboo.tmp.directory}
    \${system.HOME}: \${system.HOME}
    /var/run/docker.sock: /var/run/docker.sock
`;

describe('renderRunnerSpec and {{#runner.specs}}', () => {
  const job = index.lookup('ACME-WEB', 'JOB1') as RunnerSpec;

  it("shows the job's own block with the missing volumes marked, Bamboo's defaults counting as present", () => {
    expect(renderRunnerSpec(job, wantedFromYaml(GENERIC))).toBe(
      [
        `docker:  # the job's own block (${BAMBOO_YML}:21)`,
        '  image: registry.acme.example/ci/build-node:20',
        '  volumes:',
        '    /opt/bamboo-cache/npm: /root/.npm',
        '    ${system.HOME}: ${system.HOME}  # add',
        '    /var/run/docker.sock: /var/run/docker.sock  # add',
        '  docker-run-arguments:',
        '    - --memory=4g',
      ].join('\n'),
    );
  });

  it("keeps the job's own place for its working directory, adds what is missing, marks a volume mapped elsewhere", () => {
    const img = index.lookup('ACME-WEB', 'IMG') as RunnerSpec;
    const text = renderRunnerSpec(img, { volumes: [{ host: '${bamboo.working.directory}', container: '${bamboo.working.directory}' }, { host: '/var/run/docker.sock', container: '/var/run/docker.sock' }], arguments: ['--net=host'] });
    expect(text).toContain('    ${bamboo.working.directory}: /workspace\n');
    expect(text).not.toContain('# change');
    const moved = renderRunnerSpec({ ...img, volumes: [{ host: '/var/run/docker.sock', container: '/run/docker.sock' }] }, { volumes: [{ host: '/var/run/docker.sock', container: '/var/run/docker.sock' }], arguments: [] });
    expect(moved).toContain('    /var/run/docker.sock: /var/run/docker.sock  # change, was /run/docker.sock');
    expect(text).toContain('    /var/run/docker.sock: /var/run/docker.sock  # add');
    expect(text).toContain('  use-default-volumes: false');
    expect(text).toContain('    - --net=host  # add');
  });

  const template = `Add the volumes. Bamboo Specs (YAML):\n    {{#runner.specs}}\n    ${GENERIC.trimEnd().replace(/\n/g, '\n    ').replace('maven:3.9', '{{runner.image|<image>}}')}\n    {{/runner.specs}}\nThen run again.`;

  it('renders the generic block, markers removed, when the Specs do not know the job', () => {
    const out = renderTemplate(template, emptyContext(), {});
    expect(out).toBe(`Add the volumes. Bamboo Specs (YAML):\n    ${GENERIC.trimEnd().replace(/\n/g, '\n    ').replace('maven:3.9', '<image>')}\nThen run again.`);
  });

  it("renders the job's own block at the same indentation when they do", () => {
    const ctx = ctxFor('ACME-WEB', 'JOB1');
    index.enrich(ctx);
    const out = renderTemplate(template, ctx, {});
    expect(out).toContain(`\n    docker:  # the job's own block`);
    expect(out).toContain('\n        ${system.HOME}: ${system.HOME}  # add\n');
    expect(out).toMatch(/\n {4}docker:[^\n]*\n(?: {6}.*\n)+Then run again\.$/);
    expect(renderTemplate('Yours:\n  {{runner.specs}}', ctx, {})).toBe(`Yours:\n  ${renderRunnerSpec(job).replace(/\n/g, '\n  ')}`);
  });
});

describe('analyze --specs (real CLI)', () => {
  const log = join(SPECS, 'acme-web-57-no-runner-line.log');

  it("supplies the runner the log lacks and quotes the job's own docker block in the fix", async () => {
    const r = await runCli(['analyze', log, '--no-db', '--format', 'ndjson', '--specs', SPECS]);
    const [d] = ndjson(r.stdout).filter((x) => x.rule === 'docker-pull-access-denied');
    expect(d).toMatchObject({
      build: 'ACME-WEB-JOB1-57',
      scenario: 'docker-runner-remote-agent',
      runner: { kind: 'docker', image: 'registry.acme.example/ci/build-node:20' },
    });
    expect(d.runner.volumes).toContainEqual({ host: '/opt/bamboo-cache/npm', container: '/root/.npm' });
    expect(d.fix).toContain("docker:  # the job's own block (");
    expect(d.fix).toContain('    ${system.HOME}: ${system.HOME}  # add');
    expect(d.fix).toContain('    /opt/bamboo-cache/npm: /root/.npm\n');
  });

  it('without --specs the runner image stays unknown and the fix shows the generic block', async () => {
    const r = await runCli(['analyze', log, '--no-db', '--format', 'ndjson']);
    const [d] = ndjson(r.stdout).filter((x) => x.rule === 'docker-pull-access-denied');
    expect(d.runner).toMatchObject({ kind: 'docker', image: null });
    expect(d.fix).toContain('image: <image>');
    expect(d.fix).not.toContain('# add');
  });
});
