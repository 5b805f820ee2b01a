#!/usr/bin/env bash
# Builds the npm package `layerscope` (the <layer-scope> element) and packs it.
#
#   web/pack.sh [ESM_DIR]     -> web/dist-pkg/layerscope-<version>.tgz (path printed last)
#
# ESM_DIR holds the ES-module wasm build (default build/wasm/wasm/esm; `make package`
# passes it). The package holds layerscope.js (the element, Lit bundled in: one
# <script type="module"> is enough), layerscope-worker.js and layerscope_core.wasm
# (found next to the module, or where setAssetBase() says), layerscope.d.ts and a
# README for embedders (web/package/).
set -euo pipefail

web="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$web/.." && pwd)"
esm="${1:-$repo/build/wasm/wasm/esm}"
esm="$(cd "$esm" 2>/dev/null && pwd)" || { echo "web/pack.sh: no wasm build at ${1:-build/wasm/wasm/esm} (run: make wasm)" >&2; exit 1; }
cd "$web"
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error

export LAYERSCOPE_WASM_DIR="$esm"
npx vite build --mode lib --logLevel warn
cp package/package.json package/README.md package/layerscope.d.ts dist-lib/
for f in layerscope.js layerscope-worker.js layerscope-stream-reader.js layerscope_core.wasm layerscope.d.ts; do
    [ -s "dist-lib/$f" ] || { echo "web/pack.sh: dist-lib/$f is missing" >&2; exit 1; }
done
rm -rf dist-pkg && mkdir -p dist-pkg
tgz="$(cd dist-lib && npm pack --pack-destination ../dist-pkg --loglevel=error | tail -1)"
echo "$web/dist-pkg/$tgz"
