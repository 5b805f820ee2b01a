import { describe, expect, it } from 'vitest';
import { fileWarnings, uniqueWarnings, verifiedWarnings } from './view-warnings';

const w = (code: string, message: string, where = '') => ({ code, message, where });

describe('view warnings', () => {
  it('gives a file the warnings that name it and those about the whole image', () => {
    const all = [
      w('duplicate-entry', 'path /etc/app.conf occurs more than once in this layer: the last entry (a file) wins', 'layer 1: etc/app.conf'),
      w('entry-path-escapes', "entry '../../tmp/x' climbs out of the layer's root with '..': shown at /tmp/x", 'layer 2: ../../tmp/x'),
      w('incomplete-image', 'layer 3 (sha256:ab) is not stored in the archive', 'layer 3'),
      w('junk-entry', 'stray member notes.txt', 'notes.txt'),
    ];
    expect(fileWarnings(all, 'etc/app.conf').map((x) => x.code)).toEqual(['duplicate-entry', 'incomplete-image']);
    expect(fileWarnings(all, '/tmp/x').map((x) => x.code)).toEqual(['entry-path-escapes', 'incomplete-image']);
    // a longer or shorter name is another file
    expect(fileWarnings(all, 'etc/app').map((x) => x.code)).toEqual(['incomplete-image']);
    expect(fileWarnings(all, 'app.conf').map((x) => x.code)).toEqual(['incomplete-image']);
    expect(fileWarnings(all, '')).toEqual([]);
  });

  it('drops repeats', () => {
    const a = w('duplicate-entry', 'm', 'layer 1: a');
    expect(uniqueWarnings([a, { ...a }, w('duplicate-entry', 'm', 'layer 2: a')])).toHaveLength(2);
  });

  it('joins the verification’s mismatches about the layers shown', () => {
    const all = [
      w('diff-id-mismatch', 'uncompressed layer hashes to sha256:11 but the config’s diff_id is sha256:aa', 'x layer 0'),
      w('digest-mismatch', 'stored layer hashes to sha256:22 but it is referenced as sha256:bb', 'y layer 0'),
      w('missing-blob', 'sha256:aa is missing'),
    ];
    expect(verifiedWarnings(all, [{ digest: null, diff_id: 'sha256:aa' }]).map((x) => x.code)).toEqual(['diff-id-mismatch']);
    expect(verifiedWarnings(all, [{ digest: 'sha256:cc', diff_id: 'sha256:dd' }])).toEqual([]);
    expect(verifiedWarnings([w('verify-failed', 'could not read')], []).map((x) => x.code)).toEqual(['verify-failed']);
  });
});
