import { describe, expect, it } from 'vitest';
import { htmlToText, parseEnvelope, parseStamp } from '../../src/parse/envelope.js';
import { monthNumber } from '../../src/parse/months.js';

describe('parseEnvelope', () => {
  it('reads the three-column .log form', () => {
    const l = parseEnvelope('simple\t04-Apr-2016 15:33:26\tBuild working directory is /x', 7);
    expect(l).toEqual({ line: 7, type: 'simple', time: '2016-04-04T15:33:26', text: 'Build working directory is /x' });
  });

  it('keeps TABs inside the message', () => {
    expect(parseEnvelope('build\t04-Apr-2016 15:33:26\ta\tb\tc', 1).text).toBe('a\tb\tc');
  });

  it('reads an empty message (trailing TAB) and the two-column form', () => {
    expect(parseEnvelope('simple\t04-Apr-2016 15:33:26\t', 1)).toMatchObject({ type: 'simple', text: '' });
    expect(parseEnvelope('build\t14-сен-2016 05:16:12', 1)).toMatchObject({ type: 'build', time: '2016-09-14T05:16:12', text: '' });
  });

  it('reads month names of other locales', () => {
    const cases: [string, string][] = [
      ['14-сен-2016 05:16:12', '2016-09-14T05:16:12'],
      ['20-3월-2023 13:12:18', '2023-03-20T13:12:18'],
      ['01-Okt-2024 08:00:00', '2024-10-01T08:00:00'],
      ['01-Okt.-2024 08:00:00', '2024-10-01T08:00:00'],
      ['02-mai-2024 08:00:00', '2024-05-02T08:00:00'],
      ['03-févr.-2024 08:00:00', '2024-02-03T08:00:00'],
      ['04-ene-2024 08:00:00', '2024-01-04T08:00:00'],
      ['05-dic-2024 08:00:00', '2024-12-05T08:00:00'],
      ['06-Mär-2024 08:00:00', '2024-03-06T08:00:00'],
      ['07-дек-2024 08:00:00', '2024-12-07T08:00:00'],
      ['08-12月-2024 08:00:00', '2024-12-08T08:00:00'],
    ];
    for (const [stamp, iso] of cases) expect(parseEnvelope(`error\t${stamp}\tx`, 1).time, stamp).toBe(iso);
  });

  it('keeps the type and the text when the month is unknown', () => {
    expect(parseEnvelope('error\t14-Xyz-2016 05:16:12\tboom', 1)).toMatchObject({ type: 'error', time: null, text: 'boom' });
  });

  it('reads lines copied from the UI with no type column', () => {
    expect(parseEnvelope("28-Feb-2014 19:50:14 Starting task 'Copy Files' of type 'x'", 3)).toMatchObject({
      type: 'plain',
      time: '2014-02-28T19:50:14',
      text: "Starting task 'Copy Files' of type 'x'",
    });
    expect(parseEnvelope('20-3월-2023 13:12:18\tAll post build plugins have finished', 3)).toMatchObject({
      time: '2023-03-20T13:12:18',
      text: 'All post build plugins have finished',
    });
  });

  it('keeps a line in no known format as plain text', () => {
    expect(parseEnvelope('FAILURE: Build failed with an exception.', 9)).toEqual({
      line: 9,
      type: 'plain',
      time: null,
      text: 'FAILURE: Build failed with an exception.',
    });
    expect(parseEnvelope('simpleton\tnot a type', 1).type).toBe('plain');
  });

  it('splits a command entry on its literal \\n sequences', () => {
    const raw =
      "command\t04-Apr-2016 15:33:27\tBeginning to execute external process for build 'P #1 (P-J-1)'\\n ... running command line: \\n/bin/sh x.sh\\n ... in: /w\\n ... using extra environment variables: \\nbamboo_agentId=2260993";
    const l = parseEnvelope(raw, 1);
    expect(l.parts).toEqual([
      "Beginning to execute external process for build 'P #1 (P-J-1)'",
      ' ... running command line: ',
      '/bin/sh x.sh',
      ' ... in: /w',
      ' ... using extra environment variables: ',
      'bamboo_agentId=2260993',
    ]);
  });
});

describe('months and stamps', () => {
  it('knows numeric and named months, and rejects nonsense', () => {
    expect(monthNumber('3월')).toBe(3);
    expect(monthNumber('SEP')).toBe(9);
    expect(monthNumber('13')).toBe(0);
    expect(monthNumber('foo')).toBe(0);
    expect(parseStamp('no stamp here')).toBeNull();
  });
});

