// Warning codes from the core, in plain words (errors: errors.ts).

const WARNINGS: Record<string, string> = {
  'missing-blob': 'A layer or manifest the image refers to is not stored in this archive',
  'invalid-config': 'The image configuration could not be read',
  'diff-ids-count-mismatch': 'The configuration lists a different number of layers than the manifest',
  'history-layer-mismatch': 'The build history does not line up with the layers',
  'invalid-manifest': 'A manifest is malformed',
  'missing-config': 'An image has no readable configuration',
  'invalid-descriptor': 'A descriptor has a malformed digest',
  'config-digest-mismatch': 'The configuration does not match its digest',
  'index-too-deep': 'Image indexes are nested too deeply; the deepest were ignored',
  'invalid-index': 'The image index is malformed',
  'missing-oci-layout': 'The OCI layout marker file is missing',
  'trimmed-manifest': 'manifest.json and index.json list different images',
  'symlinked-layer': 'A layer is stored once and referenced through a link',
  'no-images': 'The archive lists no images',
  'junk-entry': 'A stray file that belongs to no image',
  'duplicate-member': 'A file appears twice in the archive; the last copy is used',
  'tar-warning': 'The tar reader reported a problem',
  'layer-unreadable': 'A layer could not be read',
  'media-type-mismatch': 'A layer is compressed differently from what its media type says',
  'size-mismatch': 'A layer’s size differs from what the manifest says',
  'verify-failed': 'Verification could not complete',
  'diff-id-mismatch': 'A layer’s content does not match its diff_id',
  'digest-mismatch': 'A blob does not match its digest',
  'parent-replaced': 'A layer replaces a directory of a lower layer with a file',
  'incomplete-image': 'A layer of this image is missing or unreadable: what is shown is incomplete',
  'entry-path-escapes': 'An entry’s path climbs out of the root (shown where containerd puts it; docker load refuses the layer)',
  'entry-path-absolute': 'An entry has an absolute path',
  'duplicate-entry': 'A layer holds the same path twice; the last entry wins',
  'hardlink-target-missing': 'A hard link points to a file the layers do not hold',
  'hardlink-target-escapes': 'A hard link points outside the root',
  'entry-over-limit': 'An entry is over a limit and was skipped; the layer’s other files are shown',
  'not-an-image': 'The archive holds no image',
};

export function warningTitle(code: string): string {
  return WARNINGS[code] ?? code.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());
}
