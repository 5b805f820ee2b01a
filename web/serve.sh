#!/usr/bin/env bash
# Serves the built app on http://127.0.0.1:PORT/ (default 8080, or the next free port)
# with a strict Content-Security-Policy; prints the URL. Build first: make web.
#   web/serve.sh [--port N]
set -euo pipefail
web="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ -f "$web/dist/index.html" ] || { echo "web/serve.sh: no build in web/dist (run: make web)" >&2; exit 1; }
exec node "$web/serve.mjs" --dir "$web/dist" "$@"