describe('htmlToText', () => {
  it('turns REST log HTML into text parts', () => {
    expect(htmlToText('<div>a &quot;b&quot; &amp; c<br />d &lt;e&gt;</div>')).toEqual(['a "b" & c', 'd <e>']);
  });
});

describe('formats seen less often', () => {
  it('strips a byte-order mark before the type column', () => {
    expect(parseEnvelope('\uFEFFsimple\t04-Apr-2016 15:33:26\tBuild A-B-JOB1-1 started building on agent x', 1)).toMatchObject({
      type: 'simple',
      time: '2016-04-04T15:33:26',
    });
  });

  it('accepts an ISO time in the stamp column', () => {
    expect(parseEnvelope('error\t2024-06-29 17:47:29\tboom', 1)).toMatchObject({ type: 'error', time: '2024-06-29T17:47:29', text: 'boom' });
  });

  it('reads more locales: Turkish, Norwegian, Finnish, Hungarian, Greek', () => {
    const cases: [string, string][] = [
      ['14-Eki-2025 05:16:12', '2025-10-14T05:16:12'],
      ['14-des.-2025 05:16:12', '2025-12-14T05:16:12'],
      ['14-syysk.-2025 05:16:12', '2025-09-14T05:16:12'],
      ['14-szept.-2025 05:16:12', '2025-09-14T05:16:12'],
      ['14-Οκτ-2025 05:16:12', '2025-10-14T05:16:12'],
    ];
    for (const [stamp, iso] of cases) expect(parseEnvelope(`build\t${stamp}\tx`, 1).time, stamp).toBe(iso);
  });

  it('keeps reading an agent log line as the agent log, not as a UI copy', () => {
    const l = parseEnvelope('2018-07-19 01:23:44,249 FATAL [scheduler_Worker-10] [AgentContext] Agent encountered a fatal error', 1);
    expect(l.time).toBe('2018-07-19T01:23:44');
    expect(l.text).toContain('Agent encountered a fatal error');
  });
});

describe('parseEnvelope on TABs expanded to spaces', () => {
  it('reads the type and time columns as the KB prints them (`simple    03-Jun-2024 07:32:07    …`)', () => {
    expect(parseEnvelope('simple    03-Jun-2024 07:32:07    Remote agent on host 127.0.0.1', 4)).toEqual({
      line: 4,
      type: 'simple',
      time: '2024-06-03T07:32:07',
      text: 'Remote agent on host 127.0.0.1',
    });
    expect(parseEnvelope('error  04-Apr-2016 15:33:29\tHost key verification failed.', 1)).toMatchObject({ type: 'error', text: 'Host key verification failed.' });
  });

  it('takes the whole run of spaces after the time of a UI copy as the separator, one TAB only as itself', () => {
    expect(parseEnvelope('20-3월-2023 13:10:02   Build working directory is /x', 1)).toMatchObject({ time: '2023-03-20T13:10:02', text: 'Build working directory is /x' });
    expect(parseEnvelope('20-3월-2023 13:10:02\t  at Foo.bar(Foo.java:1)', 1).text).toBe('  at Foo.bar(Foo.java:1)');
  });

  it('keeps a line that only starts with a type word as plain text', () => {
    expect(parseEnvelope('build 2 of 3 finished', 1)).toMatchObject({ type: 'plain', time: null, text: 'build 2 of 3 finished' });
    expect(parseEnvelope('error 404 while fetching', 1).type).toBe('plain');
  });
});

describe('parseEnvelope on a time it cannot read', () => {
  it('still finds the message after the second TAB (Vietnamese "thg 4", Persian digits)', () => {
    expect(parseEnvelope('simple\t04-thg 4-2016 15:33:26\tBuild working directory is /x', 1)).toEqual({
      line: 1,
      type: 'simple',
      time: null,
      text: 'Build working directory is /x',
    });
    expect(parseEnvelope('error\t۰۴-Apr-۲۰۱۶ ۱۵:۳۳:۲۶\tHost key verification failed.', 1).text).toBe('Host key verification failed.');
    // No time-like column before the TAB: the whole rest is the message.
    expect(parseEnvelope('build\tcolumn one is a very long message that is not a time\tsecond', 1).text).toBe(
      'column one is a very long message that is not a time\tsecond',
    );
  });
});
