#!/usr/bin/env bash
# strip and import (issue 10), checked against independent readers: each fixture's
# truth.json through a Python tarfile walk (tests/cli/strip_check.py, export_check.py),
# skopeo inspect, and `findings` before/after on a Python-made image holding a key.
#   tests/cli/strip_test.sh <layerscope binary> [fixtures dir]
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
CHECK="$PY $here/strip_check.py"
EXPORT_CHECK="$PY $here/export_check.py"

first_tag() { $PY -c "import json,sys; d=json.load(open(sys.argv[1])); i=d['images'][0]; t=i.get('repo_tags') or i.get('ref_names') or []; print(t[0] if t else '')" "$1"; }

# strip_case FIXTURE IMAGE PATH...: strip, then the output against the truth, our verify, skopeo inspect.
strip_case() {
  local n=$1 img=$2; shift 2
  local f="$FIX/$n.tar" truth="$FIX/$n.truth.json" out="$TMP/$n.stripped.tar" tag
  tag=$(first_tag "$truth"); [ -n "$img" ] && tag=$img
  expect_exit 0 "$n: strip $*" -- "$BIN" strip "$f" $img "$@" -o "$out"
  grep -q "wrote $out: image sha256:" "$TMP/err" && ok "$n: strip says what it wrote" || bad "$n: no 'wrote' line: $(cat "$TMP/err")"
  if $CHECK stripped "$out" "$truth" "$tag" "$@" 2>"$TMP/why"; then
    ok "$n: no layer holds $*; diff_ids = sha256 of the layers; merged tree = truth minus the paths; history aligned"
  else bad "$n: $(head -c 600 "$TMP/why")"; fi
  expect_exit 0 "$n: our verify passes on the stripped output" -- "$BIN" verify -q "$out"
  local tr=docker-archive
  $PY -c "import tarfile,sys; sys.exit('manifest.json' in tarfile.open(sys.argv[1]).getnames())" "$out" && tr=oci-archive
  expect_exit 0 "$n: skopeo inspect $tr accepts the stripped output" -- skopeo inspect "$tr:$out"
  [ $DOCKER = 1 ] && [ $tr = docker-archive ] && docker_loads "$out" "$tag" "$(docker_diff_ids "$out" "$tag")" "$n stripped"
  # Contents (hard links to a removed file now hold its bytes) against the truth, through export.
  "$BIN" export "$out" -o "$TMP/root.tar" && $EXPORT_CHECK rootfs "$TMP/root.tar" >"$TMP/got.json" &&
    $CHECK truthfs-minus "$truth" "$tag" "$@" >"$TMP/want.json"
  cmp -s "$TMP/got.json" "$TMP/want.json" && ok "$n: every other file's content and link as the truth's" ||
    bad "$n: contents differ: $(diff <(tr '[' '\n' <"$TMP/got.json") <(tr '[' '\n' <"$TMP/want.json") | head -5)"
  "$BIN" strip "$f" $img "$@" -o "$TMP/again.tar" 2>/dev/null
  cmp -s "$out" "$TMP/again.tar" && ok "$n: strip gives the same bytes twice" || bad "$n: strip output not deterministic"
  rm -f "$out" "$TMP/again.tar"
}

DOCKER=0
docker_daemon && DOCKER=1

FEATPATHS="/etc/app/config.ini srv/app/links/target.txt /srv/app/unicode/"
strip_case docker20-save-features "" $FEATPATHS
strip_case buildah-oci-archive-gzip-features "" $FEATPATHS
strip_case skopeo-oci-archive-zstd-features "" $FEATPATHS
strip_case containerd16-export-features "" /etc/app/config.ini
strip_case buildah-docker-archive-features "" srv/app/links/target.txt
strip_case umoci-skopeo-oci-archive-whiteout "" /etc/motd /data/keep
strip_case docker20-save-multi-2images-3tags fixture/features:1.0 /srv/app/links/target.txt

# --format / --compress: the rewritten layers as zstd in an oci-archive.
expect_exit 0 "strip --format oci --compress zstd" -- "$BIN" strip "$FEAT" /etc/app/config.ini -o "$TMP/z.tar" --format oci --compress zstd
$CHECK stripped "$TMP/z.tar" "$FIX/docker20-save-features.truth.json" "" /etc/app/config.ini 2>"$TMP/why" &&
  ok "--compress zstd output as the truth minus the path" || bad "--compress zstd: $(cat "$TMP/why")"
