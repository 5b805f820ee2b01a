import { describe, expect, it } from 'vitest';
import { CoreError } from '../engine';
import { errorLine, errorMessage, errorTitle, failureRepeats, isCancelledEnvelope, toEnvelope, whatFileIs } from './errors';
import { warningTitle } from './words';

describe('errors', () => {
  it('titles every core error code in plain words, "Error" for others', () => {
    expect(errorTitle('truncated')).toBe('The archive ends too early (truncated download or copy?)');
    expect(errorTitle('not-an-image')).toBe('This is not a container image archive');
    expect(errorTitle('limit')).toBe('A safety limit was reached');
    expect(errorTitle('protocol')).toBe('The page and its worker disagree (reload the page)');
    expect(errorTitle('something-new')).toBe('Error');
  });
  it('keeps a CoreError envelope; anything else is internal with its text', () => {
    const e = new CoreError({ code: 'corrupt', message: 'bad header', where: 'layer 2' });
    expect(toEnvelope(e)).toEqual({ code: 'corrupt', message: 'bad header', where: 'layer 2' });
    expect(toEnvelope(new TypeError('x is undefined'))).toEqual({ code: 'internal', message: 'TypeError: x is undefined', where: '' });
    expect(toEnvelope('boom')).toEqual({ code: 'internal', message: 'boom', where: '' });
    expect(errorMessage(e)).toBe('bad header');
    expect(errorMessage(new Error('net down'))).toBe('Error: net down');
  });
  it('words a cancellation when asked to, and only a cancellation', () => {
    const c = new CoreError({ code: 'cancelled', message: 'cancelled', where: 'client' });
    expect(toEnvelope(c, 'Reading was cancelled.')).toEqual({ code: 'cancelled', message: 'Reading was cancelled.', where: '' });
    expect(toEnvelope(c)).toEqual({ code: 'cancelled', message: 'cancelled', where: 'client' });
    expect(toEnvelope(new CoreError({ code: 'io', message: 'x', where: '' }), 'Reading was cancelled.').code).toBe('io');
    expect(isCancelledEnvelope(toEnvelope(c))).toBe(true);
    expect(isCancelledEnvelope({ code: 'io' })).toBe(false);
    expect(isCancelledEnvelope(null)).toBe(false);
  });
  it('one line for inline errors', () => {
    expect(errorLine({ code: 'not-found', message: 'no such path: /x', where: '' })).toBe('Not found: no such path: /x');
  });
  it('titles warnings; an unknown code reads as words', () => {
    expect(warningTitle('missing-blob')).toBe('A layer or manifest the image refers to is not stored in this archive');
    expect(warningTitle('diff-id-mismatch')).toBe('A layer’s content does not match its diff_id');
    expect(warningTitle('brand-new-warning')).toBe('Brand new warning');
  });
});

describe('what a failed file is', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  it('names a JSON document dropped by mistake, with or without a .json name', () => {
    expect(whatFileIs(bytes('  {"schemaVersion": 2}'), 'index')).toMatch(/JSON document/);
    expect(whatFileIs(bytes('[{"Config":"x.json"}]'), 'manifest.json')).toMatch(/JSON document/);
  });
  it('says nothing about a tar (ustar magic at 257) or unknown binary', () => {
    const tar = new Uint8Array(512);
    tar.set(bytes('{"looks": "like json"}'), 0);
    tar.set(bytes('ustar'), 257);
    expect(whatFileIs(tar, 'x.tar')).toBeNull();
    expect(whatFileIs(Uint8Array.from([0x1f, 0x8b, 0, 1, 2, 0, 0xff]), 'x.tar.gz')).toBeNull();
  });
  it('names zip and plain text', () => {
    expect(whatFileIs(Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0]), 'x.zip')).toMatch(/ZIP/);
    expect(whatFileIs(bytes('hello\nworld\n'), 'notes.txt')).toMatch(/text file/);
  });
  it('offers no retry for failures that repeat', () => {
    expect(failureRepeats('corrupt')).toBe(true);
    expect(failureRepeats('not-an-image')).toBe(true);
    expect(failureRepeats('io')).toBe(false);
    expect(failureRepeats('load')).toBe(false);
  });
});
