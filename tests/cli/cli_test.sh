#!/usr/bin/env bash
# CLI facts: exit codes, `inspect --json` shape against the truth files,
# docker-like `images`/`history` output, `cat` bytes against tar.
#   tests/cli/cli_test.sh <layerscope binary> [fixtures dir]   ($LAYERSCOPE_FIXTURES wins)
. "$(dirname "$0")/lib.sh"

FEAT="$FIX/docker20-save-features.tar"
MULTI="$FIX/docker20-save-multi-2images-3tags.tar"
for f in "$FEAT" "$MULTI"; do
  [ -f "$f" ] || { echo "FAIL - fixture missing: $f"; exit 1; }
done
shopt -s nullglob
ALL=("$FIX"/*.tar)
[ ${#ALL[@]} -gt 0 ] || { echo "FAIL - no fixtures in $FIX"; exit 1; }

# ---------------------------------------------------------------- exit codes
expect_exit 0 "--help"                          -- "$BIN" --help
expect_exit 0 "--version"                       -- "$BIN" --version
expect_exit 2 "no arguments is a usage error"   -- "$BIN"
expect_exit 2 "unknown command"                 -- "$BIN" frobnicate "$FEAT"
expect_exit 2 "unknown option"                  -- "$BIN" inspect "$FEAT" --bogus
expect_exit 2 "command without ARCHIVE"         -- "$BIN" inspect
expect_exit 2 "--layer needs a number"          -- "$BIN" ls "$FEAT" --layer abc
expect_exit 2 "cat without PATH"                -- "$BIN" cat "$FEAT"
expect_exit 2 "bad images filter"               -- "$BIN" images "$MULTI" -f nonsense
expect_exit 1 "missing archive"                 -- "$BIN" inspect "$TMP/does-not-exist.tar"
expect_exit 1 "not an archive"                  -- "$BIN" inspect "$FIX/docker20-save-features.truth.json"
expect_exit 1 "unknown image ref"               -- "$BIN" history "$MULTI" no/such:image
expect_exit 1 "ambiguous image (2 images, none named)" -- "$BIN" history "$MULTI"
expect_exit 1 "cat of a missing path"           -- "$BIN" cat "$FEAT" /no/such/file
expect_exit 1 "cat of a directory"              -- "$BIN" cat "$FEAT" /srv/app
expect_exit 1 "ls of a layer that does not exist" -- "$BIN" ls "$FEAT" --layer 99
expect_exit 0 "ls merged"                       -- "$BIN" ls "$FEAT"
expect_exit 0 "history by tag"                  -- "$BIN" history "$MULTI" fixture/tiny:2

# ---------------------------------------------------------------- output that cannot be written
# Into /dev/full: a failed write is exit 1 with a message, never exit 0.
if [ -w /dev/full ]; then
  for cmd in "cat $FEAT /etc/app/config.ini" "ls $FEAT" "inspect $FEAT --json"; do
    # shellcheck disable=SC2086
    "$BIN" $cmd >/dev/full 2>"$TMP/err"; rc=$?
    if [ "$rc" -eq 1 ] && grep -q "cannot write to standard output: No space left on device" "$TMP/err"; then
      ok "${cmd%% *} into /dev/full (exit 1, says why)"
    else bad "${cmd%% *} into /dev/full: exit $rc; stderr: $(head -c 300 "$TMP/err")"; fi
  done
fi

# ---------------------------------------------------------------- --limit
expect_exit 2 "--limit with a bad number"       -- "$BIN" inspect "$FEAT" --limit entries=x
expect_exit 2 "--limit with an unknown name"    -- "$BIN" inspect "$FEAT" --limit nope=3
expect_exit 2 "--limit of zero"                 -- "$BIN" inspect "$FEAT" --limit entries=0
expect_exit 1 "--limit members=3 refuses the archive" -- "$BIN" inspect "$FEAT" --limit members=3
if grep -q "error: limit: more than 3 members" "$TMP/err" && grep -q -- "--limit NAME=N" "$TMP/err"; then
  ok "a reached bound names itself and how to raise it"
else bad "limit error text: $(head -c 400 "$TMP/err")"; fi
expect_exit 1 "--limit entries=10 refuses the archive" -- "$BIN" inspect "$FEAT" --limit entries=10
expect_exit 0 "raised limits (K/M suffixes) accept it" -- "$BIN" inspect "$FEAT" --limit entries=1M --limit json-bytes=64K
expect_exit 1 "--limit json-bytes=100 refuses its manifest.json" -- "$BIN" inspect "$FEAT" --limit json-bytes=100

# ---------------------------------------------------------------- inspect --json vs truth
for f in "${ALL[@]}"; do
  name=$(basename "$f" .tar)
  truth="$FIX/$name.truth.json"
  if ! "$BIN" inspect "$f" --json >"$TMP/$name.json" 2>"$TMP/err"; then
    bad "inspect --json $name failed: $(head -c 300 "$TMP/err")"; continue
  fi
  if ! $PY -m json.tool "$TMP/$name.json" >/dev/null 2>"$TMP/err"; then
    bad "inspect --json $name is not valid JSON: $(head -c 300 "$TMP/err")"; continue
  fi
  if msg=$($PY - "$TMP/$name.json" "$truth" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1])); t = json.load(open(sys.argv[2]))
errs = []
def check(c, m):
    if not c: errs.append(m)
layout = {"docker-archive legacy": "docker-legacy", "docker-archive flat": "docker-archive",
          "docker-oci-hybrid": "docker-oci-hybrid", "oci-archive": "oci-archive"}
want_layout = next(v for k, v in layout.items() if t["layout"].startswith(k))
check(j.get("schema_version") == 1, "schema_version %r" % j.get("schema_version"))
check(j.get("layout") == want_layout, "layout %r, want %r" % (j.get("layout"), want_layout))
check(isinstance(j.get("warnings"), list), "warnings is not a list")
check(j.get("warnings") == [], "warnings on a well-formed fixture: %r" % j.get("warnings"))
check(len(j.get("images", [])) == t["image_count"], "image count")
def norm(p):
    return "/".join(c for c in p.split("/") if c not in ("", "."))
for ti in t["images"]:
    im = [i for i in j["images"] if i.get("config_digest") == ti["config_digest"]]
    if len(im) != 1:
        errs.append("no image %s" % ti["config_digest"]); continue
    im = im[0]
    tags = set(ti.get("repo_tags") or ti.get("ref_names") or [])
    check(set(im["tags"]) == tags, "tags %r, want %r" % (im["tags"], sorted(tags)))
    check(len(im["history"]) == ti["history_count"], "history length")
    for h, th in zip(im["history"], ti["history"]):
        check(h["created_by"] == th.get("created_by", ""), "created_by %r" % h["created_by"])
        check(h["empty_layer"] == th.get("empty_layer", False), "empty_layer of %r" % h["created_by"])
    check(len(im["layers"]) == ti["layer_count"], "layer count")
    for l, tl in zip(im["layers"], ti["layers"]):
        check(sorted(l["whiteouts"]) == sorted(norm(w) for w in tl["whiteouts"]),
              "whiteouts %r, want %r" % (l["whiteouts"], tl["whiteouts"]))
        check(sorted(l["opaque_dirs"]) == sorted(norm(w) for w in tl["opaque_dirs"]), "opaque_dirs")
        check(l["diff_id"] == tl["config_diff_id"], "diff_id")
        check(l["compression"] == tl["compression"], "compression %r" % l["compression"])
        check(l["uncompressed_size"] == tl["uncompressed_size"], "uncompressed_size")
print("; ".join(errs))
sys.exit(1 if errs else 0)
EOF
  ); then ok "inspect --json $name matches the truth"
  else bad "inspect --json $name: $msg"; fi
done

# ---------------------------------------------------------------- images
want_ids=$($PY -c '
import json,sys
t=json.load(open(sys.argv[1]))
print("\n".join(sorted({i["config_digest"][7:19] for i in t["images"]})))' "$FIX/docker20-save-multi-2images-3tags.truth.json")
got_ids=$("$BIN" images "$MULTI" -q | sort)
if [ "$got_ids" = "$want_ids" ]; then ok "images -q lists the 12-hex image IDs once each"
else bad "images -q: got [$got_ids], want [$want_ids]"; fi

"$BIN" images "$MULTI" -f dangling=false >"$TMP/images" 2>&1
head -1 "$TMP/images" | grep -Eq '^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE' \
  && ok "images header has docker's columns" || bad "images header: $(head -1 "$TMP/images")"
rows=$(tail -n +2 "$TMP/images" | awk '{print $1":"$2}' | sort | tr '\n' ' ')
want_rows=$($PY -c '
import json,sys
t=json.load(open(sys.argv[1]))
print(" ".join(sorted(x for i in t["images"] for x in i["repo_tags"])) + " ")' "$FIX/docker20-save-multi-2images-3tags.truth.json")
[ "$rows" = "$want_rows" ] && ok "images -f dangling=false: one row per tag" || bad "images rows [$rows], want [$want_rows]"
n=$("$BIN" images "$MULTI" -f dangling=true | tail -n +2 | wc -l)
[ "$n" -eq 0 ] && ok "images -f dangling=true: none (all tagged)" || bad "dangling=true listed $n rows"

# before/since compare the truth's `created` times; label filters read the config's Labels.
read -r feat_id tiny_id newer older < <($PY -c '
import json,sys
t=json.load(open(sys.argv[1]))
im={i["repo_tags"][0]:i for i in t["images"]}
f,ti=im["fixture/features:1.0"],im["fixture/tiny:2"]
newer,older=(ti,f) if ti["created"]>f["created"] else (f,ti)
print(f["config_digest"][7:19], ti["config_digest"][7:19], newer["config_digest"][7:19], older["config_digest"][7:19])'   "$FIX/docker20-save-multi-2images-3tags.truth.json")
got=$("$BIN" images "$MULTI" -q -f since=fixture/features:1.0 | tr '\n' ' ')
want=$([ "$newer" = "$tiny_id" ] && echo "$tiny_id " || echo "")
[ "$got" = "$want" ] && ok "images -f since=REF: only newer images" || bad "since: got [$got], want [$want]"
got=$("$BIN" images "$MULTI" -q -f before=fixture/tiny:2 | tr '\n' ' ')
want=$([ "$older" = "$feat_id" ] && echo "$feat_id " || echo "")
[ "$got" = "$want" ] && ok "images -f before=REF: only older images" || bad "before: got [$got], want [$want]"
title=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["images"][0]["labels"]["org.opencontainers.image.title"])' "$FIX/docker20-save-multi-2images-3tags.truth.json")
got=$("$BIN" images "$MULTI" -q -f "label=org.opencontainers.image.title=$title" | tr '\n' ' ')
[ "$got" = "$feat_id " ] && ok "images -f label=K=V" || bad "label=K=V: got [$got], want [$feat_id ]"
got=$("$BIN" images "$MULTI" -q -f label=no.such.label | wc -l)
[ "$got" -eq 0 ] && ok "images -f label=K with no match: empty" || bad "label=K: $got rows"
"$BIN" images "$MULTI" -f bogus=1 >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] && ok "images unknown filter: usage error (2)" || bad "unknown filter exit $rc"

# ---------------------------------------------------------------- history
"$BIN" history "$FEAT" >"$TMP/history" 2>&1
head -1 "$TMP/history" | grep -Eq '^IMAGE +CREATED +CREATED BY +SIZE +COMMENT' \
  && ok "history header has docker's columns" || bad "history header: $(head -1 "$TMP/history")"
want_h=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["images"][0]["history_count"])' "$FIX/docker20-save-features.truth.json")
got_h=$(($(wc -l <"$TMP/history") - 1))
[ "$got_h" -eq "$want_h" ] && ok "history: one row per step ($got_h)" || bad "history rows $got_h, want $want_h"
# docker history: newest first; the newest row carries the image ID, older ones <missing>.
want_first=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["images"][0]["config_digest"][7:19])' "$FIX/docker20-save-features.truth.json")
sed -n 2p "$TMP/history" | grep -q "^$want_first " && ok "history: newest step first with the image ID" \
  || bad "history first row: $(sed -n 2p "$TMP/history")"
sed -n 3p "$TMP/history" | grep -q '^<missing> ' && ok "history: older steps are <missing>" \
  || bad "history second row: $(sed -n 3p "$TMP/history")"
"$BIN" history "$FEAT" --json | $PY -m json.tool >/dev/null 2>&1 && ok "history --json is valid JSON" \
  || bad "history --json is not valid JSON"

# ---------------------------------------------------------------- cat vs tar
member=$($PY -c '
import json,sys
t=json.load(open(sys.argv[1]))
ls=[l for l in t["images"][0]["layers"] if any(e["path"]=="etc/app/config.ini" for e in l["entries"])]
print(ls[-1]["resolved_path"])' "$FIX/docker20-save-features.truth.json")
tar -xOf "$FEAT" "$member" | tar -xOf - etc/app/config.ini >"$TMP/want.ini"
"$BIN" cat "$FEAT" /etc/app/config.ini >"$TMP/got.ini"
rc=$?
if [ $rc -eq 0 ] && [ -s "$TMP/want.ini" ] && cmp -s "$TMP/want.ini" "$TMP/got.ini"; then
  ok "cat /etc/app/config.ini == tar -xOf of its top layer"
else bad "cat /etc/app/config.ini (exit $rc) differs from tar's bytes"; fi
first=$($PY -c '
import json,sys
t=json.load(open(sys.argv[1]))
ls=[i for i,l in enumerate(t["images"][0]["layers"]) if any(e["path"]=="etc/app/config.ini" for e in l["entries"])]
print(ls[0], t["images"][0]["layers"][ls[0]]["resolved_path"])' "$FIX/docker20-save-features.truth.json")
tar -xOf "$FEAT" "${first#* }" | tar -xOf - etc/app/config.ini >"$TMP/want1.ini"
"$BIN" cat "$FEAT" /etc/app/config.ini --layer "${first%% *}" >"$TMP/got1.ini"
cmp -s "$TMP/want1.ini" "$TMP/got1.ini" && ok "cat --layer ${first%% *} gives the first version" \
  || bad "cat --layer ${first%% *} differs from tar's bytes"
# A view reads only the layers it shows: under an entry budget that the first
# two layers fit in and the image does not (counts from the truth), cat and ls
# as of layer 0 answer (tar's bytes), while the top of the image and log (every
# layer) are refused by that budget, naming it.
budget=$($PY -c '
import json,sys
L=json.load(open(sys.argv[1]))["images"][0]["layers"]
n=[len(l["entries"]) for l in L]
assert len(n) > 2 and sum(n[:2]) < sum(n), n
print(sum(n[:2]), L[0]["resolved_path"])' "$FIX/docker20-save-features.truth.json")
tar -xOf "$FEAT" "${budget#* }" | tar -xOf - bin/busybox >"$TMP/want0.bin"
"$BIN" cat "$FEAT" bin/busybox --layer 0 --limit "entries=${budget%% *}" >"$TMP/got0.bin"
rc=$?
[ $rc -eq 0 ] && [ -s "$TMP/want0.bin" ] && cmp -s "$TMP/want0.bin" "$TMP/got0.bin" \
  && ok "cat --layer 0 under a budget of ${budget%% *} entries reads only the layers it shows" \
  || bad "cat --layer 0 under a budget of ${budget%% *} entries (exit $rc) did not give tar's bytes"
expect_exit 0 "ls --layer 1 under that budget" -- "$BIN" ls "$FEAT" --layer 1 --limit "entries=${budget%% *}"
"$BIN" cat "$FEAT" bin/busybox --limit "entries=${budget%% *}" >/dev/null 2>"$TMP/budget.err"
rc=$?
[ $rc -eq 1 ] && grep -q "limit of entries" "$TMP/budget.err" && ok "cat at the top under that budget: refused, naming the limit" \
  || bad "cat at the top under a budget of ${budget%% *} entries: exit $rc, $(head -c 200 "$TMP/budget.err")"
expect_exit 1 "log (every layer) under that budget" -- "$BIN" log "$FEAT" bin/busybox --limit "entries=${budget%% *}"
# Big binary, compressed layers (zstd): same bytes as tar | zstd -d | tar.
Z="$FIX/skopeo-oci-archive-zstd-features.tar"
if [ -f "$Z" ]; then
  zm=$($PY -c '
import json,sys
t=json.load(open(sys.argv[1]))
print([l for l in t["images"][0]["layers"] if any(e["path"]=="srv/app/big.bin" for e in l["entries"])][-1]["path"])' "${Z%.tar}.truth.json")
  tar -xOf "$Z" "$zm" | zstd -dcq | tar -xOf - srv/app/big.bin >"$TMP/want.bin"
  "$BIN" cat "$Z" srv/app/big.bin >"$TMP/got.bin"
  [ -s "$TMP/want.bin" ] && cmp -s "$TMP/want.bin" "$TMP/got.bin" && ok "cat big.bin from a zstd layer == tar | zstd -d" \
    || bad "cat big.bin (zstd) differs: $(stat -c %s "$TMP/got.bin") vs $(stat -c %s "$TMP/want.bin") bytes"
fi

# ---------------------------------------------------------------- ls
wl=$($PY -c '
import json,sys
t=json.load(open(sys.argv[1]))
print([i for i,l in enumerate(t["images"][0]["layers"]) if "srv/app/to-delete.txt" in l["whiteouts"]][0])' "$FIX/docker20-save-features.truth.json")
"$BIN" ls "$FEAT" --layer "$wl" >"$TMP/lsw"
grep -Eq '^D .*/srv/app/to-delete.txt$' "$TMP/lsw" && ok "ls --layer $wl shows the whiteout deletion" \
  || bad "ls --layer $wl: no 'D ... /srv/app/to-delete.txt' line"
"$BIN" ls "$FEAT" --json | $PY -c '
import json,sys
j=json.load(sys.stdin); t=json.load(open(sys.argv[1]))
got={e["path"] for e in j["entries"]}; want={p["path"] for p in t["images"][0]["merged_fs"]["paths"]}
assert j["schema_version"]==1, j["schema_version"]
assert got==want, (sorted(want-got)[:5], sorted(got-want)[:5])' "$FIX/docker20-save-features.truth.json" 2>"$TMP/err" \
  && ok "ls --json merged paths == truth merged_fs" || bad "ls --json: $(tail -c 400 "$TMP/err")"

finish
