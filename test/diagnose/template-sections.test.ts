// Fix templates: `{{#capture}}` / `{{^capture}}` sections follow what the evidence said.
import { describe, expect, it } from 'vitest';
import { emptyContext } from '../../src/model.js';
import { renderTemplate, sectionsIn } from '../../src/rules/template.js';

const FIX = `Registry refused the pull.
{{#expired}}
The token expired: refresh it ({{expired}}).
{{/expired}}
{{^expired}}
Log in first.
{{/expired}}
Then run it again{{#image}} for {{image}}{{/image}}.`;

describe('capture sections in fix templates', () => {
  it('keeps a {{#name}} block, with its lines, only when the capture is there, and {{^name}} only when it is not', () => {
    expect(renderTemplate(FIX, emptyContext(), { expired: 'Your authorization token has expired', image: 'acme/app' })).toBe(
      'Registry refused the pull.\nThe token expired: refresh it (Your authorization token has expired).\nThen run it again for acme/app.',
    );
    expect(renderTemplate(FIX, emptyContext(), {})).toBe('Registry refused the pull.\nLog in first.\nThen run it again.');
  });

  it('treats an empty capture as absent and names the sections a template tests', () => {
    expect(renderTemplate(FIX, emptyContext(), { expired: '' })).toContain('Log in first.');
    expect(sectionsIn(FIX)).toEqual(['expired', 'expired', 'image']);
  });
});

describe('nested capture sections', () => {
  const NESTED = `{{^a}}\n{{^b}}\nneither\n{{/b}}\n{{#b}}\nonly b\n{{/b}}\n{{/a}}\n{{#a}}\na\n{{/a}}`;
  it('resolves sections inside a kept section', () => {
    expect(renderTemplate(NESTED, emptyContext(), {})).toBe('neither\n');
    expect(renderTemplate(NESTED, emptyContext(), { b: 'x' })).toBe('only b\n');
    expect(renderTemplate(NESTED, emptyContext(), { a: 'x', b: 'x' })).toBe('a\n');
  });
});
