#!/usr/bin/env bash
# Generates a large, realistic container image archive for benchmarks, with
# real tools that are independent of layerscope (umoci builds an OCI image
# layer by layer from files copied off this machine, skopeo writes the archive).
#
# Usage: tests/bench/make-large-archive.sh [--gzip] OUT.tar [SIZE_MB]
#
#   default  OUT.tar is a docker-archive (`docker save` layout, written by
#            skopeo) whose layers are UNCOMPRESSED tars: the archive size is
#            about SIZE_MB, so a header-only scan can be measured against it.
#   --gzip   OUT.tar is an oci-archive with the same image, layers gzip'ed
#            (as umoci made them); the file is smaller than SIZE_MB.
#
# SIZE_MB (default 400) is the approximate total size of the uncompressed
# layers. The output is never meant to be committed: write it under /tmp.
#
# Image layout (layers, in order):
#   1 base    /usr/bin, /usr/sbin, /usr/libexec (+ /etc/bench/*, /opt/legacy/*)
#   2 libs    /usr/lib
#   3 data    /usr/share
#   4 devel   /usr/include, then more of /usr/lib and /usr/share
#   5 changes /etc/bench/config.ini modified, whiteouts for
#             /etc/bench/obsolete.conf, for a whole directory that layer 2
#             added (e.g. /usr/lib/apt) and for the old /opt/legacy content
# Files are taken in sorted path order until each layer's share of SIZE_MB
# (12/33/30/25 %) is used up; files over 32 MB / 4 MB / 64 KB / 64 KB are
# skipped in layers 1 / 2 / 3 / 4. On Debian 12 (2 cores) 400 MB gives ~35,000
# files and takes ~50 s; 1000 MB gives ~110,000 files in ~2 min.
#
# Needs: umoci, skopeo, GNU coreutils/findutils/awk (Debian 12: apt-get install -y umoci skopeo).
# Env: TMPDIR (work dir, default /tmp), KEEP_WORK=1 to keep the work dir.
set -euo pipefail

usage() { sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

gzip_mode=0
args=()
for a in "$@"; do
    case "$a" in
    --gzip) gzip_mode=1 ;;
    -h | --help) usage ;;
    -*) echo "unknown option: $a" >&2; usage ;;
    *) args+=("$a") ;;
    esac
done
[ "${#args[@]}" -ge 1 ] && [ "${#args[@]}" -le 2 ] || usage
out="${args[0]}"
size_mb="${args[1]:-400}"
[[ "$size_mb" =~ ^[0-9]+$ ]] && [ "$size_mb" -ge 1 ] || { echo "SIZE_MB must be a positive integer" >&2; exit 2; }

for t in umoci skopeo; do
    command -v "$t" >/dev/null || { echo "missing $t: apt-get install -y umoci skopeo" >&2; exit 1; }
done

case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
mkdir -p "$(dirname "$out")"

start=$(date +%s)
work="$(mktemp -d "${TMPDIR:-/tmp}/layerscope-bench.XXXXXX")"
if [ -z "${KEEP_WORK:-}" ]; then trap 'rm -rf "$work"' EXIT; fi
chmod 0755 "$work"
oci="$work/oci"
img="$oci:big"

log() { printf '[%3ds] %s\n' "$(($(date +%s) - start))" "$*" >&2; }

# --- choose files -----------------------------------------------------------
# Candidate list: "layer<TAB>size<TAB>path", each layer's sources in sorted
# order. Layer 4 falls back on /usr/lib and /usr/share for what 2 and 3 left.
candidates() {
    local layer="$1"; shift
    local d
    for d in "$@"; do
        [ -d "$d" ] || continue
        find "$d" -xdev \( -type f -o -type l \) -printf "${layer}\t%s\t%p\n" 2>/dev/null |
            LC_ALL=C sort -t "$(printf '\t')" -k3,3
    done
}
{
    candidates 1 /usr/bin /usr/sbin /usr/libexec
    candidates 2 /usr/lib
    candidates 3 /usr/share
    candidates 4 /usr/include /usr/lib /usr/share
} | awk -F '\t' -v total="$((size_mb * 1024 * 1024))" -v dir="$work" '
    BEGIN {
        K = 1024; M = 1024 * 1024
        # share of the total per data layer (percent); unused budget carries over
        share[1] = 12; share[2] = 33; share[3] = 30; share[4] = 25
        # largest file taken per layer: big binaries in 1, many small files in 3-4
        cap[1] = 32 * M; cap[2] = 4 * M; cap[3] = 64 * K; cap[4] = 64 * K
        cur = 0; budget = 0; used = 0
    }
    {
        l = $1; sz = $2 + 0; p = $3
        if (l != cur) {
            budget += total * share[l] / 100
            cur = l
        }
        if (sz > cap[l] || (p in seen)) next
        cost = 512 + int((sz + 511) / 512) * 512        # tar header + padded data
        if (used + cost > budget) next
        seen[p] = 1; used += cost
        print p > (dir "/list" l)
        n[l]++; b[l] += sz
    }
    END {
        for (l = 1; l <= 4; l++) printf "layer %d: %d files, %.1f MB\n", l, n[l], b[l] / 1048576 > "/dev/stderr"
    }'
