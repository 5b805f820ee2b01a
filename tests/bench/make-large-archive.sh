#!/usr/bin/env bash
# Generates a large, realistic container image archive for benchmarks, with
# real tools that are independent of layerscope (GNU tar writes each layer from
# files of this machine, umoci adds them to an OCI image, skopeo writes the archive).
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
# Image layout: 12 layers, as a Dockerfile with a dozen steps writes them.
# Files come from four places, each spread over consecutive layers in sorted
# path order (as package installs add ranges of paths):
#   1-2   base    /usr/bin, /usr/sbin, /usr/libexec (+ /etc/bench/*, /opt/legacy/* in 1)
#   3-5   libs    /usr/lib
#   6-8   data    /usr/share
#   9-10  devel   /usr/include, then more of /usr/lib and /usr/share
#   11    changes /etc/bench/config.ini modified, whiteouts for
#                 /etc/bench/obsolete.conf, for a whole directory that layer 3-5
#                 added (e.g. /usr/lib/apt) and for the old /opt/legacy content
#   12    upgrade 64 regular files of /usr/lib under 256 KiB (the first in path
#                 order left by 11) again, only their times changed: wasted space
# Files are taken in sorted path order until each place's share of SIZE_MB
# (12/33/30/25 %) is used up; files over 32 MB / 4 MB / 64 KB / 64 KB are
# skipped in base / libs / data / devel. On Debian 12 (2 cores) 400 MB gives
# ~35,000 files and 1800 MB ~135,000 (the machine's /usr runs out at ~1.5 GB).
#
# Needs: umoci, skopeo, GNU tar/coreutils/findutils/awk (Debian 12: apt-get install -y umoci skopeo).
# Env: TMPDIR (work dir, default /tmp), KEEP_WORK=1 to keep the work dir,
# SOURCE_DATE_EPOCH (every time in the image, default 1700000000: two builds of
# the recipe at different times differ in every layer, not in any file's content).
set -euo pipefail

usage() { sed -n '2,37p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

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
        # share of the total per place (percent); unused budget carries over
        share[1] = 12; share[2] = 33; share[3] = 30; share[4] = 25
        name[1] = "base"; name[2] = "libs"; name[3] = "data"; name[4] = "devel"
        # largest file taken per place: big binaries in base, many small files in data and devel
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
        for (l = 1; l <= 4; l++) printf "%s: %d files, %.1f MB\n", name[l], n[l], b[l] / 1048576 > "/dev/stderr"
    }'
for l in 1 2 3 4; do touch "$work/list$l"; done

