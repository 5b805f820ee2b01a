#!/usr/bin/env bash
# verify and save (issue 10), checked by independent consumers: skopeo inspect and
# copy, umoci unpack, a Python tarfile walk (tests/cli/export_check.py) compared with
# each fixture's truth.json; docker load where a daemon runs.
#   tests/cli/export_test.sh <layerscope binary> [fixtures dir]
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
CHECK="$PY $here/export_check.py"

# same_images OUT TRUTH_JSON WHAT: tags, config digests, diff_ids (hashed by Python) and merged trees equal.
same_images() {
  if $CHECK images "$1" >"$TMP/got.json" 2>"$TMP/err" && $PY - "$TMP/got.json" "$2" <<'PY'
import json, sys
got, want = (json.load(open(p)) for p in sys.argv[1:3])
if got != want:
    for g, w in zip(got, want):
        for k in w:
            if g.get(k) != w[k]: print("differs:", k, str(g.get(k))[:200], "want", str(w[k])[:200])
    sys.exit(1)
PY
  then ok "$3: tags, config digests, diff_ids and merged tree as the truth"
  else bad "$3: differs from the truth: $(head -c 600 "$TMP/err")"; fi
}

first_tag() { $PY -c "import json,sys; d=json.load(open(sys.argv[1])); print(d[0]['tags'][0] if d[0]['tags'] else '')" "$1"; }

# skopeo_checks OUT TRANSPORT TAG WHAT: skopeo inspect, skopeo copy to an oci: dir, umoci unpack of it.
skopeo_checks() {
  local out=$1 tr=$2 tag=$3 what=$4 ref
  ref="$tr:$out"; [ -n "$tag" ] && ref="$ref:$tag"
  expect_exit 0 "$what: skopeo inspect $tr" -- skopeo inspect "$ref"
  rm -rf "$TMP/ocidir" "$TMP/bundle"
  expect_exit 0 "$what: skopeo copy to oci:" -- skopeo copy -q "$ref" "oci:$TMP/ocidir:x"
  expect_exit 0 "$what: umoci unpack" -- umoci unpack --image "$TMP/ocidir:x" "$TMP/bundle"
}

umoci_tree_matches() {  # umoci's rootfs against the truth's first image merged paths
  if (cd "$TMP/bundle/rootfs" 2>/dev/null && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort) >"$TMP/umoci.txt" &&
     $PY - "$TMP/umoci.txt" "$1" "$2" <<'PY'
import json, sys
got = set(open(sys.argv[1], encoding="utf-8", errors="surrogateescape").read().splitlines())
imgs = json.load(open(sys.argv[2]))
want = next(i for i in imgs if sys.argv[3] in i["tags"] or not sys.argv[3])
sys.exit(0 if got == {p for p, _ in want["merged"]} else 1)
PY
  then ok "$3: umoci's unpacked rootfs holds the truth's merged paths"
  else bad "$3: umoci's rootfs differs from the truth's merged paths"; fi
}

DOCKER=0 DOCKER_ZSTD=0
if docker_daemon; then
  DOCKER=1
  # zstd layers load from Docker 23.0 on (moby v23.0.0 release notes)
  [ "$(docker version -f '{{.Server.Version}}' 2>/dev/null | cut -d. -f1)" -ge 23 ] 2>/dev/null && DOCKER_ZSTD=1
fi


