import { describe, expect, it } from 'vitest';
import {
  basename,
  dirname,
  formatAgo,
  formatBytes,
  formatCount,
  formatDuration,
  formatMode,
  formatRate,
  formatTime,
  formatUnixTime,
  octal,
  platformString,
  plural,
  resolveLink,
  shortDigest,
} from './format';

describe('format', () => {
  it('sizes: exact bytes below 1 KiB, then 3 significant digits in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(10 * 1024)).toBe('10.0 KiB');
    expect(formatBytes(150 * 1024)).toBe('150 KiB');
    expect(formatBytes(3 * 1024 ** 2)).toBe('3.00 MiB');
    expect(formatBytes(4.5 * 1024 ** 3)).toBe('4.50 GiB');
    expect(formatBytes(2 * 1024 ** 5)).toBe('2048 TiB');
    expect(formatBytes(null)).toBe('–');
    expect(formatBytes(Number.NaN)).toBe('–');
    expect(formatRate(2048)).toBe('2.00 KiB/s');
  });
  it('counts and plurals in en-US grouping', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    for (const n of [0, 7, 999, 1000, -1000, 12_345, -987_654_321, 100_000, Number.MAX_SAFE_INTEGER, 1234.5, -0.25, 1e21])
      expect(formatCount(n)).toBe(n.toLocaleString('en-US'));
    expect(plural(1, 'layer')).toBe('1 layer');
    expect(plural(1234, 'layer')).toBe('1,234 layers');
    expect(plural(2, 'match', 'matches')).toBe('2 matches');
  });
  it('durations', () => {
    expect(formatDuration(999.4)).toBe('999 ms');
    expect(formatDuration(1500)).toBe('1.50 s');
    expect(formatDuration(12_340)).toBe('12.3 s');
    expect(formatDuration(61_000)).toBe('1 min 1 s');
  });
  it('times in UTC to the second', () => {
    expect(formatTime('2024-01-01T12:00:05.123Z')).toBe('2024-01-01 12:00:05 UTC');
    expect(formatTime('2024-01-01T14:00:05+02:00')).toBe('2024-01-01 12:00:05 UTC');
    expect(formatTime('not a time')).toBe('not a time');
    expect(formatTime(null)).toBe('–');
    expect(formatUnixTime(0)).toBe('–');
    expect(formatUnixTime(1_700_000_000)).toBe('2023-11-14 22:13:20 UTC');
    const now = Date.parse('2024-01-10T00:00:00Z');
    expect(formatAgo('2024-01-07T00:00:00Z', now)).toBe('3 days ago');
    expect(formatAgo('2024-01-09T23:59:59Z', now)).toBe('1 second ago');
    expect(formatAgo('2024-01-10T02:00:00Z', now)).toBe('in 2 hours');
    expect(formatAgo('2021-01-10T00:00:00Z', now)).toBe('3 years ago');
    expect(formatAgo('garbage', now)).toBe('');
  });
  it('modes like ls, with setuid, setgid and sticky bits', () => {
    expect(formatMode('file', 0o644)).toBe('-rw-r--r--');
    expect(formatMode('dir', 0o755)).toBe('drwxr-xr-x');
    expect(formatMode('symlink', 0o777)).toBe('lrwxrwxrwx');
    expect(formatMode('file', 0o4755)).toBe('-rwsr-xr-x');
    expect(formatMode('file', 0o4644)).toBe('-rwSr--r--');
    expect(formatMode('file', 0o2755)).toBe('-rwxr-sr-x');
    expect(formatMode('dir', 0o1777)).toBe('drwxrwxrwt');
    expect(formatMode('dir', 0o1776)).toBe('drwxrwxrwT');
    expect(formatMode('weird', 0)).toBe('?---------');
    expect(octal(0o644)).toBe('0644');
    expect(octal(0o4755)).toBe('4755');
  });
  it('digests, platforms, paths', () => {
    expect(shortDigest('sha256:0123456789abcdef0123')).toBe('0123456789ab');
    expect(shortDigest('0123456789abcdef', 4)).toBe('0123');
    expect(shortDigest(null)).toBe('–');
    expect(platformString({ os: 'linux', architecture: 'arm64', variant: 'v8' })).toBe('linux/arm64/v8');
    expect(platformString({ os: 'linux', architecture: 'amd64', variant: null })).toBe('linux/amd64');
    expect(platformString({ os: '', architecture: '', variant: null })).toBe('unknown');
    expect(basename('etc/app/config.ini')).toBe('config.ini');
    expect(basename('file')).toBe('file');
    expect(dirname('etc/app/config.ini')).toBe('etc/app');
    expect(dirname('file')).toBe('');
  });
  it('resolves symlink targets against the link directory, never above the root', () => {
    expect(resolveLink('srv/app/links/rel-symlink', 'target.txt')).toBe('srv/app/links/target.txt');
    expect(resolveLink('srv/app/links/up', '../data/./x')).toBe('srv/app/data/x');
    expect(resolveLink('a/b/c', '../../../../x')).toBe('x');
    expect(resolveLink('usr/bin/sh', '/bin/busybox')).toBe('bin/busybox');
    expect(resolveLink('lib', '//usr//lib/')).toBe('usr/lib');
  });
});
