#!/usr/bin/env bash
# history --json against every fixture's truth: the versioned document, one step
# per history entry in config order, created_by and empty_layer as recorded.
source "$(dirname "$0")/lib.sh"
shopt -s nullglob
ALL=("$FIX"/*.tar)

for f in "${ALL[@]}"; do
  name=$(basename "$f" .tar)
  for digest in $($PY -c 'import json,sys; print(" ".join(i["config_digest"] for i in json.load(open(sys.argv[1]))["images"]))' "$FIX/$name.truth.json"); do
    if ! "$BIN" history "$f" "$digest" --json >"$TMP/h.json" 2>"$TMP/err"; then
      bad "history --json $name ${digest:7:12} failed: $(head -c 300 "$TMP/err")"; continue
    fi
    if msg=$($PY - "$TMP/h.json" "$FIX/$name.truth.json" "$digest" <<'PYEOF'
import json, sys
j = json.load(open(sys.argv[1])); t = json.load(open(sys.argv[2]))
ti = [i for i in t["images"] if i["config_digest"] == sys.argv[3]][0]
errs = []
def check(c, m):
    if not c: errs.append(m)
check(j.get("schema_version") == 1, "schema_version %r" % j.get("schema_version"))
check(j.get("config_digest") == ti["config_digest"], "config_digest %r" % j.get("config_digest"))
check(j.get("id") == ti["config_digest"][7:19], "id %r" % j.get("id"))
h = j.get("history", [])
check(len(h) == ti["history_count"], "%d steps, want %d" % (len(h), ti["history_count"]))
for s, th in zip(h, ti["history"]):
    check(s["created_by"] == th.get("created_by", ""), "created_by %r" % s["created_by"])
    check(s["empty_layer"] == th.get("empty_layer", False), "empty_layer of %r" % s["created_by"])
    check((s["layer"] is None) == s["empty_layer"], "layer %r of %r" % (s["layer"], s["created_by"]))
    check(s["created"] == th.get("created"), "created %r" % s["created"])
layers = [s["layer"] for s in h if s["layer"] is not None]
check(layers == list(range(ti["layer_count"])), "layers %r" % layers)
print("; ".join(errs)[:1500])
sys.exit(1 if errs else 0)
PYEOF
    ); then ok "history --json $name ${digest:7:12} matches the truth"
    else bad "history --json $name ${digest:7:12}: $msg"; fi
  done
done

finish
