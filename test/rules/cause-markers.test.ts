// The error-line classifier: telling lines get a weight by specificity, noise gets none.
import { describe, expect, it } from 'vitest';
import { CAUSE_MARKERS, classifyLine } from '../../src/rules/cause-markers.js';
import { KeywordAutomaton } from '../../src/rules/keywords.js';

const weight = (text: string) => classifyLine(text).weight;

describe('classifyLine', () => {
  it('weighs the specific forms of tools above a bare level word, and a summary or exit code lowest', () => {
    const compiler = weight('/src/Api/OrderController.cs(42,17): error CS0246: The type or namespace name \'Foo\' could not be found [/src/Api/Api.csproj]');
    const exception = weight('java.lang.IllegalStateException: payment gateway returned 503');
    const terraform = weight('│ Error: Error acquiring the state lock');
    const levelWord = weight('2025-11-03 09:41:22 ERROR com.acme.Service - request rejected');
    const symptom = weight('npm ERR! code ELIFECYCLE');
    expect(compiler).toBe(10);
    expect(exception).toBe(8);
    expect(terraform).toBe(8);
    expect(levelWord).toBe(5);
    expect(symptom).toBe(1);
    expect(weight('make: *** [Makefile:12: build] Error 2')).toBe(1);
    expect(weight('Traceback (most recent call last):')).toBe(1);
    expect(weight('[ERROR] -> [Help 1]')).toBe(1);
  });

  it('knows the lines of tools outside the rule pack', () => {
    expect(weight('fatal: [web-01]: UNREACHABLE! => {"changed": false, "unreachable": true}')).toBe(9);
    expect(weight('./internal/pricing/discount.go:42:9: undefined: roundHalfEven')).toBe(8);
    expect(weight('E   ModuleNotFoundError: No module named \'orders.pricing\'')).toBe(8);
    expect(weight('Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress')).toBe(8);
    expect(weight('panic: runtime error: invalid memory address or nil pointer dereference')).toBe(8);
    expect(weight('/bin/sh: 1: terraform: command not found')).toBe(9);
  });

  it('gives no weight to traces, warnings, zero counts, passing tests and progress bars', () => {
    for (const noise of [
      '+ npm run build || echo "error: build failed"',
      'npm WARN deprecated request@2.88.2: request has been deprecated',
      '[WARNING] error-prone plugin is deprecated',
      '06:41:58.114 [main] WARN  RetryingDataSource -- Attempt 1 of 3 failed: java.net.ConnectException: Connection refused',
      '[INFO] Tests run: 12, Failures: 0, Errors: 0, Skipped: 0',
      'Passed!  - Failed:     0, Passed:   186, Skipped:     2',
      '    0 Error(s)',
      'Build succeeded with no errors',
      '  ✓ shows an error: banner when the login fails (23 ms)',
      'Downloading [==================>      ] 45% error: retrying',
    ]) {
      expect(weight(noise), noise).toBe(0);
    }
  });

  it('keeps stack frames, at the lowest weight, marked as frames', () => {
    expect(classifyLine('        at com.acme.orders.ExceptionMapper.map(ExceptionMapper.java:41)')).toEqual({ weight: 1, frame: true });
  });

  it('lists markers the prefilter finds in every telling line above, and not in the bare stderr type column', () => {
    const automaton = new KeywordAutomaton(CAUSE_MARKERS);
    const found = (s: string) => automaton.collectString(s).size > 0;
    expect(found('error\t03-Nov-2025 09:41:22\tnpm WARN deprecated inflight@1.0.6')).toBe(false);
    expect(found('./internal/pricing/discount.go:42:9: undefined: roundHalfEven')).toBe(true);
    expect(found('/src/Api/OrderController.cs(42,17): error CS0246: The type')).toBe(true);
    expect(found('fatal: [web-01]: UNREACHABLE! => {}')).toBe(true);
  });
});
