import { describe, expect, it } from 'vitest';
import { choiceProblem, cliCommand, outputName, parsePaths, reopenable, shellWord, writeRequest, type ExportChoice } from './exports';

const base: ExportChoice = { what: 'save', image: 1, allImages: false, format: 'docker', compress: '', layer: -1, path: '', paths: [] };

describe('export choices', () => {
  it('turns each choice into the worker request of dispatch.h write', () => {
    expect(writeRequest(base)).toEqual({ what: 'save', images: [1], format: 'docker', compress: '' });
    expect(writeRequest({ ...base, allImages: true, format: 'oci', compress: 'zstd' })).toEqual({ what: 'save', images: [], format: 'oci', compress: 'zstd' });
    expect(writeRequest({ ...base, what: 'squash' })).toEqual({ what: 'squash', image: 1, format: 'docker' });
    expect(writeRequest({ ...base, what: 'strip', paths: ['/a', '/b'] })).toEqual({ what: 'strip', image: 1, paths: ['/a', '/b'], format: 'docker', compress: '' });
    expect(writeRequest({ ...base, what: 'export', layer: 2, path: 'etc' })).toEqual({ what: 'export', image: 1, layer: 2, path: 'etc' });
    expect(writeRequest({ ...base, what: 'file', path: 'etc/passwd' })).toEqual({ what: 'file', image: 1, layer: -1, path: 'etc/passwd' });
  });

  it('names outputs after the archive and the choice', () => {
    expect(outputName('app.tar', base)).toBe('app-docker.tar');
    expect(outputName('dir/app.tar.gz', { ...base, format: 'oci', compress: 'gzip' })).toBe('app-oci-gzip.tar');
    expect(outputName('app.tar', { ...base, what: 'squash' })).toBe('app-squashed.tar');
    expect(outputName('app.tar', { ...base, what: 'strip' })).toBe('app-stripped.tar');
    expect(outputName('app.tar', { ...base, what: 'export' })).toBe('app-rootfs.tar');
    expect(outputName('app.tar', { ...base, what: 'export', layer: 3, path: '/usr/share/' })).toBe('app-layer-3-usr_share.tar');
    expect(outputName('app.tar', { ...base, what: 'file', path: 'etc/app/config.ini' })).toBe('config.ini');
  });

  it('says what is missing, and which outputs re-open as archives', () => {
    expect(choiceProblem({ ...base, what: 'strip' })).toMatch(/at least one path/);
    expect(choiceProblem({ ...base, what: 'file' })).toMatch(/Choose a file/);
    expect(choiceProblem(base)).toBe('');
    expect(['save', 'squash', 'strip', 'export', 'file'].map((w) => reopenable({ ...base, what: w as ExportChoice['what'] }))).toEqual([true, true, true, false, false]);
  });

  it('reads paths one per line or comma-separated, without repeats', () => {
    expect(parsePaths(' /a \n\n/b, /a ,/c\n')).toEqual(['/a', '/b', '/c']);
  });

  it('prints the CLI command that writes the same output, quoted for a shell', () => {
    expect(shellWord("it's here")).toBe(`'it'\\''s here'`);
    expect(shellWord('repo/app:1.0')).toBe('repo/app:1.0');
    expect(cliCommand('my app.tar', { ...base, format: 'oci', compress: 'gzip' }, 'repo/app:1.0', 'out.tar')).toBe(
      "layerscope save 'my app.tar' repo/app:1.0 --format oci --compress gzip -o out.tar",
    );
    expect(cliCommand('a.tar', { ...base, allImages: true }, '0', 'o.tar')).toBe('layerscope save a.tar -o o.tar');
    expect(cliCommand('a.tar', { ...base, what: 'strip', paths: ['/etc/key', '/root/.npmrc'] }, '0', 'o.tar')).toBe(
      'layerscope strip a.tar 0 /etc/key /root/.npmrc -o o.tar',
    );
    expect(cliCommand('a.tar', { ...base, what: 'export', layer: 2, path: 'etc' }, '0', 'o.tar')).toBe('layerscope export a.tar 0 --layer 2 etc -o o.tar');
    expect(cliCommand('a.tar', { ...base, what: 'file', path: 'etc/x y' }, '0', 'x y')).toBe("layerscope cat a.tar 0 'etc/x y' > 'x y'");
  });
});
