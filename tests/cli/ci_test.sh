#!/usr/bin/env bash
# layerscope ci: PASS/FAIL per rule and the exit status, with thresholds just
# above and below the image's own figures (read from inspect --json, whose space
# figures space_test.py checks against an independent computation), dive's
# .dive-ci files (ratios, sizes with units, "disabled", ./.dive-ci picked up),
# and bad rules files and flags (exit 2).
#   tests/cli/ci_test.sh <layerscope binary> [fixtures dir]
. "$(dirname "$0")/lib.sh"
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")  # some checks run from another directory

"$BIN" inspect "$FEAT" --json >"$TMP/inspect.json" || { bad "inspect --json failed"; finish; exit; }
fig() { $PY -c 'import json,sys; s=json.load(open(sys.argv[1]))["images"][0]["space"]; print(eval(sys.argv[2], {}, s))' "$TMP/inspect.json" "$1"; }
EFF=$(fig efficiency)
WASTED=$(fig wasted_bytes)
UWP=$(fig user_wasted_percent)
[ "$WASTED" -gt 2000 ] || bad "the features fixture wastes $WASTED bytes; these checks need more than 2000"
above() { $PY -c "print(repr($1 + $2))"; }

# line RULE STATUS: the output has "  STATUS  RULE:"
has_line() { grep -q "^  $2  $1:" "$TMP/out"; }
run_ci() {  # run_ci WANT_EXIT DESCRIPTION RULE STATUS -- ARGS...
  local want=$1 what=$2 rule=$3 status=$4; shift 5
  expect_exit "$want" "$what" -- "$BIN" ci "$FEAT" "$@"
  if has_line "$rule" "$status"; then ok "$what: $rule $status"; else bad "$what: no '$status  $rule' line in: $(cat "$TMP/out")"; fi
}
LENIENT=(--lowest-efficiency 0 --highest-user-wasted-percent disabled)

run_ci 0 "efficiency at the threshold passes" lowestEfficiency PASS -- --lowest-efficiency "$EFF" --highest-user-wasted-percent disabled
run_ci 1 "efficiency just below the threshold fails" lowestEfficiency FAIL -- --lowest-efficiency "$(above "$EFF" 1e-6)" --highest-user-wasted-percent disabled
run_ci 0 "wasted bytes equal to the threshold pass" highestWastedBytes PASS -- "${LENIENT[@]}" --highest-wasted-bytes "$WASTED"
run_ci 1 "one byte over the threshold fails" highestWastedBytes FAIL -- "${LENIENT[@]}" --highest-wasted-bytes "$((WASTED - 1))"
run_ci 0 "user wasted ratio at the threshold passes" highestUserWastedPercent PASS -- --lowest-efficiency 0 --highest-user-wasted-percent "$UWP"
if [ "$($PY -c "print($UWP > 0)")" = True ]; then
  run_ci 1 "user wasted ratio above the threshold fails" highestUserWastedPercent FAIL -- --lowest-efficiency 0 --highest-user-wasted-percent "$($PY -c "print(repr($UWP - 1e-6))")"
fi
run_ci 0 "disabled rules are skipped" lowestEfficiency SKIP -- --lowest-efficiency disabled --highest-user-wasted-percent disabled
grep -q "^Result: PASS" "$TMP/out" && ok "Result: PASS line" || bad "no Result: PASS line: $(cat "$TMP/out")"

