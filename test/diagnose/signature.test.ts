// Templates mask what varies between occurrences of one failure; signatures group by template.
import { describe, expect, it } from 'vitest';
import { signatureOf, templateOf } from '../../src/diagnose/signature.js';

describe('templateOf', () => {
  it('masks numbers, hex ids, UUIDs, times, durations, quoted strings, URLs, paths, build keys and the agent', () => {
    const t = templateOf(
      'build-linux-03: ACME-WEB-JOB1-57 at 2025-11-03T09:41:22Z took 4000ms: lock 9f3c2a1b-6f0e-4e77-b1a2-0c7d5e4f3a21 ' +
        "held by 'ci@runner' on /home/bamboo/state/main.tfstate (id 0x7ffd, sha 3f2a9c1e8b7d) see https://acme.example/x?y=1 port 8443",
      { agent: 'build-linux-03' },
    );
    expect(t).toBe('<AGENT>: <BUILD> at <TIME> took <DURATION>: lock <UUID> held by <STR> on <PATH> (id <HEX>, sha <HEX>) see <URL> port <NUM>');
  });

  it('keeps error codes (letters and digits together) and words', () => {
    expect(templateOf("Program.cs(12,5): error CS0246: The type or namespace name 'Foo' could not be found")).toBe(
      'Program.cs(<NUM>,<NUM>): error CS0246: The type or namespace name <STR> could not be found',
    );
  });

  it('gives one signature to occurrences of the same failure and another to a different one', () => {
    const a = signatureOf(templateOf('Error: Error acquiring the state lock (lock ID: 1d3a44b0-2bd6-5b38-0c4e-2f8f2e0f1a6c, 12 s)'));
    const b = signatureOf(templateOf('Error: Error acquiring the state lock (lock ID: 77e0a5c1-99aa-4b1e-8d21-3e4f5a6b7c8d, 3 s)'));
    const c = signatureOf(templateOf('Error: Error loading state: AccessDenied: Access Denied'));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
  });

  it("does not take an apostrophe in a word for a quote", () => {
    expect(templateOf("can't open 'config.yaml': it doesn't exist")).toBe("can't open <STR>: it doesn't exist");
  });
});