$PY -c "
import json,sys,tarfile; t=tarfile.open(sys.argv[1]); idx=json.load(t.extractfile('index.json'))
m=json.load(t.extractfile('blobs/'+idx['manifests'][0]['digest'].replace(':','/')))
sys.exit(0 if all(l['mediaType'].endswith('+zstd') for l in m['layers']) else 1)" "$TMP/z.tar" &&
  ok "--compress zstd: every layer zstd in the manifest" || bad "--compress zstd: media types"
expect_exit 0 "skopeo inspect oci-archive of the zstd strip" -- skopeo inspect "oci-archive:$TMP/z.tar"

# The answer to a leaked secret: findings (names and --content) reports the key before, and nothing
# after stripping the key and the hard link to it; stripping the key alone leaves the link holding its bytes.
$CHECK secret-image "$TMP/secret.tar"
key_findings() { "$BIN" findings "$1" --content --json 2>/dev/null |
  $PY -c "import json,sys; print(sorted({f['path'] for f in json.load(sys.stdin)['findings']}))"; }
key_findings "$TMP/secret.tar" | grep -q "'root/.ssh/id_rsa'" &&
  ok "findings reports the key in the made image" || bad "findings before: $(key_findings "$TMP/secret.tar")"
expect_exit 0 "strip the key and its link" -- "$BIN" strip "$TMP/secret.tar" /root/.ssh /root/key-link -o "$TMP/gone.tar"
[ "$(key_findings "$TMP/gone.tar")" = "[]" ] && ok "findings --content no longer reports anything" ||
  bad "findings after: $(key_findings "$TMP/gone.tar")"
! grep -qa "PRIVATE KEY" "$TMP/gone.tar" && ok "the key's bytes occur nowhere in the output" || bad "key bytes still in the output"
expect_exit 0 "strip the key alone" -- "$BIN" strip "$TMP/secret.tar" /root/.ssh/id_rsa -o "$TMP/clean.tar"
$PY -c "
import io,sys,tarfile; sys.path.insert(0, sys.argv[2]); import export_check as ec, strip_check as sc
imgs=ec.Archive(sys.argv[1]).images(); layers=[ec.decompress(g()) for g in imgs[0][2]]
t=tarfile.open(fileobj=io.BytesIO(layers[0])); names=[m.name for m in t.getmembers()]
link=t.getmember('root/key-link')
assert 'root/.ssh/id_rsa' not in names and link.isfile() and t.extractfile(link).read()==sc.PEM, names
assert all(b'root/.ssh/id_rsa' not in l for l in layers)
" "$TMP/clean.tar" "$here" && ok "the key entry is gone; its hard link now holds the content as a file" || bad "hard link to the stripped key broken"

# Failures leave nothing.
expect_exit 1 "strip of a path no layer holds" -- "$BIN" strip "$FEAT" /no/such/file -o "$TMP/none.tar"
grep -q "/no/such/file" "$TMP/err" && ok "the error names the path" || bad "error: $(cat "$TMP/err")"
[ ! -e "$TMP/none.tar" ] && [ -z "$(ls -A "$TMP" | grep '^\.none')" ] && ok "no output for a missing path" || bad "missing path left a file"
expect_exit 1 "strip -o /dev/full" -- "$BIN" strip "$FEAT" /etc/app/config.ini -o /dev/full
[ -c /dev/full ] && ok "/dev/full untouched" || bad "/dev/full replaced"
expect_exit 1 "strip -o - onto /dev/full fails" -- sh -c "'$BIN' strip '$FEAT' /etc/app/config.ini -o - >/dev/full"
"$BIN" save "$FEAT" --format oci -o "$TMP/good.tar" && $EXPORT_CHECK mutate flip "$TMP/good.tar" "$TMP/bad.tar"
expect_exit 1 "strip refuses a corrupt source" -- "$BIN" strip "$TMP/bad.tar" /etc/app/config.ini -o "$TMP/never.tar"
[ ! -e "$TMP/never.tar" ] && ok "corrupt source: no output" || bad "corrupt source left a file"

# Usage errors.
expect_exit 2 "strip without a path" -- "$BIN" strip "$FEAT" -o "$TMP/x.tar"
expect_exit 2 "strip without -o" -- "$BIN" strip "$FEAT" /etc/app/config.ini
expect_exit 2 "strip --compress xz" -- "$BIN" strip "$FEAT" /etc/app/config.ini -o "$TMP/x.tar" --compress xz
expect_exit 2 "strip --layer (a foreign flag)" -- "$BIN" strip "$FEAT" /etc/app/config.ini -o "$TMP/x.tar" --layer 1
expect_exit 0 "strip --help" -- "$BIN" strip --help
grep -q "Only the chosen image is written" "$TMP/out" && ok "strip --help says only the chosen image is written" || bad "strip --help"