# .dive-ci files: sizes in dive's units (1000-based kB/MB, 1024-based KiB/MiB).
dive_ci() { printf 'rules:\n  lowestEfficiency: "0"\n  highestWastedBytes: %s\n  highestUserWastedPercent: disabled\n' "$1" >"$TMP/dive-ci"; }
for spec in "$WASTED" "$((WASTED - 1))" "$((WASTED / 1000))kB" "$((WASTED / 1000 + 1))KB" "$((WASTED / 1024))KiB" \
            "$((WASTED / 1024 + 1))kib" "1MB" "0.001 MB" "1GiB"; do
  dive_ci "$spec"
  want=$($PY - "$spec" "$WASTED" <<'PYEOF'
import re, sys
num, unit = re.fullmatch(r"([0-9.]+)\s*([A-Za-z]*)", sys.argv[1]).groups()
u = unit.lower().rstrip("b")
mult = 1 if not u else (1024 if u.endswith("i") else 1000) ** ("kmgtpe".index(u[0]) + 1)
print("FAIL" if int(sys.argv[2]) > float(num) * mult else "PASS")
PYEOF
)
  code=0; [ "$want" = FAIL ] && code=1
  run_ci "$code" ".dive-ci highestWastedBytes: $spec" highestWastedBytes "$want" -- --config "$TMP/dive-ci"
done
# Flags win over the file; comments and other keys are fine.
printf '# dive ci\nplugins: [x]\nrules:\n  lowestEfficiency: 1.01 # impossible\n  highestUserWastedPercent: disabled\n' >"$TMP/dive-ci"
run_ci 1 ".dive-ci lowestEfficiency 1.01 fails" lowestEfficiency FAIL -- --config "$TMP/dive-ci"
run_ci 0 "--lowest-efficiency overrides the file" lowestEfficiency PASS -- --config "$TMP/dive-ci" --lowest-efficiency 0.5
# ./.dive-ci is read when --config is not given (dive's default).
mkdir -p "$TMP/cwd" && cp "$TMP/dive-ci" "$TMP/cwd/.dive-ci"
( cd "$TMP/cwd" && "$BIN" ci "$FEAT" >"$TMP/out" 2>"$TMP/err" ); rc=$?
[ $rc -eq 1 ] && has_line lowestEfficiency FAIL && ok "./.dive-ci picked up" || bad "./.dive-ci not used (exit $rc): $(cat "$TMP/out")"
# With no file and no flags: dive's defaults (0.9, disabled, 0.1).
( cd "$TMP" && "$BIN" ci "$FEAT" >"$TMP/out" 2>"$TMP/err" )
has_line highestWastedBytes SKIP && grep -q "lowestEfficiency: .*0.9000 (default)" "$TMP/out" \
  && ok "defaults are dive's" || bad "defaults: $(cat "$TMP/out")"

# Bad input: exit 2, naming the file and line.
printf 'rules:\n  highestWastedBytes: 20 parsecs\n' >"$TMP/bad-unit"
expect_exit 2 "unknown unit in .dive-ci" -- "$BIN" ci "$FEAT" --config "$TMP/bad-unit"
grep -q "bad-unit:2" "$TMP/err" && ok "error names file:line" || bad "error: $(cat "$TMP/err")"
printf 'rules: [oops\n' >"$TMP/bad-yaml"
expect_exit 2 "malformed YAML" -- "$BIN" ci "$FEAT" --config "$TMP/bad-yaml"
printf 'rules:\n  lowestEfficiency: [0.9]\n' >"$TMP/bad-shape"
expect_exit 2 "a list where a value belongs" -- "$BIN" ci "$FEAT" --config "$TMP/bad-shape"
expect_exit 2 "missing rules file" -- "$BIN" ci "$FEAT" --config "$TMP/nope"
expect_exit 2 "bad --lowest-efficiency" -- "$BIN" ci "$FEAT" --lowest-efficiency high
expect_exit 2 "bad --fail-on" -- "$BIN" ci "$FEAT" --fail-on severe
expect_exit 2 "ci takes no --json" -- "$BIN" ci "$FEAT" --json
expect_exit 1 "missing archive" -- "$BIN" ci "$TMP/none.tar"
expect_exit 0 "ci --help" -- "$BIN" ci --help
expect_exit 0 "findings --help" -- "$BIN" findings --help
expect_exit 2 "findings takes one IMAGE" -- "$BIN" findings "$FEAT" 0 extra
finish
