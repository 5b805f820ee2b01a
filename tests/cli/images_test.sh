#!/usr/bin/env bash
# images --json against every fixture's truth, and images -a: the intermediate
# images of a legacy docker save, computed independently from the archive's
# <layer-id>/json members with Python's tarfile.
source "$(dirname "$0")/lib.sh"
shopt -s nullglob
ALL=("$FIX"/*.tar)

# Without --size no layer is decoded: an image with a compressed layer has size
# null; with --size every size is the truth's sum of uncompressed layers. Both
# give content_size, the sum of the layers' stored sizes.
for f in "${ALL[@]}"; do
 for sized in "" --size; do
  name=$(basename "$f" .tar)
  if ! "$BIN" images "$f" --json $sized >"$TMP/$name.json" 2>"$TMP/err"; then
    bad "images --json $sized $name failed: $(head -c 300 "$TMP/err")"; continue
  fi
  if msg=$($PY - "$TMP/$name.json" "$FIX/$name.truth.json" "$sized" <<'PYEOF'
import json, sys
j = json.load(open(sys.argv[1])); t = json.load(open(sys.argv[2])); sized = sys.argv[3] == "--size"
errs = []
def check(c, m):
    if not c: errs.append(m)
check(j.get("schema_version") == 2, "schema_version %r" % j.get("schema_version"))
ims = j.get("images", [])
check(len(ims) == t["image_count"], "%d images, want %d" % (len(ims), t["image_count"]))
check(all(not i["intermediate"] for i in ims), "intermediate images without -a")
for ti in t["images"]:
    m = [i for i in ims if i["config_digest"] == ti["config_digest"]]
    if len(m) != 1:
        errs.append("no image %s" % ti["config_digest"]); continue
    i = m[0]
    check(set(i["tags"]) == set(ti.get("repo_tags") or ti.get("ref_names") or []), "tags %r" % i["tags"])
    check(i["id"] == ti["config_digest"][7:19], "id %r" % i["id"])
    check(i["created"] == ti.get("created"), "created %r, want %r" % (i["created"], ti.get("created")))
    compressed = any(l["compression"] not in (None, "none") for l in ti["layers"])
    want = sum(l["uncompressed_size"] for l in ti["layers"]) if sized or not compressed else None
    check(i["size"] == want, "size %r, want %r" % (i["size"], want))
    check(i["content_size"] == sum(l["stored_size"] for l in ti["layers"]),
          "content_size %r, want %r" % (i["content_size"], sum(l["stored_size"] for l in ti["layers"])))
    check(i["platform"]["os"] == ti.get("os") and i["platform"]["architecture"] == ti.get("architecture"),
          "platform %r" % i["platform"])
print("; ".join(errs))
sys.exit(1 if errs else 0)
PYEOF
  ); then ok "images --json $sized $name matches the truth"
  else bad "images --json $sized $name: $msg"; fi
 done
done

# The table marks a stored size '*' and says so on stderr; --size shows the
# decoded one unmarked (the truth's sum, as docker prints it: 5.44MB).
f="$FIX/skopeo-oci-archive-zstd-features.tar"
if [ -f "$f" ]; then
  "$BIN" images "$f" >"$TMP/t1" 2>"$TMP/t1.err"
  "$BIN" images "$f" --size >"$TMP/t2" 2>"$TMP/t2.err"
  want=$($PY -c "import json,sys; t=json.load(open(sys.argv[1])); print(sum(l['uncompressed_size'] for l in t['images'][0]['layers']))" "${f%.tar}.truth.json")
  stored=$($PY -c "import json,sys; t=json.load(open(sys.argv[1])); print(sum(l['stored_size'] for l in t['images'][0]['layers']))" "${f%.tar}.truth.json")
  human() { $PY -c "import sys; n=float(sys.argv[1]); u=['B','kB','MB','GB']; i=0
while n >= 1000 and i < 3: n/=1000; i+=1
print(('%.3g' % n) + u[i])" "$1"; }
  if tail -n1 "$TMP/t1" | grep -q " $(human "$stored")\*\$" && grep -q -- "--size" "$TMP/t1.err"; then
    ok "images of compressed layers: the stored size $(human "$stored") marked *, explained on stderr"
  else bad "images table: $(tail -n1 "$TMP/t1") / $(head -c 200 "$TMP/t1.err"), want $(human "$stored")*"; fi
  if tail -n1 "$TMP/t2" | grep -q " $(human "$want")\$" && [ ! -s "$TMP/t2.err" ]; then
    ok "images --size: the uncompressed size $(human "$want"), unmarked"
  else bad "images --size table: $(tail -n1 "$TMP/t2") / $(head -c 200 "$TMP/t2.err"), want $(human "$want")"; fi
fi

# The v1 records of a legacy save, read with tarfile: every <64 hex>/json, the
# image tops (the directory of each manifest.json entry's last layer), and each
# intermediate's size (its layer.tar and those of its parents).
expected() {
  $PY - "$1" <<'PYEOF'
import json, re, sys, tarfile
t = tarfile.open(sys.argv[1])
names = {m.name: m for m in t.getmembers()}
def size_of(path):
    m = names.get(path)
    hops = 0
    while m is not None and (m.issym() or m.islnk()) and hops < 16:
        target = m.linkname if m.islnk() else "/".join(path.split("/")[:-1] + [m.linkname])
        parts = []
        for c in target.split("/"):
            if c == "..": parts and parts.pop()
            elif c not in ("", "."): parts.append(c)
        path = "/".join(parts); m = names.get(path); hops += 1
    return m.size if m is not None and m.isfile() else 0
recs = {}
for n, m in names.items():
    if re.fullmatch(r"[0-9a-f]{64}/json", n):
        recs[n[:64]] = json.load(t.extractfile(m))
tops = {e["Layers"][-1].split("/")[0] for e in json.load(t.extractfile("manifest.json"))}
rows = []
for i in sorted(set(recs) - tops):
    size, c, seen = 0, i, set()
    while c in recs and c not in seen:
        seen.add(c); size += size_of(c + "/layer.tar"); c = recs[c].get("parent", "")
    rows.append({"v1_id": i, "parent": recs[i].get("parent") or None, "created": recs[i].get("created"), "size": size})
print(json.dumps(rows))
PYEOF
}

for f in "$MULTI" "$FEAT"; do
  name=$(basename "$f" .tar)
  expected "$f" >"$TMP/want-a.json"
  n_int=$($PY -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$TMP/want-a.json")
  [ "$n_int" -gt 0 ] || bad "$name: the fixture records no intermediate image"
  "$BIN" images "$f" -a --json >"$TMP/got-a.json" 2>"$TMP/err" || bad "images -a --json $name: $(head -c 300 "$TMP/err")"
  if msg=$($PY - "$TMP/got-a.json" "$TMP/want-a.json" <<'PYEOF'
import json, sys
j = json.load(open(sys.argv[1])); want = json.load(open(sys.argv[2]))
got = sorted(({k: i[k] for k in ("v1_id", "parent", "created", "size")} for i in j["images"] if i["intermediate"]),
             key=lambda r: r["v1_id"])
errs = []
if got != want: errs.append("intermediates %r, want %r" % (got, want))
for i in j["images"]:
    if i["intermediate"]:
        if i["tags"] or i["index"] is not None or i["config_digest"] is not None or i["id"] != i["v1_id"][:12]:
            errs.append("intermediate row %r" % i)
print("; ".join(errs)[:1500])
sys.exit(1 if errs else 0)
PYEOF
  ); then ok "images -a --json $name: the $n_int intermediate images of its <layer-id>/json chain"
  else bad "images -a --json $name: $msg"; fi

  # The table: the tagged rows as without -a, plus one <none> <none> row per intermediate.
  "$BIN" images "$f" >"$TMP/plain"
  "$BIN" images "$f" -a >"$TMP/all"
  want_ids=$($PY -c 'import json,sys; print(" ".join(sorted(r["v1_id"][:12] for r in json.load(open(sys.argv[1])))))' "$TMP/want-a.json")
  got_ids=$(awk 'NR > 1 && $1 == "<none>" && $2 == "<none>" {print $3}' "$TMP/all" | sort | tr '\n' ' ' | sed 's/ $//')
  [ "$got_ids" = "$want_ids" ] && ok "images -a $name: one <none> <none> row per intermediate image" \
    || bad "images -a $name: <none> rows [$got_ids], want [$want_ids]"
  head -n "$(wc -l <"$TMP/plain")" "$TMP/all" | cmp -s - "$TMP/plain" \
    && ok "images -a $name: the rows without -a come first, unchanged" || bad "images -a $name: tagged rows differ"
  got_q=$("$BIN" images "$f" -a -q | wc -l)
  want_q=$(( $("$BIN" images "$f" -q | wc -l) + n_int ))
  [ "$got_q" -eq "$want_q" ] && ok "images -a -q $name: $got_q IDs" || bad "images -a -q $name: $got_q IDs, want $want_q"
  n=$("$BIN" images "$f" -a -f dangling=false | tail -n +2 | wc -l)
  m=$(tail -n +2 "$TMP/plain" | wc -l)
  [ "$n" -eq "$m" ] && ok "images -a -f dangling=false $name: tagged rows only" || bad "images -a dangling=false: $n rows, want $m"
done

# Other layouts record no v1 images: -a adds nothing.
for f in "$FIX"/skopeo-oci-archive-zstd-features.tar "$FIX"/containerd16-export-features.tar; do
  [ -f "$f" ] || continue
  a=$("$BIN" images "$f" -a | wc -l); b=$("$BIN" images "$f" | wc -l)
  [ "$a" -eq "$b" ] && ok "images -a $(basename "$f" .tar): no intermediate rows" || bad "images -a $(basename "$f"): $a vs $b lines"
done

# -q prints only IDs, so it reads no layer: with the biggest zstd layer damaged
# in its middle, images --size (which decodes it for its SIZE) warns about that
# layer and gives no size, images -q prints the same IDs and nothing about it.
f="$FIX/skopeo-oci-archive-zstd-features.tar"
if [ -f "$f" ]; then
  $PY - "$f" "$TMP/damaged.tar" <<'PYEOF'
import sys, tarfile
b = bytearray(open(sys.argv[1], "rb").read())
blobs = [m for m in tarfile.open(sys.argv[1]).getmembers()
         if m.isfile() and b[m.offset_data:m.offset_data + 4] == b"\x28\xb5\x2f\xfd"]
m = max(blobs, key=lambda m: m.size)
mid = m.offset_data + m.size // 2
b[mid:mid + 64] = bytes(64)
open(sys.argv[2], "wb").write(b)
PYEOF
  "$BIN" images "$TMP/damaged.tar" --size >"$TMP/table" 2>"$TMP/table.err"
  "$BIN" images "$TMP/damaged.tar" --size --json >"$TMP/sized.json" 2>/dev/null
  "$BIN" images "$TMP/damaged.tar" -q >"$TMP/ids" 2>"$TMP/ids.err"
  "$BIN" images "$f" -q >"$TMP/ids.good"
  if grep -q "blobs/sha256" "$TMP/table.err" && grep -q "could not be decoded" "$TMP/table.err" \
     && tail -n1 "$TMP/table" | grep -q '\*$'; then
    ok "images --size of a damaged zstd layer warns about it (it decodes it for its size), shows the stored size marked *"
  else bad "images --size of a damaged zstd layer: no warning naming the blob: $(head -c 300 "$TMP/table.err") / $(tail -n1 "$TMP/table")"; fi
  if $PY -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if j['images'][0]['size'] is None and j['images'][0]['content_size'] > 0 else 1)" "$TMP/sized.json"; then
    ok "images --size --json of it: size null (that layer's is unknown), content_size given"
  else bad "images --size --json of a damaged layer: $(head -c 300 "$TMP/sized.json")"; fi
  if cmp -s "$TMP/ids" "$TMP/ids.good" && [ -s "$TMP/ids" ] && ! grep -q "blobs/sha256" "$TMP/ids.err"; then
    ok "images -q of it: the same IDs, and no layer read (no warning about it)"
  else bad "images -q of a damaged layer: ids $(tr '\n' ' ' <"$TMP/ids") vs $(tr '\n' ' ' <"$TMP/ids.good"); stderr $(head -c 300 "$TMP/ids.err")"; fi
fi

# A legacy save whose middle layer.tar is gzipped (docker load takes that; docker
# never writes it): without --size that layer is not decoded, so the image's
# size and the size of every intermediate image at or above that layer are
# unknown (null; "?" in the table, with its footnote), those below keep theirs;
# --size decodes it and every size is the unmodified archive's.
f="$FEAT"
if [ -f "$f" ]; then
  $PY - "$f" "$TMP/gzmid.tar" <<'PYEOF' >"$TMP/gzmid.id"
import gzip, io, json, re, sys, tarfile
src = tarfile.open(sys.argv[1])
members = src.getmembers()
recs = {m.name[:64]: json.load(src.extractfile(m)) for m in members if re.fullmatch(r"[0-9a-f]{64}/json", m.name)}
tops = {e["Layers"][-1].split("/")[0] for e in json.load(src.extractfile("manifest.json"))}
# the biggest regular layer.tar of an intermediate record that has a parent
mid = max((i for i in recs if i not in tops and recs[i].get("parent")),
          key=lambda i: src.getmember(i + "/layer.tar").size if src.getmember(i + "/layer.tar").isfile() else -1)
with tarfile.open(sys.argv[2], "w", format=tarfile.GNU_FORMAT) as out:
    for m in members:
        data = src.extractfile(m).read() if m.isfile() else None
        if m.name == mid + "/layer.tar":
            data = gzip.compress(data, mtime=0)
            m.size = len(data)
        out.addfile(m, io.BytesIO(data) if data is not None else None)
print(mid)
PYEOF
  mid=$(cat "$TMP/gzmid.id")
  expected "$f" >"$TMP/want-gz.json"
  "$BIN" images "$TMP/gzmid.tar" -a --json >"$TMP/gz.json" 2>"$TMP/gz.err"
  "$BIN" images "$TMP/gzmid.tar" -a --json --size >"$TMP/gz-sized.json" 2>/dev/null
  "$BIN" images "$f" -a --json --size >"$TMP/orig-sized.json" 2>/dev/null
  if msg=$($PY - "$TMP/gz.json" "$TMP/gz-sized.json" "$TMP/orig-sized.json" "$TMP/want-gz.json" "$mid" <<'PYEOF'
import json, sys
gz, sized, orig, want = (json.load(open(a)) for a in sys.argv[1:5]); mid = sys.argv[5]
errs = []
recs = {r["v1_id"]: r for r in want}
def above(i):  # whether record i is mid or has mid below it
    seen = set()
    while i and i not in seen:
        if i == mid: return True
        seen.add(i); i = (recs.get(i) or {}).get("parent") or ""
    return False
ints = [i for i in gz["images"] if i["intermediate"]]
nulls = sorted(i["v1_id"] for i in ints if i["size"] is None)
want_nulls = sorted(r["v1_id"] for r in want if above(r["v1_id"]))
if not want_nulls or len(want_nulls) == len(want): errs.append("the gzipped layer %s splits no chain" % mid)
if nulls != want_nulls: errs.append("size null for %r, want %r" % (nulls, want_nulls))
for i in ints:
    if i["v1_id"] not in want_nulls and i["size"] != recs[i["v1_id"]]["size"]:
        errs.append("%s below the gzipped layer: size %r, want %r" % (i["v1_id"][:12], i["size"], recs[i["v1_id"]]["size"]))
top = [i for i in gz["images"] if not i["intermediate"]]
if any(i["size"] is not None for i in top): errs.append("the image's size %r, want null" % [i["size"] for i in top])
key = lambda d: sorted((i["v1_id"] or i["id"], i["size"]) for i in d["images"])
if key(sized) != key(orig): errs.append("--size: %r, want the unmodified archive's %r" % (key(sized), key(orig)))
print("; ".join(errs))
sys.exit(1 if errs else 0)
PYEOF
  ); then ok "images -a of a legacy save with a gzipped middle layer: size null at and above it ($mid), below it and with --size as the unmodified archive's"
  else bad "images -a of a gzipped middle layer: $msg"; fi
  "$BIN" images "$TMP/gzmid.tar" -a >"$TMP/gz.table" 2>"$TMP/gz.table.err"
  n_q=$(grep -c ' ?$' "$TMP/gz.table"); n_null=$($PY -c 'import json,sys; print(sum(1 for i in json.load(open(sys.argv[1]))["images"] if i["intermediate"] and i["size"] is None))' "$TMP/gz.json")
  if [ "$n_q" -eq "$n_null" ] && [ "$n_q" -gt 0 ] && grep -q '^?: size unknown' "$TMP/gz.table.err" && grep -q -- '--size' "$TMP/gz.table.err" \
     && grep -q '\*$' "$TMP/gz.table"; then
    ok "images -a table of it: $n_q intermediate rows show ? (explained on stderr), the image its stored size marked *"
  else bad "images -a table of a gzipped middle layer: $n_q '?' rows for $n_null null sizes; $(head -c 300 "$TMP/gz.table.err")"; fi
fi

finish