# import: a Python-made rootfs in each compression, round trip and config.
$CHECK rootfs "$TMP/rootfs.tar"
CHANGES=(-c 'ENV PATH=/usr/bin:/bin GREETING="hello world"' -c 'ENV LEGACY some value' -c 'CMD ["/bin/tool","--serve"]'
         -c 'ENTRYPOINT /bin/tool -v' -c 'WORKDIR /srv' -c 'WORKDIR app' -c 'USER 1000:1000' -c 'EXPOSE 80/tcp 443 53/udp'
         -c 'LABEL org.example.team=core "org.example.note=two words"' -c 'VOLUME ["/data", "/cache"]'
         -c 'ONBUILD RUN echo hi' -c 'stopsignal SIGINT')
for c in none gzip xz bzip2 zstd; do
  in="$TMP/rootfs.tar"
  [ $c != none ] && { $c -c <"$TMP/rootfs.tar" >"$TMP/rootfs.$c"; in="$TMP/rootfs.$c"; }
  out="$TMP/imp-$c.tar"
  expect_exit 0 "import a $c rootfs" -- "$BIN" import "$in" "${CHANGES[@]}" -m "made by the test" --tag test/imported:$c -o "$out"
  grep -q "wrote $out: image sha256:" "$TMP/err" && ok "import ($c) says what it wrote" || bad "import ($c): $(cat "$TMP/err")"
  if $CHECK imported "$out" "$TMP/rootfs.tar" >"$TMP/imp.json" 2>"$TMP/why" && $PY - "$TMP/imp.json" $c <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["tags"] == ["test/imported:" + sys.argv[2]], d["tags"]
assert d["created"] == "2023-11-14T22:13:20Z", d["created"]  # the newest mtime, 1700000000
assert d["history"] == [{"created": d["created"], "comment": "made by the test"}], d["history"]
assert (d["os"], d["architecture"]) == ("linux", "amd64"), d
PY
  then ok "import ($c): the layer is the rootfs byte for byte; tag, created, history"; else bad "import ($c): $(cat "$TMP/why")"; fi
  expect_exit 0 "import ($c): our verify passes" -- "$BIN" verify -q "$out"
done
out="$TMP/imp-gzip.tar"
[ $DOCKER = 1 ] && docker_loads "$out" test/imported:gzip "$(docker_diff_ids "$out")" "import (gzip)"
if skopeo inspect --config "docker-archive:$out" >"$TMP/cfg.json" 2>"$TMP/why" && $PY - "$TMP/cfg.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["config"]
want = {"Env": ["PATH=/usr/bin:/bin", "GREETING=hello world", "LEGACY=some value"], "Cmd": ["/bin/tool", "--serve"],
        "Entrypoint": ["/bin/sh", "-c", "/bin/tool -v"], "WorkingDir": "/srv/app", "User": "1000:1000",
        "ExposedPorts": {"80/tcp": {}, "443/tcp": {}, "53/udp": {}},
        "Labels": {"org.example.team": "core", "org.example.note": "two words"},
        "Volumes": {"/data": {}, "/cache": {}}, "StopSignal": "SIGINT"}
bad = {k: (c.get(k), v) for k, v in want.items() if c.get(k) != v}
assert not bad, bad
PY
then ok "skopeo inspect --config shows every -c change"; else bad "skopeo config: $(head -c 600 "$TMP/why")"; fi
$PY -c "
import sys; sys.path.insert(0, sys.argv[2]); import export_check as ec, json
c=json.loads(ec.Archive(sys.argv[1]).images()[0][1])['config']; assert c['OnBuild']==['RUN echo hi'], c" "$out" "$here" &&
  ok "ONBUILD in the config (skopeo does not show it)" || bad "ONBUILD missing"
