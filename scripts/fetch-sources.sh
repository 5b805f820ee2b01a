#!/usr/bin/env bash
# layerscope: download and unpack the Debian 12 source packages of the WebAssembly
# dependencies (zlib, libzstd, xz-utils, bzip2, libarchive) without touching /etc/apt.
#
#   scripts/fetch-sources.sh
#
# Cache: ${LAYERSCOPE_CACHE:-$HOME/.cache/layerscope}
#   apt/parts/     private deb-src sources list, derived from /etc/apt
#   apt/lists/     private package lists (apt-get -o Dir::State::Lists=...)
#   apt/cache/     private apt cache (keeps the system's pkgcache.bin untouched)
#   src/           downloaded .dsc/.orig/.debian files, verified against scripts/deps.sha256
#   src/<pkg>_<version>/   (version without epoch) unpacked with `dpkg-source -x` (Debian patches applied)
#   src/<pkg> -> <pkg>_<version>   stable name used by scripts/build-wasm-deps.sh
#
# Idempotent: packages whose pinned version is already unpacked are skipped, and
# nothing is downloaded (no `apt-get update`) when all of them are. Works as a
# normal user: apt-get with private lists needs no root.
#
# If a pinned version has left the archive, the candidate (highest) version is used
# with a warning; all its files must still be in deps.sha256, except the .dsc and
# .debian.tar of a newer libarchive Debian revision (security update), which only warn.
#
# Environment: LAYERSCOPE_CACHE (cache root), LAYERSCOPE_UPDATE_SHA256=1 (rewrite
# scripts/deps.sha256 from the files just downloaded: only to bump the pins).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sums_file="$here/deps.sha256"
cache="${LAYERSCOPE_CACHE:-$HOME/.cache/layerscope}"
src="$cache/src"
aptdir="$cache/apt"

# Pinned source versions (Debian 12 "bookworm"). The SHA-256 of every file is in deps.sha256.
pins=(
    zlib=1:1.2.13.dfsg-1
    libzstd=1.5.4+dfsg2-5
    xz-utils=5.4.1-1+deb12u2
    bzip2=1.0.8-5
    libarchive=3.6.2-1+deb12u5
)
# Packages allowed to move to a newer Debian revision of the same upstream version
# (security updates), with a warning: the .orig tarball must still match deps.sha256.
may_float=" libarchive "

log()  { echo "fetch-sources: $*"; }
warn() { echo "fetch-sources: WARNING: $*" >&2; }
die()  { echo "fetch-sources: ERROR: $*" >&2; exit 1; }

for tool in apt-get apt-cache dpkg-source sha256sum; do
    command -v "$tool" >/dev/null 2>&1 \
        || die "$tool not found (Debian only; run scripts/setup.sh, dpkg-source is in dpkg-dev)"
done

mkdir -p "$src"

# ---- fast path: everything pinned already unpacked ------------------------------------
todo=()
for pin in "${pins[@]}"; do
    name="${pin%%=*}" ver="${pin#*=}"
    if [ -d "$src/${name}_${ver#*:}" ]; then
        ln -sfn "${name}_${ver#*:}" "$src/$name"
    else
        todo+=("$pin")
    fi
done
if [ "${#todo[@]}" -eq 0 ]; then
    log "all ${#pins[@]} source packages already unpacked in $src"
    exit 0
fi

# ---- private apt configuration ---------------------------------------------------------
mkdir -p "$aptdir/parts" "$aptdir/lists/partial" "$aptdir/cache/archives/partial"
rm -f "$aptdir/parts/"*
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    # deb822: "Types: deb" (or "deb deb-src") -> "Types: deb-src"
    sed -E 's/^Types:.*$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
        > "$aptdir/parts/debian-src.sources"
elif [ -f /etc/apt/sources.list ] && grep -qE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list; then
    # one-line format: "deb [opts] URI suite comps" -> "deb-src ..."
    sed -nE 's/^[[:space:]]*deb[[:space:]]+/deb-src /p' /etc/apt/sources.list \
        > "$aptdir/parts/debian-src.list"
else
    die "no Debian sources found (/etc/apt/sources.list.d/debian.sources or deb lines in /etc/apt/sources.list)"
fi

apt_opts=(
    -o Dir::Etc::SourceList=/dev/null
    -o Dir::Etc::SourceParts="$aptdir/parts"
    -o Dir::State::Lists="$aptdir/lists"
    -o Dir::Cache="$aptdir/cache"
    -o Acquire::Retries=3
)
if [ "$(id -u)" -eq 0 ]; then
    # The cache is usually under /root, which the _apt download sandbox user cannot enter.
    apt_opts+=(-o APT::Sandbox::User=root)
fi

