#!/usr/bin/env bash
# Assembles the docs-portal example into OUT (default web/dist/docs-portal):
# the page, the npm package's files (from web/dist-lib: make package) and the
# two example archives.
#   examples/docs-portal/assemble.sh [OUT]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:-$repo/web/dist/docs-portal}"
lib="$repo/web/dist-lib"
for f in layerscope.js layerscope-worker.js layerscope_core.wasm; do
    [ -s "$lib/$f" ] || { echo "docs-portal: no $lib/$f (run: make package)" >&2; exit 1; }
done
rm -rf "$out" && mkdir -p "$out/layerscope" "$out/images"
cp "$here/index.html" "$here/portal.css" "$out/"
cp "$lib/layerscope.js" "$lib/layerscope-worker.js" "$lib/layerscope_core.wasm" "$out/layerscope/"
cp "$repo/examples/demo.tar" "$repo/examples/demo-oci.tar" "$out/images/"
echo "$out"