expect_exit 0 "skopeo inspect docker-archive of the import" -- skopeo inspect "docker-archive:$out"
expect_exit 0 "import --format oci" -- "$BIN" import "$TMP/rootfs.zstd" --tag test/oci -o "$TMP/imp-oci.tar" --format oci
expect_exit 0 "skopeo inspect oci-archive of the import" -- skopeo inspect "oci-archive:$TMP/imp-oci.tar:test/oci:latest"
rm -rf "$TMP/ocidir" "$TMP/bundle"
if skopeo copy -q "oci-archive:$TMP/imp-oci.tar:test/oci:latest" "oci:$TMP/ocidir:x" >/dev/null 2>&1 &&
   umoci unpack --image "$TMP/ocidir:x" "$TMP/bundle" >/dev/null 2>&1 &&
   [ "$(cat "$TMP/bundle/rootfs/etc/os-release")" = "ID=test" ] && [ "$(readlink "$TMP/bundle/rootfs/bin/alias")" = tool ] &&
   [ "$(stat -c %i "$TMP/bundle/rootfs/etc/os-release")" = "$(stat -c %i "$TMP/bundle/rootfs/etc/os-release-copy")" ]; then
  ok "umoci unpack of the import: contents, symlink and hard link as made"
else bad "umoci unpack of the import failed or differs"; fi

# Determinism and SOURCE_DATE_EPOCH.
"$BIN" import "$TMP/rootfs.gzip" "${CHANGES[@]}" -m "made by the test" --tag test/imported:gzip -o "$TMP/again.tar" 2>/dev/null
cmp -s "$TMP/imp-gzip.tar" "$TMP/again.tar" && ok "import gives the same bytes twice" || bad "import not deterministic"
SOURCE_DATE_EPOCH=86400 "$BIN" import "$TMP/rootfs.tar" -o "$TMP/sde.tar" 2>/dev/null
$CHECK imported "$TMP/sde.tar" "$TMP/rootfs.tar" | $PY -c "
import json,sys; d=json.load(sys.stdin)
assert d['created']=='1970-01-02T00:00:00Z' and d['history'][0]['comment']=='Imported from rootfs.tar' and d['tags']==[], d" &&
  ok "SOURCE_DATE_EPOCH sets created; default comment 'Imported from rootfs.tar'; untagged" || bad "SOURCE_DATE_EPOCH / defaults"

# Bad input.
head -c $(($(stat -c %s "$TMP/rootfs.gzip") / 2)) "$TMP/rootfs.gzip" >"$TMP/cut.tar.gz"
expect_exit 1 "import of a truncated gzip rootfs" -- "$BIN" import "$TMP/cut.tar.gz" -o "$TMP/cut-out.tar"
grep -q "cut.tar.gz" "$TMP/err" && ok "the error names the rootfs" || bad "corrupt rootfs error: $(cat "$TMP/err")"
[ ! -e "$TMP/cut-out.tar" ] && [ -z "$(ls -A "$TMP" | grep '^\.cut-out')" ] && ok "corrupt rootfs: no output" || bad "corrupt rootfs left a file"
head -c 2000 /dev/urandom >"$TMP/noise.tar"
expect_exit 1 "import of random bytes" -- "$BIN" import "$TMP/noise.tar" -o "$TMP/noise-out.tar"
[ ! -e "$TMP/noise-out.tar" ] && ok "random bytes: no output" || bad "random bytes left a file"
expect_exit 2 "import -c with an unknown instruction" -- "$BIN" import "$TMP/rootfs.tar" -c "RUN rm -rf /" -o "$TMP/x.tar"
grep -q "RUN" "$TMP/err" && ok "the usage error names the instruction" || bad "unknown instruction: $(cat "$TMP/err")"
expect_exit 2 "import -c 'EXPOSE 99999'" -- "$BIN" import "$TMP/rootfs.tar" -c "EXPOSE 99999" -o "$TMP/x.tar"
expect_exit 2 "import -c 'ENV' without an argument" -- "$BIN" import "$TMP/rootfs.tar" -c "ENV" -o "$TMP/x.tar"
expect_exit 2 "import --tag 'a b'" -- "$BIN" import "$TMP/rootfs.tar" --tag "a b" -o "$TMP/x.tar"
expect_exit 2 "import without -o" -- "$BIN" import "$TMP/rootfs.tar"
expect_exit 2 "import --compress (a foreign flag)" -- "$BIN" import "$TMP/rootfs.tar" --compress gzip -o "$TMP/x.tar"
expect_exit 1 "import -o /dev/full" -- "$BIN" import "$TMP/rootfs.tar" -o /dev/full
[ ! -e "$TMP/x.tar" ] && ok "no output for refused imports" || bad "a refused import left a file"
expect_exit 0 "import --help" -- "$BIN" import --help
# Rewritten layers keep what a runtime needs of each entry: extended attributes
# (security.capability on a binary), owner and group names, device numbers.
# The image is made with Python's tarfile (pax); every output is read back with it.
$PY - "$TMP/attrs.tar" <<'PYEOF'
import hashlib, io, json, sys, tarfile
layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode='w', format=tarfile.PAX_FORMAT) as t:
    def add(name, body=b'', **kw):
        ti = tarfile.TarInfo(name); ti.size = len(body); ti.mtime = 1700000000
        for k, v in kw.items(): setattr(ti, k, v)
        t.addfile(ti, io.BytesIO(body) if body else None)
    add('bin/ping', b'\x7fELF ping', mode=0o755, uname='app', gname='staff', uid=1000, gid=50,
        pax_headers={'SCHILY.xattr.security.capability': '\x01\x00\x00\x02\x00 \x00\x00'})
    add('dev/null', type=tarfile.CHRTYPE, devmajor=1, devminor=3, mode=0o666)
    add('secret.txt', b'token=abc')