log "apt-get update (private deb-src lists in $aptdir)"
ulog="$aptdir/update.log"
if ! apt-get "${apt_opts[@]}" update >"$ulog" 2>&1; then
    cat "$ulog" >&2
    die "apt-get update with the private deb-src list failed (log: $ulog)"
fi

# ---- helpers ---------------------------------------------------------------------------
# pinned sha256 of a file name, empty if not pinned
pinned_sum() { awk -v f="$1" '$2 == f || $2 == "*" f { print $1; exit }' "$sums_file" 2>/dev/null; }

# all versions apt knows for a source package, one per line
src_versions() {
    apt-cache "${apt_opts[@]}" showsrc --only-source "$1" 2>/dev/null | sed -n 's/^Version: //p'
}

# highest version from stdin
highest() {
    local best="" v
    while read -r v; do
        [ -n "$v" ] || continue
        if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then best="$v"; fi
    done
    printf '%s\n' "$best"
}

# files listed in a .dsc (Files: section) plus the .dsc itself
dsc_files() {
    basename "$1"
    awk '/^Files:/ { f = 1; next } /^[^ ]/ { f = 0 } f && NF == 3 { print $3 }' "$1"
}

new_sums=()
for pin in "${todo[@]}"; do
    name="${pin%%=*}" ver="${pin#*=}"
    upstream="${ver%-*}"
    floated=0

    if ! src_versions "$name" | grep -qxF -- "$ver"; then
        cand="$(src_versions "$name" | highest)"
        [ -n "$cand" ] || die "$name: no source package found in the Debian archive"
        warn "$name $ver is no longer in the archive; falling back to the candidate $cand"
        ver="$cand"
        floated=1
    fi
    dir="${name}_${ver#*:}"    # directory names drop the epoch, like Debian file names
    if [ -d "$src/$dir" ]; then
        ln -sfn "$dir" "$src/$name"
        log "$name $ver: already unpacked"
        continue
    fi

    # Debian .dsc names drop the epoch
    dsc="$src/${name}_${ver#*:}.dsc"
    log "$name $ver: apt-get source --download-only"
    dlog="$aptdir/source-$name.log"
    if ! (cd "$src" && apt-get "${apt_opts[@]}" source --download-only "$name=$ver") >"$dlog" 2>&1; then
        cat "$dlog" >&2
        die "$name: apt-get source $name=$ver failed (log: $dlog)"
    fi
    [ -f "$dsc" ] || die "$name: $dsc missing after download (log: $dlog)"

    # ---- verify every file against deps.sha256 ----
    while read -r f; do
        [ -f "$src/$f" ] || die "$name: $f listed in $(basename "$dsc") but not downloaded"
        got="$(sha256sum "$src/$f" | cut -d' ' -f1)"
        if [ "${LAYERSCOPE_UPDATE_SHA256:-0}" = 1 ]; then
            new_sums+=("$got  $f")
            continue
        fi
        want="$(pinned_sum "$f")"
        if [ -n "$want" ]; then
            if [ "$got" != "$want" ]; then
                die "SHA-256 MISMATCH for $f
  expected $want ($sums_file)
  got      $got ($src/$f)
refusing to unpack $name; delete $src/$f to download it again"
            fi
        elif [ "$floated" = 1 ] && [[ "$may_float" == *" $name "* ]] && [ "${ver%-*}" = "$upstream" ] \
             && [[ "$f" != *.orig.tar.* ]]; then
            warn "$f is not in deps.sha256 (newer Debian revision $ver of $name $upstream); its hash is only checked by apt's signed index ($got)"
        else
            die "$f ($name $ver) has no SHA-256 in scripts/deps.sha256: refusing to use an unpinned file"
        fi
    done < <(dsc_files "$dsc")

    # ---- unpack (applies the Debian patches) ----
    tmp="$src/.tmp-$dir"
    rm -rf "$tmp"
    ulog="$aptdir/unpack-$name.log"
    if ! dpkg-source -x "$dsc" "$tmp" >"$ulog" 2>&1; then
        cat "$ulog" >&2
        rm -rf "$tmp"
        die "$name: dpkg-source -x $(basename "$dsc") failed (log: $ulog)"
    fi
    mv "$tmp" "$src/$dir"
    ln -sfn "$dir" "$src/$name"
    log "$name $ver: unpacked, $(grep -c 'applying' "$ulog" || true) Debian patches applied -> $src/$name"
done

if [ "${LAYERSCOPE_UPDATE_SHA256:-0}" = 1 ]; then
    {
        echo "# SHA-256 of the Debian 12 source package files used by scripts/fetch-sources.sh."
        echo "# Generated with LAYERSCOPE_UPDATE_SHA256=1 scripts/fetch-sources.sh (on an empty cache)."
        printf '%s\n' "${new_sums[@]}" | sort -k2
    } > "$sums_file"
    log "wrote $sums_file (${#new_sums[@]} files)"
fi
log "sources ready in $src"
