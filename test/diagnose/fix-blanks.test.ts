// Fix texts filled from the log: the agent user of container and elastic agents, the agent UUID and container id,
// and, for what the log lacks, where to find it.
import { describe, expect, it } from 'vitest';
import { emptyContext, type JobContext } from '../../src/model.js';
import { parseEnvelope } from '../../src/parse/envelope.js';
import { trackLine } from '../../src/context/tracker.js';
import { agentContainerId, agentUser } from '../../src/context/agent-user.js';
import { fillBlanks } from '../../src/diagnose/fix-blanks.js';
import { renderTemplate } from '../../src/rules/template.js';

const T = (msg: string, type = 'simple') => `${type}\t29-Aug-2025 04:47:15\t${msg}`;

function track(lines: string[]): JobContext {
  const ctx = emptyContext();
  lines.forEach((l, i) => trackLine(ctx, parseEnvelope(l, i + 1)));
  return ctx;
}

/** A job on atlassian/bamboo-agent-base: its host name is the container id, its home the agent home. */
const containerJob = () =>
  track([
    T('Build Billing - Service - Default Job #41 (BILL-SVC-JOB1-41) started building on agent 3c81b2c1a728'),
    T('Remote agent on host 3c81b2c1a728'),
    T('Build working directory is /var/atlassian/application-data/bamboo-agent/xml-data/build-dir/BILL-SVC-JOB1'),
    T('/usr/bin/docker --config /var/atlassian/application-data/bamboo-agent/.dockercfg-bamboo-6d5303e2-b62a-4281-b252-19cda7a842d8 pull acme/app', 'command'),
  ]);

describe('agent user', () => {
  it('is bamboo in atlassian/bamboo-agent-base, not the last part of its home', () => {
    const ctx = containerJob();
    expect(ctx.agent.home).toBe('/var/atlassian/application-data/bamboo-agent');
    expect(agentUser(ctx)).toBe('bamboo');
    expect(renderTemplate('{{agent.user|<agent user>}}', ctx, {})).toBe('bamboo');
  });

  it('is the last part of a user home elsewhere, bamboo on an elastic agent, LocalSystem under systemprofile', () => {
    const svc = emptyContext();
    svc.agent.home = '/home/bamboouser';
    expect(agentUser(svc)).toBe('bamboouser');
    const elastic = track([T('Build A - B #1 (A-B-JOB1-1) started building on agent Elastic Agent on i-0a1b2c3d4e5f67890')]);
    expect(agentUser(elastic)).toBe('bamboo');
    const win = track([T('Build working directory is C:\\Windows\\system32\\config\\systemprofile\\bamboo-agent-home\\xml-data\\build-dir\\A-B-JOB1')]);
    expect(agentUser(win)).toBe('NT AUTHORITY\\SYSTEM');
    expect(agentUser(emptyContext())).toBeNull();
  });
});

describe('fillBlanks', () => {
  it('fills the agent container, user and UUID a container agent\'s log shows', () => {
    const ctx = containerJob();
    expect(agentContainerId(ctx)).toBe('3c81b2c1a728');
    const fix = fillBlanks('docker exec -it -u <agent user> <agent container> ls -d ~/.dockercfg-bamboo-<agent UUID> (job <job key>)', ctx);
    expect(fix).toBe('docker exec -it -u bamboo 3c81b2c1a728 ls -d ~/.dockercfg-bamboo-6d5303e2-b62a-4281-b252-19cda7a842d8 (job BILL-SVC-JOB1)');
  });

  it('keeps a blank the log cannot fill and says where to find it, once per blank', () => {
    const ctx = track([T('Build A - B #3 (A-B-JOB1-3) started building on agent build-linux-07')]);
    const fix = fillBlanks('1. sudo -u <agent user> ls ~/.dockercfg-bamboo-<agent UUID>\n2. again <agent UUID>', ctx);
    expect(fix).toContain('1. sudo -u <agent user> ls ~/.dockercfg-bamboo-<agent UUID>\n2. again <agent UUID>\n\nNot in the log, and where to find it:');
    expect(fix).toMatch(/\n {2}<agent user>: the account of the agent's java process/);
    expect(fix).toMatch(/\n {2}<agent UUID>: the <agentUuid> in bamboo-agent\.cfg\.xml/);
    expect(fix.match(/<agent UUID>:/g)).toHaveLength(1);
  });

  it('gives no container id for an agent on a host or in a Kubernetes pod', () => {
    const host = track([T('Remote agent on host build-linux-07'), T('Build working directory is /home/bamboo/bamboo-agent-home/xml-data/build-dir/A-B-JOB1')]);
    expect(agentContainerId(host)).toBeNull();
    const pod = track([T('Remote agent on host 0a1b2c3d4e5f'), T('KUBERNETES_SERVICE_HOST=10.96.0.1', 'build')]);
    expect(agentContainerId(pod)).toBeNull();
  });
});