for f in "$FIX"/*.tar; do
  n=$(basename "$f" .tar)
  $CHECK truth "$FIX/$n.truth.json" >"$TMP/truth.json"
  tag=$(first_tag "$TMP/truth.json")
  expect_exit 0 "$n: verify passes" -- "$BIN" verify "$f"
  for fmt in docker oci; do
    out="$TMP/$n.$fmt.tar"
    expect_exit 0 "$n: save --format $fmt" -- "$BIN" save "$f" -o "$out" --format $fmt
    same_images "$out" "$TMP/truth.json" "$n $fmt"
    expect_exit 0 "$n $fmt: our verify passes" -- "$BIN" verify -q "$out"
    "$BIN" save "$f" -o "$TMP/again.tar" --format $fmt
    if cmp -s "$out" "$TMP/again.tar"; then ok "$n $fmt: same bytes twice"; else bad "$n $fmt: output not deterministic"; fi
    tr=docker-archive; [ $fmt = oci ] && tr=oci-archive
    expect_exit 0 "$n $fmt: skopeo inspect $tr" -- skopeo inspect "$tr:$out${tag:+:$tag}"
    # skopeo copy + umoci unpack (slow): one output of each layout family (umoci 0.4.7 refuses
    # the zstd layers of an oci-archive copied to an oci: dir; the docker-archive route passes).
    case "$n.$fmt" in docker20-save-features.docker|buildah-docker-archive-features.oci|umoci-skopeo-oci-archive-whiteout.docker|skopeo-oci-archive-zstd-features.docker|docker20-save-multi-2images-3tags.oci)
      skopeo_checks "$out" $tr "$tag" "$n $fmt"
      umoci_tree_matches "$TMP/truth.json" "$tag" "$n $fmt";;
    esac
  done
  # Round trip: oci -> docker -> oci keeps diff_ids, tags and merged trees.
  expect_exit 0 "$n: oci output saved again as docker" -- "$BIN" save "$TMP/$n.oci.tar" -o "$TMP/rt.tar" --format docker
  same_images "$TMP/rt.tar" "$TMP/truth.json" "$n oci->docker"
  expect_exit 0 "$n: docker output saved again as oci" -- "$BIN" save "$TMP/$n.docker.tar" -o "$TMP/rt.tar" --format oci
  same_images "$TMP/rt.tar" "$TMP/truth.json" "$n docker->oci"
  if [ $DOCKER = 1 ]; then
    ids=$($PY -c "import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps(next(i for i in d if not sys.argv[2] or sys.argv[2] in i['tags'])['diff_ids']))" "$TMP/truth.json" "$tag")
    load="$TMP/$n.docker.tar"
    if [ $DOCKER_ZSTD = 0 ] && "$BIN" inspect --json "$load" | grep -q '"compression": *"zstd"'; then
      echo "# $n: zstd layers need Docker 23+: loaded as saved again with --compress gzip"
      "$BIN" save "$f" -o "$TMP/$n.gz.tar" --format docker --compress gzip
      load="$TMP/$n.gz.tar"
    fi
    docker_loads "$load" "$tag" "$ids" "$n docker"
  fi
  rm -f "$TMP/$n".*.tar
done

# export: the merged tree (contents, links, types) as the truth's, modes and owners as
# the topmost layer's entry, one layer's tar byte for byte (its sha256 is the diff_id),
# and a subtree.
for f in "$FIX"/*.tar; do
  n=$(basename "$f" .tar)
  $CHECK truth "$FIX/$n.truth.json" >"$TMP/truth.json"
  tag=$(first_tag "$TMP/truth.json")
  id=$($PY -c "import json,sys; print(json.load(open(sys.argv[1]))[0]['config_digest'][7:19])" "$TMP/truth.json")
  expect_exit 0 "$n: export merged" -- "$BIN" export "$f" "$id" -o "$TMP/root.tar"
  $CHECK rootfs "$TMP/root.tar" >"$TMP/got.json"; $CHECK truthfs "$FIX/$n.truth.json" "$tag" >"$TMP/want.json"
  cmp -s "$TMP/got.json" "$TMP/want.json" && ok "$n: exported tree, contents and links as the truth's merged tree" ||
    bad "$n: exported tree differs: $(diff <(tr '[' '\n' <"$TMP/got.json") <(tr '[' '\n' <"$TMP/want.json") | head -5)"
  $CHECK attrs "$TMP/root.tar" "$FIX/$n.truth.json" "$tag" >"$TMP/attrs.json" && ok "$n: modes and owners kept" ||
    bad "$n: modes/owners: $(cat "$TMP/attrs.json")"
  expect_exit 0 "$n: export --layer 0" -- "$BIN" export "$f" "$id" --layer 0 -o "$TMP/l0.tar"
  want=$($PY -c "import json,sys; d=json.load(open(sys.argv[1])); print(next(i for i in d if not sys.argv[2] or sys.argv[2] in i['tags'])['diff_ids'][0])" "$TMP/truth.json" "$tag")
  [ "sha256:$(sha256sum <"$TMP/l0.tar" | cut -d' ' -f1)" = "$want" ] && ok "$n: export --layer 0 is the layer's tar byte for byte" ||
    bad "$n: export --layer 0 does not hash to the diff_id"
done
"$BIN" export "$FEAT" srv/app -o "$TMP/sub.tar"
$CHECK rootfs "$TMP/sub.tar" | $PY -c "
import json,sys; got=json.load(sys.stdin); want=[p for p in json.load(open(sys.argv[1])) if p[0]=='srv/app' or p[0].startswith('srv/app/')]
sys.exit(0 if got==want and got else 1)" <($CHECK truthfs "$FIX/docker20-save-features.truth.json" "") &&
  ok "export PATH: the subtree alone, as the truth's" || bad "export PATH differs from the truth's subtree"
expect_exit 1 "export of a path the image lacks" -- "$BIN" export "$FEAT" no/such/path -o "$TMP/none.tar"
[ ! -e "$TMP/none.tar" ] && ok "no output for a failed export" || bad "failed export left a file"

# squash: one layer, the merged tree and tags kept, a history step noting it.
for n in docker20-save-features buildah-oci-archive-gzip-features umoci-skopeo-oci-archive-whiteout; do
  expect_exit 0 "$n: squash" -- "$BIN" squash "$FIX/$n.tar" -o "$TMP/sq.tar"
  $CHECK truth "$FIX/$n.truth.json" >"$TMP/truth.json"
  if $CHECK images "$TMP/sq.tar" >"$TMP/got.json" && $PY - "$TMP/got.json" "$TMP/truth.json" "$TMP/sq.tar" <<'PY'
import json, sys, tarfile
got, want = (json.load(open(p)) for p in sys.argv[1:3])
assert len(got) == 1 and len(got[0]["diff_ids"]) == 1, got
assert got[0]["tags"] == want[0]["tags"], (got[0]["tags"], want[0]["tags"])
assert got[0]["merged"] == want[0]["merged"], "merged tree differs"
t = tarfile.open(sys.argv[3])
mj = json.load(t.extractfile("manifest.json")) if "manifest.json" in t.getnames() else None
idx = json.load(t.extractfile("index.json"))
man = json.load(t.extractfile("blobs/" + idx["manifests"][0]["digest"].replace(":", "/")))
cfg = json.load(t.extractfile("blobs/" + man["config"]["digest"].replace(":", "/")))
hist = cfg["history"]
assert hist[-1]["created_by"] == "layerscope squash" and not hist[-1].get("empty_layer"), hist[-1]
assert sum(1 for h in hist if not h.get("empty_layer")) == 1
assert cfg["rootfs"]["diff_ids"] == got[0]["diff_ids"]
PY
  then ok "$n: squashed to one layer with the same merged tree, tags and a squash history step"
  else bad "$n: squash output wrong"; fi
  expect_exit 0 "$n: squash output verifies" -- "$BIN" verify -q "$TMP/sq.tar"
  fmt=docker-archive; $PY -c "import tarfile,sys; sys.exit('manifest.json' in tarfile.open(sys.argv[1]).getnames())" "$TMP/sq.tar" && fmt=oci-archive
  expect_exit 0 "$n: skopeo inspect $fmt of the squash" -- skopeo inspect "$fmt:$TMP/sq.tar"
done

# rmi: a tag of several only untags; the last tag or an ID removes the image; the
# other image's layers all stay, the removed one's go.
$CHECK truth "$FIX/docker20-save-multi-2images-3tags.truth.json" >"$TMP/truth.json"
rmi_case() {  # WHAT EXPECTED_PY -- rmi operands
  local what=$1 expect=$2; shift 3
  if "$BIN" rmi "$MULTI" "$@" -o "$TMP/rmi.tar" 2>"$TMP/err" && $CHECK images "$TMP/rmi.tar" >"$TMP/got.json" &&
     $PY - "$TMP/got.json" "$TMP/truth.json" "$TMP/rmi.tar" "$expect" <<'PY'
import json, sys, tarfile
got, truth = (json.load(open(p)) for p in sys.argv[1:3])
want_tags = json.loads(sys.argv[4])
assert sorted(g["tags"] for g in got) == sorted(want_tags), [g["tags"] for g in got]
kept = set()
for g in got:
    w = next(t for t in truth if t["config_digest"] == g["config_digest"])
    assert g["diff_ids"] == w["diff_ids"] and g["merged"] == w["merged"]
    kept.update(w["diff_ids"])
names = tarfile.open(sys.argv[3]).getnames()
for t in truth:  # uncompressed layers: blob digest = diff_id
    for d in t["diff_ids"]:
        assert (("blobs/sha256/" + d[7:]) in names) == (d in kept), d
PY
  then ok "rmi $what"; else bad "rmi $what: $(head -c 300 "$TMP/err")"; fi
}
rmi_case "of the tiny image drops it and its layer" '[["fixture/features:1.0","fixture/features:latest"]]' -- fixture/tiny:2
rmi_case "of one tag of two only untags" '[["fixture/features:1.0"],["fixture/tiny:2"]]' -- fixture/features:latest
rmi_case "of both tags removes the image" '[["fixture/tiny:2"]]' -- fixture/features:latest fixture/features:1.0 --no-prune
expect_exit 1 "rmi of every image is refused" -- "$BIN" rmi "$MULTI" fixture/tiny:2 fixture/features:latest fixture/features:1.0 -o "$TMP/all.tar"
[ ! -e "$TMP/all.tar" ] && ok "refused rmi leaves no output" || bad "refused rmi left a file"

# rmi prunes untagged parents as docker does, --no-prune keeps them: an archive that
# docker itself wrote with a tagged image, its untagged parent (docker's classic builder
# records it in the config's "parent"; saved by ID) and an unrelated tagged image.
if [ $DOCKER = 1 ]; then
  mkdir -p "$TMP/chain" && echo one >"$TMP/chain/a" && echo two >"$TMP/chain/b"
  printf 'FROM scratch\nCOPY a /a\nCOPY b /b\n' >"$TMP/chain/Dockerfile"
  printf 'FROM scratch\nCOPY b /other\n' >"$TMP/chain/Other"
  if DOCKER_BUILDKIT=0 docker build -q -t layerscope-prune:child "$TMP/chain" >/dev/null 2>"$TMP/err" &&
     DOCKER_BUILDKIT=0 docker build -q -f "$TMP/chain/Other" -t layerscope-prune:other "$TMP/chain" >/dev/null 2>>"$TMP/err" &&
     parent=$(docker image inspect -f '{{.Parent}}' layerscope-prune:child) && [ -n "$parent" ] &&
     docker save -o "$TMP/chain.tar" layerscope-prune:child layerscope-prune:other "$parent" 2>>"$TMP/err"; then
    prune_case() {  # WHAT EXPECTED_IMAGES_PY -- rmi operands   (images: sorted tag lists, [] = the untagged parent)
      local what=$1 expect=$2; shift 3
      if "$BIN" rmi "$TMP/chain.tar" "$@" -o "$TMP/pruned.tar" 2>"$TMP/err" && $CHECK images "$TMP/pruned.tar" >"$TMP/got.json" &&
         $PY - "$TMP/got.json" "$expect" "$parent" 2>>"$TMP/err" <<'PY'
import json, sys
got = json.load(open(sys.argv[1]))
assert sorted(g["tags"] for g in got) == sorted(json.loads(sys.argv[2])), [(g["tags"], g["config_digest"]) for g in got]
for g in got:  # the untagged image kept is the child's parent, by docker's own ID
    assert g["tags"] or g["config_digest"] == sys.argv[3], (g, sys.argv[3])
PY
      then ok "rmi $what"; else bad "rmi $what: $(head -c 300 "$TMP/err")"; fi
    }
    prune_case "of a child removes its untagged parent too" '[["layerscope-prune:other"]]' -- layerscope-prune:child
    prune_case "--no-prune keeps the untagged parent" '[["layerscope-prune:other"], []]' -- layerscope-prune:child --no-prune
    prune_case "of another image keeps the parent a kept child builds on" '[["layerscope-prune:child"], []]' -- layerscope-prune:other
    # The output keeps docker's parent link (manifest.json "Parent"): docker load restores it.
    docker rmi -f layerscope-prune:child layerscope-prune:other >/dev/null 2>&1
    docker rmi -f "$parent" >/dev/null 2>&1
    if docker load -i "$TMP/pruned.tar" >/dev/null 2>"$TMP/err" &&
       [ "$(docker image inspect -f '{{.Parent}}' layerscope-prune:child 2>>"$TMP/err")" = "$parent" ]; then
      ok "rmi output loaded by docker: the child's parent is the untagged image kept"
    else bad "rmi output: docker lost the parent link: $(head -c 300 "$TMP/err")"; fi
    docker rmi -f layerscope-prune:child >/dev/null 2>&1; docker rmi -f "$parent" >/dev/null 2>&1
  else
    bad "could not build and save the parent chain with docker: $(head -c 300 "$TMP/err")"
  fi
fi

# Recompression: layers as gzip / zstd, diff_ids and trees kept.
for c in gzip zstd none; do
  expect_exit 0 "save --compress $c" -- "$BIN" save "$FEAT" -o "$TMP/c.tar" --format oci --compress $c
  $CHECK truth "$FIX/docker20-save-features.truth.json" >"$TMP/truth.json"
  same_images "$TMP/c.tar" "$TMP/truth.json" "--compress $c"
  expect_exit 0 "--compress $c: our verify passes" -- "$BIN" verify -q "$TMP/c.tar"
  expect_exit 0 "--compress $c: skopeo inspect" -- skopeo inspect "oci-archive:$TMP/c.tar"
done

# Chosen images only, shared with their tags; stdout refuses nothing but a terminal.
expect_exit 0 "save one image of two by tag" -- "$BIN" save "$MULTI" fixture/tiny:2 -o "$TMP/one.tar"
n_imgs=$($CHECK images "$TMP/one.tar" | $PY -c "import json,sys; d=json.load(sys.stdin); print(len(d), d[0]['tags'])")
[ "$n_imgs" = "1 ['fixture/tiny:2']" ] && ok "save IMAGE writes that image alone" || bad "save IMAGE wrote: $n_imgs"
"$BIN" save "$MULTI" fixture/tiny:2 -o - >"$TMP/stdout.tar" && cmp -s "$TMP/stdout.tar" "$TMP/one.tar" &&
  ok "-o - writes the same bytes to standard output" || bad "-o - output differs"

# verify catches damage (archives damaged with Python from a good oci output).
"$BIN" save "$FEAT" -o "$TMP/good.tar" --format oci
for k in flip truncate diffid missing; do
  $CHECK mutate $k "$TMP/good.tar" "$TMP/bad-$k.tar"
  expect_exit 1 "verify catches a $k layer" -- "$BIN" verify "$TMP/bad-$k.tar"
  "$BIN" verify --json "$TMP/bad-$k.tar" >"$TMP/v.json"
  want=mismatch; [ $k = missing ] && want=missing
  if $PY -c "
import json,sys; d=json.load(open(sys.argv[1]))
bad=[r for r in d['rows'] if r['state']!='ok']
assert d['schema_version']==1 and d['ok'] is False and d['failed']==len(bad)>=1, d
assert bad[0]['kind']=='layer' and bad[0]['state']==sys.argv[2], bad
if sys.argv[3]=='diffid': assert bad[0]['diff_id']=='sha256:'+'0'*64 and bad[0]['actual_diff_id']!=bad[0]['diff_id']
" "$TMP/v.json" $want $k; then ok "verify --json: the $k layer row is $want"; else bad "verify --json on $k: $(head -c 600 "$TMP/v.json")"; fi
  # A corrupt source is refused with a code and a place, and leaves no output.
  expect_exit 1 "save refuses the $k source" -- "$BIN" save "$TMP/bad-$k.tar" -o "$TMP/never.tar"
  grep -q "error: \(corrupt\|not-found\|truncated\)" "$TMP/err" && ok "$k: the error names its code" || bad "$k: $(cat "$TMP/err")"
  [ ! -e "$TMP/never.tar" ] && [ -z "$(ls -A "$TMP" | grep '^\.never')" ] && ok "$k: no output file left" || bad "$k: output left behind"
done

# A full disk: standard output on /dev/full, and a file hitting the file-size limit.
expect_exit 1 "save -o - onto /dev/full fails" -- sh -c "'$BIN' save '$FEAT' -o - >/dev/full"
echo keep >"$TMP/existing.tar"
(trap '' XFSZ; ulimit -f 256; "$BIN" save "$FEAT" -o "$TMP/existing.tar" 2>"$TMP/err"); rc=$?
[ $rc -eq 1 ] && ok "a file write past the size limit fails (exit 1)" || bad "size-limited save: exit $rc"
[ "$(cat "$TMP/existing.tar")" = keep ] && [ -z "$(ls -A "$TMP" | grep '^\.existing')" ] &&
  ok "the failed save left the old file untouched and no temporary" || bad "failed save touched the output"

# Usage errors.
expect_exit 2 "save without -o" -- "$BIN" save "$FEAT"
expect_exit 2 "save --format bogus" -- "$BIN" save "$FEAT" -o "$TMP/x.tar" --format bogus
expect_exit 2 "save --compress xz" -- "$BIN" save "$FEAT" -o "$TMP/x.tar" --compress xz
expect_exit 2 "verify --layer (a foreign flag)" -- "$BIN" verify "$FEAT" --layer 1
expect_exit 0 "verify --help" -- "$BIN" verify --help
expect_exit 0 "save --help" -- "$BIN" save --help
finish