# --- build the image: each layer a tar written by GNU tar, added by umoci ----
# Deterministic for the same files: names sorted, owners 0:0, every time the same
# (the upgrade layer's a day later), history dated. Each layer carries the
# directories above its files, as layers written by docker and buildah do.
umoci init --layout "$oci"
umoci new --image "$img"
epoch="${SOURCE_DATE_EPOCH:-1700000000}"
[[ "$epoch" =~ ^[0-9]+$ ]] || { echo "SOURCE_DATE_EPOCH must be whole seconds" >&2; exit 2; }
created="$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)"
nlayers=0
layer_tar() { # layer_tar TAR MTIME LIST [GENDIR]: the listed paths (relative to /, no recursion), then GENDIR's tree
    local tar_common=(--format=gnu --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$2")
    if [ -n "${4:-}" ]; then
        tar -cf "$1" "${tar_common[@]}" --no-recursion -C / -T "$3" --recursion -C "$4" .
    else
        tar -cf "$1" "${tar_common[@]}" --no-recursion -C / -T "$3"
    fi
}
add_layer() { # add_layer TAR "created_by"
    umoci raw add-layer --image "$img" --history.created "$created" --history.created_by "$2" "$1"
    rm -f "$1"
    nlayers=$((nlayers + 1))
    log "$2"
}
with_parents() { # with_parents LIST > OUT: the list's paths and every directory above them, relative, sorted
    awk '{ sub("^/", ""); n = split($0, c, "/"); p = ""; for (i = 1; i < n; i++) { p = p (i > 1 ? "/" : "") c[i]; print p } print }' "$1" |
        LC_ALL=C sort -u
}

# Each place's list is cut into consecutive parts, a layer each.
split_list() { # split_list N PARTS: list<N> -> list<N>.part1 .. list<N>.partPARTS
    split -n "l/$2" -d -a 1 "$work/list$1" "$work/list$1."
    local i
    for ((i = 0; i < $2; i++)); do with_parents "$work/list$1.$i" >"$work/list$1.part$((i + 1))"; rm "$work/list$1.$i"; done
}
split_list 1 2; split_list 2 3; split_list 3 3; split_list 4 2
empty="$work/empty"; : >"$empty"

# Layer 1 also gets small generated files: a config that layer 11 modifies, a
# file and a directory that layer 11 deletes.
g="$work/gen1"
mkdir -p "$g/etc/bench" "$g/opt/legacy/lib" "$g/opt/legacy/share"
printf '[bench]\nversion = 1\nmode = legacy\n' >"$g/etc/bench/config.ini"
printf 'this file is deleted in layer 11\n' >"$g/etc/bench/obsolete.conf"
printf 'legacy 1.0\n' >"$g/opt/legacy/VERSION"
head -c 65536 /dev/zero >"$g/opt/legacy/lib/libold.so"
printf 'old data\n' >"$g/opt/legacy/share/old.txt"
chmod -R u=rwX,go=rX "$g"
layer_tar "$work/l.tar" "$epoch" "$work/list1.part1" "$g"
add_layer "$work/l.tar" "layer 1: base, part 1 of 2 + /etc/bench + /opt/legacy"
layer_tar "$work/l.tar" "$epoch" "$work/list1.part2"
add_layer "$work/l.tar" "layer 2: base, part 2 of 2"
for k in 1 2 3; do
    layer_tar "$work/l.tar" "$epoch" "$work/list2.part$k"
    add_layer "$work/l.tar" "layer $((2 + k)): libraries from /usr/lib, part $k of 3"
done
for k in 1 2 3; do
    layer_tar "$work/l.tar" "$epoch" "$work/list3.part$k"
    add_layer "$work/l.tar" "layer $((5 + k)): data from /usr/share, part $k of 3"
done
for k in 1 2; do
    layer_tar "$work/l.tar" "$epoch" "$work/list4.part$k"
    add_layer "$work/l.tar" "layer $((8 + k)): /usr/include + more /usr/lib, /usr/share, part $k of 2"
done

# Layer 11: modify a file, delete a file, delete a directory that layers 3-5
# added (the first one two levels below /usr/lib) and replace /opt/legacy's
# content: whiteouts (.wh.NAME) as the OCI image spec writes them.
g="$work/gen11"
mkdir -p "$g/etc/bench" "$g/opt/legacy"
printf '[bench]\nversion = 2\nmode = modern\n; modified in layer 11\n' >"$g/etc/bench/config.ini"
: >"$g/etc/bench/.wh.obsolete.conf"
victim="$(awk -F/ 'NF > 5 { print "/" $2 "/" $3 "/" $4; exit }' "$work/list2")"
if [ -n "$victim" ]; then mkdir -p "$g$(dirname "$victim")" && : >"$g$(dirname "$victim")/.wh.$(basename "$victim")"; fi
: >"$g/opt/legacy/.wh.lib"
: >"$g/opt/legacy/.wh.share"
printf 'legacy 2.0 (replaced in layer 11)\n' >"$g/opt/legacy/VERSION"
chmod -R u=rwX,go=rX "$g"
layer_tar "$work/l.tar" "$epoch" "$empty" "$g"
add_layer "$work/l.tar" "layer 11: modify /etc/bench/config.ini, delete obsolete.conf ${victim:+and $victim,} replace /opt/legacy"

# Layer 12: regular files of /usr/lib under 256 KiB that survived layer 11
# written again, unchanged but for their time.
awk -v v="${victim:-/nonexistent}/" 'index($0, v) != 1' "$work/list2" | while IFS= read -r p; do
    [ -f "$p" ] && [ ! -L "$p" ] && [ "$(stat -c %s "$p")" -lt 262144 ] && printf '%s\n' "$p"
done | head -n 64 >"$work/list12" || true
with_parents "$work/list12" >"$work/list12.part1"
layer_tar "$work/l.tar" "$((epoch + 86400))" "$work/list12.part1"
add_layer "$work/l.tar" "layer 12: upgrade: $(wc -l <"$work/list12") files of /usr/lib written again"

umoci config --image "$img" --created "$created" --history.created "$created" \
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
