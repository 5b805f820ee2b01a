#!/usr/bin/env bash
# diff: every row checked against an independent merge + diff written with
# Python's tarfile (tests/cli/diff_check.py), on the fixtures (layer ranges and
# --against between the two images of the multi-image save) and on an archive
# built here with the cases the fixtures lack; exit codes; text output.
source "$(dirname "$0")/lib.sh"
CHECK="$(dirname "$0")/diff_check.py"
shopt -s nullglob

# check_diff NAME ARCHIVE DIGEST -- diff args... ; compares `diff --json` with diff_check.py
check_diff() {
  local what=$1 archive=$2; shift 2
  local check_args=("$@")
  local digest=${check_args[0]}
  local cli_args
  if [ "${check_args[1]}" = "--against" ]; then
    cli_args=("$digest" --against "${check_args[2]}" "${check_args[3]}" ${check_args[4]:+"${check_args[4]}"})
  else
    cli_args=("$digest" --from "${check_args[1]}")
    [ "${check_args[2]}" != "-1" ] && cli_args+=(--to "${check_args[2]}")
    [ -n "${check_args[3]:-}" ] && cli_args+=("${check_args[3]}")
  fi
  if ! "$BIN" diff "$archive" "${cli_args[@]}" --json >"$TMP/d.json" 2>"$TMP/err"; then
    bad "$what: diff failed: $(head -c 300 "$TMP/err")"; return
  fi
  if msg=$($PY "$CHECK" "$TMP/d.json" "$archive" "${check_args[@]}"); then ok "$what: $msg"
  else bad "$what: $msg"; fi
}

digests() { $PY -c 'import json,sys; print(" ".join(i["config_digest"] for i in json.load(open(sys.argv[1]))["images"]))' "$1"; }
layers() { $PY -c 'import json,sys; print([i for i in json.load(open(sys.argv[1]))["images"] if i["config_digest"]==sys.argv[2]][0]["layer_count"])' "$1" "$2"; }

