// One list per vocabulary: what the CLI accepts and the rule schema checks follow the lists in model.ts.
import { describe, expect, it } from 'vitest';
import { AGENT_OSES, AGENT_TYPES, RUNNER_KINDS, SEVERITIES, severitiesAtLeast } from '../src/model.js';
import { CONDITION_FIELDS } from '../src/rules/schema.js';
import { runCli } from './helpers/cli.js';

describe('vocabularies', () => {
  it('orders severities most severe first, and names those at or above one', () => {
    expect(SEVERITIES).toEqual(['error', 'warning', 'info']);
    expect(severitiesAtLeast('error')).toEqual(['error']);
    expect(severitiesAtLeast('warning')).toEqual(['error', 'warning']);
    expect(severitiesAtLeast('info')).toEqual(['error', 'warning', 'info']);
  });

  it('gives scenario conditions the same values as the job context', () => {
    expect(CONDITION_FIELDS['agent.type']).toEqual(AGENT_TYPES);
    expect(CONDITION_FIELDS['agent.os']).toEqual(AGENT_OSES);
    expect(CONDITION_FIELDS['runner.kind']).toEqual(RUNNER_KINDS);
  });

  it('offers the lists as the choices of --agent-type, --severity and --fail-on', async () => {
    const quoted = (values: readonly string[]) => values.map((v) => `"${v}"`).join(', ');
    const agentType = await runCli(['history', '--agent-type', 'cloud']);
    expect(agentType.code).toBe(2);
    expect(agentType.stderr).toContain(`Choices: ${quoted(AGENT_TYPES)}`);
    expect((await runCli(['history', '--severity', 'fatal'])).stderr).toContain(`Choices: ${quoted(SEVERITIES)}`);
    expect((await runCli(['analyze', 'x', '--fail-on', 'fatal'])).stderr).toContain(`Choices: ${quoted([...SEVERITIES, 'none'])}`);
  });
});
