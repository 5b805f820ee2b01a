#!/usr/bin/env bash
# Browser end-to-end tests (Playwright + Debian chromium) on the built app.
#
#   web/test-e2e.sh [playwright args…]     e.g. web/test-e2e.sh -g fixtures
#
# Needs web/dist (make web). As root, installs chromium (scripts/setup.sh --browser)
# and umoci + skopeo (for the generated ~400 MB archive) when missing.
# Artifacts: test-results/screenshots/*.png, test-results/large-archive.json,
# test-results/playwright/ (traces of failures).
set -euo pipefail

web="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$web/.." && pwd)"

if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" -eq 0 ]; then "$repo/scripts/setup.sh" --browser
    else echo "web/test-e2e.sh: chromium missing: run scripts/setup.sh --browser as root" >&2; exit 1; fi
fi
if ! command -v umoci >/dev/null || ! command -v skopeo >/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq umoci skopeo >/dev/null \
            || echo "web/test-e2e.sh: could not install umoci/skopeo: the large-archive test will be skipped" >&2
    else
        echo "web/test-e2e.sh: umoci/skopeo missing: the large-archive test will be skipped" >&2
    fi
fi

if [ ! -f "$web/dist/index.html" ] || [ ! -f "$web/dist/layerscope-standalone.html" ]; then
    "$web/build.sh"
fi
if [ ! -d "$web/node_modules/@playwright/test" ]; then
    (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
fi

# A free loopback port for the app server (another run, or a dev server, may hold 4173).
if [ -z "${LAYERSCOPE_E2E_PORT:-}" ]; then
    LAYERSCOPE_E2E_PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
    export LAYERSCOPE_E2E_PORT
fi

cd "$web"
exec npx playwright test "$@"
