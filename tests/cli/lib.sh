# Shared by the tests/cli/*_test.sh scripts (sourced):
#   BIN FIX PY TMP, ok / bad / expect_exit, and finish (prints the count, sets the exit status).
#   tests/cli/X_test.sh <layerscope binary> [fixtures dir]   ($LAYERSCOPE_FIXTURES wins)
set -u
BIN=${1:?usage: $0 LAYERSCOPE_BINARY [FIXTURES_DIR]}
FIX=${LAYERSCOPE_FIXTURES:-${2:-$(dirname "$0")/../../../shared/fixtures}}
PY=${PYTHON:-python3}
TMP=$(mktemp -d /tmp/layerscope-cli-XXXXXX)
trap 'rm -rf "$TMP"' EXIT

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

FEAT="$FIX/docker20-save-features.tar"
MULTI="$FIX/docker20-save-multi-2images-3tags.tar"
for f in "$FEAT" "$MULTI"; do
  [ -f "$f" ] || { echo "FAIL - fixture missing: $f"; exit 1; }
done