raw = layer.getvalue()
d = hashlib.sha256(raw).hexdigest()
cfg = json.dumps({'architecture': 'amd64', 'os': 'linux', 'rootfs': {'type': 'layers', 'diff_ids': ['sha256:' + d]},
                  'history': [{'created_by': 'COPY . /'}]}).encode()
c = hashlib.sha256(cfg).hexdigest()
with tarfile.open(sys.argv[1], 'w') as out:
    for name, body in ((c + '.json', cfg), (d + '/layer.tar', raw),
                       ('manifest.json', json.dumps([{'Config': c + '.json', 'RepoTags': ['attrs:1'], 'Layers': [d + '/layer.tar']}]).encode())):
        ti = tarfile.TarInfo(name); ti.size = len(body); out.addfile(ti, io.BytesIO(body))
PYEOF
# attrs_kept OUT archive|tar gone|kept: bin/ping and dev/null of the last layer of the image
# archive OUT (or of the plain tar OUT) as tarfile reads them; secret.txt gone or kept.
attrs_kept() {
  $PY - "$@" <<'PYEOF'
import json, sys, tarfile
path, kind, secret = sys.argv[1:4]
if kind == 'tar':
    layer = tarfile.open(path)
else:
    outer = tarfile.open(path)
    m = json.load(outer.extractfile('manifest.json'))
    layer = tarfile.open(fileobj=outer.extractfile(m[0]['Layers'][-1]))
e = {m.name.strip('./'): m for m in layer}
p, n = e['bin/ping'], e['dev/null']
want = '\x01\x00\x00\x02\x00 \x00\x00'
got = p.pax_headers.get('SCHILY.xattr.security.capability')
problems = []
if got != want: problems.append(f'security.capability {got!r}')
if (p.uname, p.gname, p.uid, p.gid, p.mode) != ('app', 'staff', 1000, 50, 0o755): problems.append(f'ping owner {p.uname}:{p.gname} {p.uid}:{p.gid} {oct(p.mode)}')
if not n.ischr() or (n.devmajor, n.devminor) != (1, 3): problems.append(f'dev/null type {n.type!r} {n.devmajor},{n.devminor}')
if ('secret.txt' in e) != (secret == 'kept'): problems.append(f'secret.txt should be {secret}')
print('; '.join(problems)); sys.exit(1 if problems else 0)
PYEOF
}
expect_exit 0 "strip of the pax image" -- "$BIN" strip "$TMP/attrs.tar" /secret.txt -o "$TMP/attrs-stripped.tar"
attrs_kept "$TMP/attrs-stripped.tar" archive gone >"$TMP/why" && ok "strip keeps xattrs, owner names and device numbers" || bad "strip: $(cat "$TMP/why")"
expect_exit 0 "squash of the pax image" -- "$BIN" squash "$TMP/attrs.tar" -o "$TMP/attrs-squashed.tar"
attrs_kept "$TMP/attrs-squashed.tar" archive kept >"$TMP/why" && ok "squash keeps xattrs, owner names and device numbers" || bad "squash: $(cat "$TMP/why")"
expect_exit 0 "export of the pax image" -- "$BIN" export "$TMP/attrs.tar" -o "$TMP/attrs-root.tar"
attrs_kept "$TMP/attrs-root.tar" tar kept >"$TMP/why" && ok "export keeps xattrs, owner names and device numbers" || bad "export: $(cat "$TMP/why")"
finish
