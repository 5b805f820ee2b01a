#!/bin/sh
# Demo entrypoint: serves /srv/app/www with busybox httpd.
# Usage: entrypoint.sh [--port N]
port="${APP_PORT:-8080}"
if [ "$1" = "--port" ] && [ -n "$2" ]; then port="$2"; fi
echo "demo/app ${APP_VERSION} listening on :${port} (config: ${APP_CONFIG})"
exec /bin/httpd -f -p "${port}" -h /srv/app/www
