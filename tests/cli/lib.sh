# Shared by the tests/cli/*_test.sh scripts (sourced):
#   BIN FIX PY TMP, ok / bad / expect_exit, and finish (prints the count, sets the exit status).
#   tests/cli/X_test.sh <layerscope binary> [fixtures dir]   ($LAYERSCOPE_FIXTURES wins)
set -u
BIN=${1:?usage: $0 LAYERSCOPE_BINARY [FIXTURES_DIR]}
FIX=${LAYERSCOPE_FIXTURES:-${2:-$(dirname "$0")/../../../shared/fixtures}}
PY=${PYTHON:-python3}
TMP=$(mktemp -d /tmp/layerscope-cli-XXXXXX)
DOCKERD_PID=
trap '[ -n "$DOCKERD_PID" ] && kill "$DOCKERD_PID" 2>/dev/null && wait "$DOCKERD_PID" 2>/dev/null; rm -rf "$TMP"' EXIT

# docker_daemon: 0 when `docker` answers — the machine's daemon, or else (as root,
# with dockerd installed: Debian's docker.io) a private one started for this script
# (vfs storage under $TMP, no networking; stopped on exit). Prints why not otherwise.
docker_daemon() {
  command -v docker >/dev/null || { echo "# no docker client: docker load checks skipped"; return 1; }
  docker info >/dev/null 2>&1 && return 0
  command -v dockerd >/dev/null || { echo "# no docker daemon and no dockerd (apt-get install docker.io): docker load checks skipped"; return 1; }
  [ "$(id -u)" -eq 0 ] || { echo "# no docker daemon, and a private one needs root: docker load checks skipped"; return 1; }
  mkdir -p "$TMP/dockerd"
  dockerd --storage-driver=vfs --iptables=false --ip-masq=false --bridge=none \
    --data-root "$TMP/dockerd/root" --exec-root "$TMP/dockerd/exec" --pidfile "$TMP/dockerd/pid" \
    -H "unix://$TMP/dockerd/docker.sock" >"$TMP/dockerd/log" 2>&1 &
  DOCKERD_PID=$!
  export DOCKER_HOST="unix://$TMP/dockerd/docker.sock"
  for _ in $(seq 60); do
    docker info >/dev/null 2>&1 && { echo "# started a private dockerd ($(docker version -f '{{.Server.Version}}' 2>/dev/null))"; return 0; }
    kill -0 "$DOCKERD_PID" 2>/dev/null || break
    sleep 0.5
  done
  echo "# could not start a private dockerd: docker load checks skipped; its log: $(tail -c 300 "$TMP/dockerd/log" | tr '\n' ' ')"
  kill "$DOCKERD_PID" 2>/dev/null; DOCKERD_PID=
  return 1
}

fails=0 checks=0
ok()   { checks=$((checks + 1)); echo "ok   - $*"; }
bad()  { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL - $*"; }
# expect_exit CODE DESCRIPTION -- COMMAND...
expect_exit() {
  local want=$1 what=$2; shift 3
  "$@" >"$TMP/out" 2>"$TMP/err"
  local got=$?
  if [ "$got" -eq "$want" ]; then ok "$what (exit $got)"
  else bad "$what: exit $got, want $want; stderr: $(head -c 400 "$TMP/err")"; fi
}
finish() {
  echo "$((checks - fails))/$checks checks passed"
  [ "$fails" -eq 0 ]
}

# docker_loads OUT TAG DIFF_IDS_JSON WHAT: docker load accepts it, and the loaded image's
# layers are the diff_ids (docker hashes each layer it unpacks).
docker_loads() {
  expect_exit 0 "$4: docker load accepts it" -- docker load -i "$1"
  local ref=$2
  [ -n "$ref" ] || ref=$(sed -n 's/^Loaded image ID: //p; s/^Loaded image: //p' "$TMP/out" | tail -1)
  if [ -n "$ref" ] && docker image inspect -f '{{json .RootFS.Layers}}' "$ref" >"$TMP/layers.json" 2>"$TMP/err" &&
     $PY -c "import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.loads(sys.argv[2]))" "$TMP/layers.json" "$3"; then
    ok "$4: docker's layers of the loaded image are the diff_ids"
  else bad "$4: docker's layers differ: $(head -c 300 "$TMP/layers.json") $(head -c 200 "$TMP/err")"; fi
  [ -n "$ref" ] && docker rmi -f "$ref" >/dev/null 2>&1
}

# docker_diff_ids OUT [TAG]: the rootfs.diff_ids of a docker-archive's image (its config, read by Python).
docker_diff_ids() {
  $PY - "$1" "${2:-}" <<'PY'
import json, sys, tarfile
t = tarfile.open(sys.argv[1])
m = json.load(t.extractfile("manifest.json"))
e = next((x for x in m if not sys.argv[2] or sys.argv[2] in (x.get("RepoTags") or [])), m[0])
print(json.dumps(json.load(t.extractfile(e["Config"]))["rootfs"]["diff_ids"]))
PY
}

FEAT="$FIX/docker20-save-features.tar"
MULTI="$FIX/docker20-save-multi-2images-3tags.tar"
for f in "$FEAT" "$MULTI"; do
  [ -f "$f" ] || { echo "FAIL - fixture missing: $f"; exit 1; }
done
