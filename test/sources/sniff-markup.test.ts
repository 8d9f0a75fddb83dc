// XML REST responses and HTML pages are told apart from log text by their first bytes, and refused by name.
import { describe, expect, it } from 'vitest';
import { sniff } from '../../src/sources/log-source.js';
import { NOT_A_LOG } from '../../src/sources/inputs.js';

describe('sniff on markup', () => {
  it("calls Bamboo's XML REST response xml, with or without a BOM and leading blank lines", () => {
    expect(sniff(Buffer.from('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><result key="A-B-J-1">'))).toBe('xml');
    expect(sniff(Buffer.from('\ufeff\r\n  <?XML version="1.0"?>\n<results>'))).toBe('xml');
  });

  it('calls a saved login or result page html', () => {
    expect(sniff(Buffer.from('<!DOCTYPE html>\n<html lang="en"><head><title>Log in - Bamboo</title>'))).toBe('html');
    expect(sniff(Buffer.from('\n<html>\n<body>'))).toBe('html');
  });

  it('keeps a fragment that starts with other markup, and log lines that hold markup, as text', () => {
    expect(sniff(Buffer.from('<dependency>\n  <groupId>org.acme</groupId>\n'))).toBe('text');
    expect(sniff(Buffer.from('build\t04-Apr-2016 15:33:26\t<?xml version="1.0"?>\n'))).toBe('text');
    expect(sniff(Buffer.from('<'))).toBe('text');
  });

  it('has a message for each kind that is no log, naming what to fetch instead', () => {
    expect(NOT_A_LOG.xml).toMatch(/Accept: application\/json/);
    expect(NOT_A_LOG.html).toMatch(/HTML page/);
    expect(NOT_A_LOG.text).toBeUndefined();
    expect(NOT_A_LOG.json).toBeUndefined();
  });
});
