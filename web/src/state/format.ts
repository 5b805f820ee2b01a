// Small, pure formatting helpers (no DOM).

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 -> "1.5 KiB"; exact bytes below 1 KiB. */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  if (n < 1024) return `${n} B`;
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${UNITS[u]}`;
}

/** 1234567 -> "1,234,567". Integers are grouped by hand: the first use of the
 *  browser's number formatting loads its locale data (45-83 ms in Chromium 156,
 *  measured), which sat in the long task that shows an archive's summary; other
 *  numbers go through one shared Intl.NumberFormat (toLocaleString builds a new
 *  formatter per call: 15 µs against 0.8 µs). */
export function formatCount(n: number): string {
  if (Number.isSafeInteger(n)) return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  COUNT_FORMAT ??= new Intl.NumberFormat('en-US');
  return COUNT_FORMAT.format(n);
}
let COUNT_FORMAT: Intl.NumberFormat | undefined;

export function formatRate(bytesPerSec: number): string {
  return `${formatBytes(Math.round(bytesPerSec))}/s`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** ISO time as "2024-01-01 12:00:05 UTC" (second precision, always UTC: archives are shared). */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
}

export function formatUnixTime(secs: number): string {
  if (!secs) return '–';
  return formatTime(new Date(secs * 1000).toISOString());
}

/** "3 days ago" style, relative to now. */
export function formatAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return '';
  const s = Math.round((now - t) / 1000);
  const abs = Math.abs(s);
  const fmt = (v: number, unit: string) => `${v} ${unit}${v === 1 ? '' : 's'}`;
  let text: string;
  if (abs < 60) text = fmt(abs, 'second');
  else if (abs < 3600) text = fmt(Math.round(abs / 60), 'minute');
  else if (abs < 86400) text = fmt(Math.round(abs / 3600), 'hour');
  else if (abs < 86400 * 60) text = fmt(Math.round(abs / 86400), 'day');
  else if (abs < 86400 * 730) text = fmt(Math.round(abs / (86400 * 30.4)), 'month');
  else text = fmt(Math.round(abs / (86400 * 365.25)), 'year');
  return s >= 0 ? `${text} ago` : `in ${text}`;
}

const TYPE_CHAR: Record<string, string> = { file: '-', dir: 'd', symlink: 'l', hardlink: 'h', deleted: ' ', other: '?' };

/** ls-style mode string: "-rw-r--r--", "drwxr-xr-x" (setuid/setgid/sticky included). */
export function formatMode(type: string, mode: number): string {
  const r = (bit: number, ch: string) => (mode & bit ? ch : '-');
  const x = (bit: number, special: number, on: string, off: string) =>
    mode & special ? (mode & bit ? on : off) : mode & bit ? 'x' : '-';
  return (
    (TYPE_CHAR[type] ?? '?') +
    r(0o400, 'r') + r(0o200, 'w') + x(0o100, 0o4000, 's', 'S') +
    r(0o40, 'r') + r(0o20, 'w') + x(0o10, 0o2000, 's', 'S') +
    r(0o4, 'r') + r(0o2, 'w') + x(0o1, 0o1000, 't', 'T')
  );
}

export function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

/** "sha256:0123456789ab…" -> "0123456789ab". */
export function shortDigest(d: string | null | undefined, n = 12): string {
  if (!d) return '–';
  const i = d.indexOf(':');
  return d.slice(i + 1, i + 1 + n);
}

export function platformString(p: { os: string; architecture: string; variant: string | null }): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/') || 'unknown';
}

export function basename(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** Resolves a symlink target against the link's directory (never above the root). */
export function resolveLink(linkPath: string, target: string): string {
  const parts = target.startsWith('/') ? [] : dirname(linkPath).split('/').filter(Boolean);
  for (const c of target.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') parts.pop();
    else parts.push(c);
  }
  return parts.join('/');
}

/** "1 layer", "3 layers" */
export function plural(n: number, word: string, many = word + 's'): string {
  return `${formatCount(n)} ${n === 1 ? word : many}`;
}
