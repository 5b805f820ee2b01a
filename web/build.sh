#!/usr/bin/env bash
# Builds the web app on top of the ES-module wasm build.
#
#   web/build.sh [ESM_DIR]    ESM_DIR holds layerscope_core.mjs + layerscope_core.wasm
#                             (default: build/wasm/wasm/esm; `make web` passes it)
#
# Output:
#   web/dist/                          the app (relative base: serve it under any path)
#   web/dist/layerscope-standalone.html one self-contained HTML file (works from file://)
#
# Installs the npm packages (npm ci) when node_modules is missing or package-lock.json
# changed. Does nothing when no input changed since the last build (stamp in dist/).
set -euo pipefail

web="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$web/.." && pwd)"
esm="${1:-$repo/build/wasm/wasm/esm}"
esm="$(cd "$esm" 2>/dev/null && pwd)" || { echo "web/build.sh: no wasm build at ${1:-build/wasm/wasm/esm} (run: make wasm)" >&2; exit 1; }
for f in layerscope_core.mjs layerscope_core.wasm; do
    [ -f "$esm/$f" ] || { echo "web/build.sh: missing $esm/$f (run: make wasm)" >&2; exit 1; }
done
command -v node >/dev/null || { echo "web/build.sh: node not found (scripts/setup.sh installs it)" >&2; exit 1; }
command -v npm >/dev/null || { echo "web/build.sh: npm not found (scripts/setup.sh installs it)" >&2; exit 1; }
cd "$web"

# 1. npm packages, only when the lock file changed.
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -d node_modules ] || [ "$(cat node_modules/.layerscope-lock 2>/dev/null)" != "$lock_hash" ]; then
    echo "web: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$lock_hash" > node_modules/.layerscope-lock
fi

# 2. Skip when nothing changed.
stamp="$( {
    find src public index.html vite.config.ts tsconfig.json package-lock.json build.sh ../wasm -maxdepth 4 -type f \
        \( -name '*.ts' -o -name '*.css' -o -name '*.html' -o -name '*.json' -o -name '*.svg' -o -name '*.sh' \) -print0 |
        sort -z | xargs -0 sha256sum
    sha256sum "$esm/layerscope_core.mjs" "$esm/layerscope_core.wasm" "$repo/examples/demo.tar" "$repo/examples/demo-oci.tar" 2>/dev/null
    echo "$esm"
} | sha256sum | cut -d' ' -f1)"
if [ -f dist/.stamp ] && [ "$(cat dist/.stamp)" = "$stamp" ] && [ -f dist/layerscope-standalone.html ]; then
    echo "web: up to date (web/dist)"
    exit 0
fi

# 3. Guard: archive data is only ever rendered as text (Lit text bindings).
if grep -rnE 'innerHTML|outerHTML|insertAdjacentHTML|unsafeHTML|unsafeSVG|unsafeCSS|document\.write' src ../wasm/*.ts; then
    echo "web/build.sh: markup sinks are not allowed in web/src or wasm/*.ts (render archive data as text)" >&2
    exit 1
fi

# 4. Type-check, then the two builds.
export LAYERSCOPE_WASM_DIR="$esm"
npx tsc --noEmit -p .
npx vite build --logLevel warn
npx vite build --mode single --logLevel warn
cp dist-single/index.html dist/layerscope-standalone.html
echo "$stamp" > dist/.stamp

size() { stat -c %s "$1"; }
gz() { gzip -9c "$1" | wc -c; }
js="$(ls dist/assets/index-*.js)"; worker="$(ls dist/assets/worker-*.js)"; wasm="$(ls dist/assets/*.wasm)"
printf 'web: built web/dist (main js %s B, gz %s; worker js %s B, gz %s; wasm %s B, gz %s)\n' \
    "$(size "$js")" "$(gz "$js")" "$(size "$worker")" "$(gz "$worker")" "$(size "$wasm")" "$(gz "$wasm")"
printf 'web: built web/dist/layerscope-standalone.html (%s B, gz %s)\n' \
    "$(size dist/layerscope-standalone.html)" "$(gz dist/layerscope-standalone.html)"
