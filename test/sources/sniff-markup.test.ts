// XML REST responses and HTML pages are told apart from log text by their first bytes, and refused by name;
// --follow also refuses what does not grow by lines.
import { describe, expect, it } from 'vitest';
import { sniff } from '../../src/sources/log-source.js';
import { gzipSync } from 'node:zlib';
import { NOT_A_LOG, notFollowable } from '../../src/sources/inputs.js';

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

describe('notFollowable', () => {
  it('refuses gzip, JSON exports and what is no log; lets log text and an empty start through', () => {
    expect(notFollowable(gzipSync('simple\t04-Apr-2016 15:33:26\tBuild started\n'))).toMatch(/^this is gzip-compressed: .*without --follow$/);
    expect(notFollowable(Buffer.from('{"results":{"result":['))).toMatch(/^this is a REST JSON export/);
    expect(notFollowable(Buffer.from('<?xml version="1.0"?>'))).toBe(NOT_A_LOG.xml);
    expect(notFollowable(Buffer.from('simple\t04-Apr-2016 15:33:26\tBuild started\n'))).toBeNull();
    expect(notFollowable(Buffer.alloc(0))).toBeNull();
  });
});