# ---- fixtures: every layer step, the whole image against the empty filesystem, a subtree
for f in "$FIX"/*.tar; do
  name=$(basename "$f" .tar)
  for d in $(digests "$FIX/$name.truth.json"); do
    n=$(layers "$FIX/$name.truth.json" "$d")
    check_diff "$name ${d:7:8} empty..top" "$f" "$d" -1 -1
    # Every layer step where the layouts differ (legacy, OCI gzip, umoci's whiteouts); the rest cost time only.
    case "$name" in docker20-save-features|buildah-oci-archive-gzip-features|umoci-*)
      for ((k = 0; k + 1 < n; k++)); do check_diff "$name ${d:7:8} $k..$((k + 1))" "$f" "$d" "$k" "$((k + 1))"; done ;;
    esac
    [ "$n" -gt 1 ] && check_diff "$name ${d:7:8} 0..top below /etc" "$f" "$d" 0 -1 /etc
  done
done

# ---- --against: the two images of one archive (and the archive against itself)
read -r -a MD <<<"$(digests "$FIX/docker20-save-multi-2images-3tags.truth.json")"
check_diff "multi: image 0 against image 1" "$MULTI" "${MD[0]}" --against "$MULTI" "${MD[1]}"
check_diff "multi: image 1 against image 0" "$MULTI" "${MD[1]}" --against "$MULTI" "${MD[0]}"
check_diff "features against multi's features" "$FEAT" "${MD[0]}" --against "$MULTI" "${MD[0]}"
"$BIN" diff "$MULTI" "${MD[0]}" --against "$MULTI" "${MD[1]}" --json >"$TMP/a.json" 2>"$TMP/err"
if msg=$($PY - "$TMP/a.json" "$FIX/docker20-save-multi-2images-3tags.truth.json" <<'PYEOF'
import json, sys
j = json.load(open(sys.argv[1])); t = json.load(open(sys.argv[2]))
a, b = t["images"]
errs = []
# shared layers: equal diff_ids, from the truth
want = [(i, k) for k, d in enumerate(b["diff_ids"]) for i, e in enumerate(a["diff_ids"]) if e == d]
got = [(s["layer_before"], s["layer_after"]) for s in j["shared_layers"]]
if got != want: errs.append("shared %r, want %r" % (got, want))
# config: env by name, labels, ports, cmd/entrypoint/workdir/user as values
def env(i): return dict(e.split("=", 1) for e in (i.get("env") or []))
cfg = {(c["field"], c.get("key")): c for c in j["config"]}
for k in set(env(a)) | set(env(b)):
    if env(a).get(k) != env(b).get(k) and ("env", k) not in cfg: errs.append("env %s not reported" % k)
for k, v in cfg.items():
    if k[0] == "env" and env(a).get(k[1]) == env(b).get(k[1]): errs.append("env %s reported, same" % k[1])
for field, key in (("cmd", "cmd"), ("entrypoint", "entrypoint"), ("workdir", "working_dir"), ("user", "user")):
    same = (a.get(key) or None) == (b.get(key) or None)
    if same == ((field, None) in cfg): errs.append("%s reported=%s, same=%s" % (field, (field, None) in cfg, same))
for k in set(a.get("labels") or {}) | set(b.get("labels") or {}):
    if (a.get("labels") or {}).get(k) != (b.get("labels") or {}).get(k) and ("labels", k) not in cfg:
        errs.append("label %s not reported" % k)
# history: the leading steps with the same created_by
ha, hb = a["history"], b["history"]
common = 0
while common < min(len(ha), len(hb)) and ha[common].get("created_by") == hb[common].get("created_by") \
        and ha[common].get("empty_layer", False) == hb[common].get("empty_layer", False):
    common += 1
if j["history_common"] != common: errs.append("history_common %r, want %d" % (j["history_common"], common))
if len(j["history"]) != len(ha) + len(hb) - 2 * common: errs.append("history rows %d" % len(j["history"]))
if j["kind"] != "images": errs.append("kind %r" % j["kind"])
print("; ".join(errs) or "config, history, shared layers match the truth")
sys.exit(1 if errs else 0)
PYEOF
); then ok "multi --against sections: $msg"; else bad "multi --against sections: $msg"; fi

# ---- a generated archive with the cases the fixtures lack
$PY - "$TMP/gen.tar" <<'PYEOF'
import hashlib, io, json, sys, tarfile
def layer(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, kind, data, extra in entries:
            ti = tarfile.TarInfo(name)
            ti.mtime = extra.get("mtime", 1700000000)
            ti.mode = extra.get("mode", 0o755 if kind == "dir" else 0o644)
            ti.uid = extra.get("uid", 0); ti.gid = extra.get("gid", 0)
            if kind == "dir": ti.type = tarfile.DIRTYPE; t.addfile(ti)
            elif kind == "sym": ti.type = tarfile.SYMTYPE; ti.linkname = data; t.addfile(ti)
            elif kind == "hard": ti.type = tarfile.LNKTYPE; ti.linkname = data; t.addfile(ti)
            else: ti.size = len(data); t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()
E = {}
l0 = layer([
    ("app", "dir", b"", E), ("app/same-size.txt", "file", b"hello world", E),
    ("app/mode.txt", "file", b"mode", E), ("app/owner.txt", "file", b"owner", E),
    ("app/rewrite.txt", "file", b"identical bytes", E), ("app/mtime.txt", "file", b"only mtime", E),
    ("app/f2d", "file", b"was a file", E), ("app/d2s", "dir", b"", E), ("app/d2s/child", "file", b"c", E),
    ("app/opq", "dir", b"", E), ("app/opq/x", "file", b"x", E), ("app/opq/y", "file", b"y", E),
    ("app/gone", "dir", b"", E), ("app/gone/a", "file", b"a", E), ("app/gone/sub", "dir", b"", E),
    ("app/gone/sub/b", "file", b"b", E), ("app/link", "sym", "same-size.txt", E),
    ("app/t1", "file", b"target one", E), ("app/h1", "hard", "app/t1", E),
    ("app/grow.txt", "file", b"short", E),
    ("app/bin", "file", b"\x7fELF\0\0abcdefghijklmnopqrstuvwxyz0123456789", E)])
l1 = layer([
    ("app/same-size.txt", "file", b"hello WORLD", E),
    ("app/mode.txt", "file", b"mode", {"mode": 0o600}),
    ("app/owner.txt", "file", b"owner", {"uid": 1000, "gid": 1000}),
    ("app/rewrite.txt", "file", b"identical bytes", E),
    ("app/mtime.txt", "file", b"only mtime", {"mtime": 1800000000}),
    ("app/.wh.f2d", "file", b"", E), ("app/f2d", "dir", b"", E),
    ("app/d2s", "sym", "/tmp", E),
    ("app/opq/.wh..wh..opq", "file", b"", E), ("app/opq/z", "file", b"z", E),
    ("app/.wh.gone", "file", b"", E),
    ("app/link", "sym", "mode.txt", E),
    ("app/t2", "file", b"target two", E), ("app/h2", "hard", "app/t2", E),
    ("app/h1", "file", b"target one", E),
    ("app/grow.txt", "file", b"much longer now", E),
    ("app/bin", "file", b"\x7fELF\0\0abcdefghijklmnopqrstuvwxyz#123456789", E)])
layers = [l0, l1]
ids = ["sha256:" + hashlib.sha256(l).hexdigest() for l in layers]
cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Env": ["PATH=/bin"]},
                  "rootfs": {"type": "layers", "diff_ids": ids},
                  "history": [{"created_by": "step %d" % i} for i in range(2)]}).encode()
cid = hashlib.sha256(cfg).hexdigest()
members = [(cid + ".json", cfg)]
for i, l in enumerate(layers):
    members.append(("l%d/layer.tar" % i, l))
members.append(("manifest.json", json.dumps([{"Config": cid + ".json", "RepoTags": ["gen:1"],
                                              "Layers": ["l%d/layer.tar" % i for i in range(2)]}]).encode()))
with tarfile.open(sys.argv[1], "w") as t:
    for name, data in members:
        ti = tarfile.TarInfo(name); ti.size = len(data); t.addfile(ti, io.BytesIO(data))
PYEOF
GEN="$TMP/gen.tar"
GD=$("$BIN" inspect "$GEN" --json | $PY -c 'import json,sys; print(json.load(sys.stdin)["images"][0]["config_digest"])')
check_diff "generated 0..1" "$GEN" "$GD" 0 1
check_diff "generated empty..1" "$GEN" "$GD" -1 1
# The facts the archive was built with (not read back from our output).
"$BIN" diff "$GEN" --from 0 --json >"$TMP/g.json"
if msg=$($PY - "$TMP/g.json" <<'PYEOF'
import json, sys
rows = {r["path"]: r for r in json.load(open(sys.argv[1]))["changes"]}
want = {"app/same-size.txt": ["content"], "app/mode.txt": ["mode"], "app/owner.txt": ["owner"],
        "app/f2d": ["size", "type"], "app/d2s": ["type"], "app/link": ["link"],
        "app/grow.txt": ["content", "size"], "app/bin": ["content"]}
errs = []
for p, w in want.items():
    if p not in rows or rows[p]["change"] != "modified" or sorted(rows[p]["what"]) != w:
        errs.append("%s: %r, want modified %r" % (p, rows.get(p), w))
for p in ("app/rewrite.txt", "app/mtime.txt", "app/h1", "app/opq"):
    if p in rows: errs.append("%s reported: %r" % (p, rows[p]))
for p in ("app/d2s/child", "app/opq/x", "app/opq/y", "app/gone", "app/gone/a", "app/gone/sub", "app/gone/sub/b"):
    if rows.get(p, {}).get("change") != "deleted": errs.append("%s not deleted" % p)
for p in ("app/opq/z", "app/t2", "app/h2"):
    if rows.get(p, {}).get("change") != "added": errs.append("%s not added" % p)
if rows.get("app/h2", {}).get("type") != "hardlink" or rows.get("app/h2", {}).get("size_after") != 10:
    errs.append("h2 %r" % rows.get("app/h2"))
if rows["app/same-size.txt"]["size_before"] != 11 or rows["app/same-size.txt"]["size_after"] != 11:
    errs.append("sizes of same-size.txt")
print("; ".join(errs) or "each built case reported as built")
sys.exit(1 if errs else 0)
PYEOF
); then ok "generated cases: $msg"; else bad "generated cases: $msg"; fi

# ---- the documents against docs/schema/diff.schema.json (when python3-jsonschema is there)
"$BIN" diff "$GEN" --from 0 /app/bin --content --json >"$TMP/c1.json"
"$BIN" diff "$GEN" --from 0 /app/same-size.txt --content --json >"$TMP/c2.json"
if $PY -c 'import jsonschema' 2>/dev/null; then
  if msg=$($PY - "$(dirname "$0")/../../docs/schema/diff.schema.json" "$TMP/g.json" "$TMP/a.json" "$TMP/c1.json" "$TMP/c2.json" <<'PYEOF'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
for f in sys.argv[2:]:
    jsonschema.validate(json.load(open(f)), schema)
print("%d documents valid" % (len(sys.argv) - 2))
PYEOF
  ); then ok "schema: $msg"; else bad "schema: $msg"; fi
fi
if msg=$($PY - "$TMP/c1.json" "$TMP/c2.json" <<'PYEOF'
import json, sys
b, t = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
errs = []
# app/bin: 42 bytes built with byte 32 changed from "0" to "#"
if not b["binary"] or b["first_difference"] != 32: errs.append("binary %r" % b)
w = 32 - b["window_offset"]
if bytes.fromhex(b["window_after"])[w:w + 1] != b"#" or bytes.fromhex(b["window_before"])[w:w + 1] != b"0":
    errs.append("windows %r" % b)
if t["binary"] or "-hello world" not in t["unified"] or "+hello WORLD" not in t["unified"]: errs.append("text %r" % t)
print("; ".join(errs) or "binary window and text lines as built")
sys.exit(1 if errs else 0)
PYEOF
); then ok "content: $msg"; else bad "content: $msg"; fi

# ---- text output and exit codes
expect_exit 0 "diff with differences exits 0" -- "$BIN" diff "$GEN" --from 0
grep -q '^C /app/same-size.txt (content)  11B$' "$TMP/out" && ok "text: C line with what and size" \
  || bad "text: no 'C /app/same-size.txt (content)  11B' line: $(head -5 "$TMP/out")"
grep -q '^D /app/gone/a  1B$' "$TMP/out" && ok "text: D line" || bad "text: no D line"
grep -q '^C /app/grow.txt (size, content)  5B -> 15B$' "$TMP/out" && ok "text: sizes before -> after" \
  || bad "text: grow.txt line: $(grep grow "$TMP/out")"
grep -q '^[0-9]* added, [0-9]* modified, [0-9]* deleted' "$TMP/out" && ok "text: summary line" || bad "text: summary"
expect_exit 0 "no differences exits 0" -- "$BIN" diff "$GEN" --from 1 --to 1
grep -q '^0 added, 0 modified, 0 deleted' "$TMP/out" && ok "same layer: nothing differs" || bad "same layer: $(cat "$TMP/out")"
expect_exit 2 "diff without --from or --against" -- "$BIN" diff "$GEN"
expect_exit 2 "diff with both --from and --against" -- "$BIN" diff "$GEN" --from 0 --against "$GEN"
expect_exit 2 "--from -2" -- "$BIN" diff "$GEN" --from -2
expect_exit 2 "--to without --from" -- "$BIN" diff "$GEN" --to 1 --against "$GEN"
expect_exit 2 "a foreign flag" -- "$BIN" diff "$GEN" --from 0 --merged
expect_exit 1 "--to past the top" -- "$BIN" diff "$GEN" --from 0 --to 7
grep -q "layer 7 does not exist" "$TMP/err" && ok "names the missing layer" || bad "error: $(cat "$TMP/err")"
expect_exit 1 "a PATH in neither image" -- "$BIN" diff "$GEN" --from 0 /no/such
expect_exit 1 "OTHER missing" -- "$BIN" diff "$GEN" --against "$TMP/nope.tar"
expect_exit 0 "diff --help" -- "$BIN" diff --help

finish