for l in 1 2 3 4; do touch "$work/list$l"; done

# --- build the image with umoci ----------------------------------------------
# umoci unpack/repack: each repack turns the changes made in the bundle's
# rootfs into one new layer (`umoci insert` is not used: umoci 0.4.7 writes
# inserted layers without the tar end-of-archive blocks).
umoci init --layout "$oci"
umoci new --image "$img"
umoci unpack --image "$img" "$work/bundle" >/dev/null
rootfs="$work/bundle/rootfs"
chmod 0755 "$rootfs"
repack() { # repack "created_by"
    umoci repack --refresh-bundle --image "$img" --history.created_by "$1" "$work/bundle"
    log "layer: $1"
}

# Hard links into the rootfs are instant when the work dir and /usr share a
# file system; otherwise copy. (Only generated files are ever written to.)
if [ "$(stat -c %d /usr)" = "$(stat -c %d "$work")" ]; then cpflags=(-a -l); else cpflags=(-a); fi
stage() { # stage N: add layer N's files to the rootfs
    if [ -s "$work/list$1" ]; then
        # relative paths from / (cp -l --parents mishandles absolute ones)
        (cd / && sed 's|^/||' "$work/list$1" | xargs -d '\n' cp "${cpflags[@]}" --parents -t "$rootfs")
    fi
}

# Layer 1 also gets small generated files: a config that layer 5 modifies, a
# file and a directory that layer 5 deletes.
stage 1
mkdir -p "$rootfs/etc/bench" "$rootfs/opt/legacy/lib" "$rootfs/opt/legacy/share"
printf '[bench]\nversion = 1\nmode = legacy\n' >"$rootfs/etc/bench/config.ini"
printf 'this file is deleted in layer 5\n' >"$rootfs/etc/bench/obsolete.conf"
printf 'legacy 1.0\n' >"$rootfs/opt/legacy/VERSION"
head -c 65536 /dev/zero >"$rootfs/opt/legacy/lib/libold.so"
printf 'old data\n' >"$rootfs/opt/legacy/share/old.txt"
chmod 0755 "$rootfs/etc" "$rootfs/etc/bench" "$rootfs/opt" "$rootfs/opt/legacy" "$rootfs/opt/legacy/lib" "$rootfs/opt/legacy/share"
repack "layer 1: base /usr/bin /usr/sbin /usr/libexec + /etc/bench + /opt/legacy"
stage 2
repack "layer 2: libraries from /usr/lib"
stage 3
repack "layer 3: data from /usr/share"
stage 4
repack "layer 4: /usr/include + more /usr/lib, /usr/share"

# Layer 5: modify a file, delete a file, delete a directory that layer 2 added
# (the first one two levels below /usr/lib) and replace /opt/legacy's content.
printf '[bench]\nversion = 2\nmode = modern\n; modified in layer 5\n' >"$rootfs/etc/bench/config.ini"
rm "$rootfs/etc/bench/obsolete.conf"
victim="$(awk -F/ 'NF > 5 { print "/" $2 "/" $3 "/" $4; exit }' "$work/list2")"
[ -z "$victim" ] || rm -rf "${rootfs:?}$victim"
rm -rf "$rootfs/opt/legacy/lib" "$rootfs/opt/legacy/share"
printf 'legacy 2.0 (replaced in layer 5)\n' >"$rootfs/opt/legacy/VERSION.new"
mv "$rootfs/opt/legacy/VERSION.new" "$rootfs/opt/legacy/VERSION"
repack "layer 5: modify /etc/bench/config.ini, delete obsolete.conf ${victim:+and $victim,} replace /opt/legacy"

umoci config --image "$img" \
    --history.created_by "umoci config: entrypoint, env, labels" \
    --config.entrypoint /usr/bin/bash --config.cmd -l \
    --config.env PATH=/usr/local/bin:/usr/bin:/bin --config.env BENCH=1 \
    --config.workingdir /root --config.user 0:0 \
    --config.label org.opencontainers.image.title=layerscope-bench \
    --config.label "org.opencontainers.image.description=large benchmark image (${size_mb} MB)"

# --- write the archive with skopeo -------------------------------------------
rm -f "$out"
if [ "$gzip_mode" = 1 ]; then
    skopeo copy -q "oci:$img" "oci-archive:$out:big/image:1"
    kind="oci-archive, gzip layers"
else
    # docker-archive layers are stored as uncompressed tars.
    skopeo copy -q "oci:$img" "docker-archive:$out:big/image:1"
    kind="docker-archive, uncompressed layers"
fi
log "wrote $kind"

layers="$(skopeo inspect --config "${kind%%,*}:$out" | awk '/"diff_ids"/,/]/' | grep -c 'sha256:' || true)"
bytes="$(stat -c %s "$out")"
echo "$out"
printf 'size: %d bytes (%.1f MB), %s layers, %s files, %s, %ds\n' \
    "$bytes" "$(awk -v b="$bytes" 'BEGIN { print b / 1048576 }')" "$layers" "$(cat "$work"/list? | wc -l)" "$kind" "$(($(date +%s) - start))"
