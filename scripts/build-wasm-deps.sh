#!/usr/bin/env bash
# layerscope: build the WebAssembly (Emscripten) static dependencies of the core:
# zlib, bzip2, zstd, liblzma (xz) and libarchive, from the pinned Debian 12 sources
# (scripts/fetch-sources.sh), as Release (-O3) static libraries.
#
#   scripts/build-wasm-deps.sh                 build (or reuse) the prefix; prints its path last
#   scripts/build-wasm-deps.sh --regen-cache   also run libarchive's full configure (~6 min),
#                                              rewrite cmake/libarchive-emscripten-cache.cmake
#                                              and check that config.h is the same with the cache
#   WASM_DEPS=$(scripts/build-wasm-deps.sh | tail -1)
#
# Prefix: ${LAYERSCOPE_CACHE:-$HOME/.cache/layerscope}/wasm-deps-<key>/
#   include/  zlib.h zconf.h bzlib.h zstd.h zstd_errors.h zdict.h lzma.h lzma/ archive.h
#             archive_entry.h nlohmann/ (json.hpp, json_fwd.hpp and the rest of
#             Debian's multi-file nlohmann-json 3.11.2 headers), dtl/ (libdtl-dev)
#   lib/      libz.a libbz2.a libzstd.a liblzma.a libarchive.a
#   BUILDINFO (versions, flags), .stamp (written last: the prefix is complete)
# <key> hashes this script, cmake/libarchive-emscripten-cache.cmake, scripts/deps.sha256
# and `emcc --version`, so a changed recipe builds a new prefix. A complete prefix is
# reused at once. Building happens in a temporary directory under the cache; on failure
# it is kept, with the log of the failing library.
#
# Progress goes to stderr; stdout gets only the prefix path (last line).
# Environment: LAYERSCOPE_CACHE, LAYERSCOPE_JOBS (default 2).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
self="$here/$(basename "${BASH_SOURCE[0]}")"
la_cache="$root/cmake/libarchive-emscripten-cache.cmake"
sums_file="$here/deps.sha256"
cache="${LAYERSCOPE_CACHE:-$HOME/.cache/layerscope}"
src="$cache/src"
jobs="${LAYERSCOPE_JOBS:-2}"

regen=0
for arg in "$@"; do
    case "$arg" in
        --regen-cache) regen=1 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$self"; exit 0 ;;
        *) echo "build-wasm-deps: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

msg() { echo "build-wasm-deps: $*" >&2; }
die() { echo "build-wasm-deps: ERROR: $*" >&2; exit 1; }
hint() {
    msg "prefix: $1"
    msg "hint:   export LAYERSCOPE_WASM_DEPS=$1"
}

# Debian's emscripten needs node modules from /usr/share/nodejs (acorn for -O2 and above).
export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"
# Nothing from a native build or a calling make may leak into the Emscripten builds.
unset CFLAGS CXXFLAGS CPPFLAGS LDFLAGS MAKEFLAGS MFLAGS MAKELEVEL CC CXX AR RANLIB

command -v emcc >/dev/null 2>&1 || die "emcc not found: run scripts/setup.sh (apt package emscripten)"
[ -f "$la_cache" ] || [ "$regen" = 1 ] || die "missing $la_cache (run with --regen-cache to create it)"
[ -f "$sums_file" ] || die "missing $sums_file"

# (no `| head -1`: with pipefail, emcc may die of SIGPIPE and fail the pipeline)
emcc_version="$(emcc --version 2>/dev/null)" || die "emcc --version failed"
emcc_version="${emcc_version%%$'\n'*}"
emcc_short="emcc $(sed -E 's/.*\) ([0-9][0-9.]*).*/\1/' <<<"$emcc_version")"
patches="$here/patches"       # applied to the Debian sources before building (see each file's head)
key="$( { cat "$self" "$sums_file" "$patches"/*.patch "$here"/zstd-check/*; [ -f "$la_cache" ] && cat "$la_cache"; echo "$emcc_version"; } \
        | sha256sum | cut -c1-12)"
prefix="$cache/wasm-deps-$key"

# ---- fast path -------------------------------------------------------------------------
if [ -f "$prefix/.stamp" ] && [ "$regen" = 0 ]; then
    hint "$prefix"
    echo "$prefix"
    exit 0
fi

mkdir -p "$cache"
# One build at a time per cache (e.g. make -j running two targets that both need it).
exec 9>"$cache/.wasm-deps.lock"
if ! flock -n 9; then
    msg "another build-wasm-deps.sh is running; waiting for it"
    flock 9
fi
if [ -f "$prefix/.stamp" ] && [ "$regen" = 0 ]; then
    hint "$prefix"
    echo "$prefix"
    exit 0
fi

t_start=$SECONDS
"$here/fetch-sources.sh" >&2 || die "fetching the Debian sources failed (scripts/fetch-sources.sh)"
for d in zlib bzip2 libzstd xz-utils libarchive; do
    [ -d "$src/$d" ] || die "source directory $src/$d missing after fetch-sources.sh"
done
for h in json.hpp json_fwd.hpp; do
    [ -f "/usr/include/nlohmann/$h" ] || die "/usr/include/nlohmann/$h missing (apt package nlohmann-json3-dev)"
done
[ -f /usr/include/dtl/dtl.hpp ] || die "/usr/include/dtl/dtl.hpp missing (apt package libdtl-dev)"

mkdir -p "$cache/tmp"
work="$(mktemp -d "$cache/tmp/wasm-deps-$key.XXXXXX")"
stage="$work/stage"          # install prefix of the individual builds
logs="$work/logs"
mkdir -p "$stage/include" "$stage/lib" "$logs"
msg "building in $work (jobs: $jobs, $emcc_short)"

# run LIB STEP CMD... : run a build step with its output in logs/LIB.log
run() {
    local lib="$1" step="$2"
    shift 2
    local log="$logs/$lib.log"
    echo "==== $step: $*" >>"$log"
    if ! "$@" >>"$log" 2>&1; then
        echo "build-wasm-deps: ERROR: $lib failed at step '$step'" >&2
        echo "build-wasm-deps:   log:       $log" >&2
        echo "build-wasm-deps:   build dir: $work (kept)" >&2
        echo "---- last 30 lines of $log ----" >&2
        tail -n 30 "$log" >&2
        exit 1
    fi
}
lap() { msg "$1 done ($(( SECONDS - t_lib )) s)"; }

# ---- zlib: the CMake build needs win32/zlib1.rc, which the dfsg tarball removes ----
t_lib=$SECONDS
cp -a "$src/zlib/." "$work/zlib"
( cd "$work/zlib"
  run zlib configure env CFLAGS="-O3 -DNDEBUG" emconfigure ./configure --static --prefix="$stage"
  run zlib build emmake make -j"$jobs" libz.a
  run zlib install cp libz.a "$stage/lib/"
  run zlib install-headers cp zlib.h zconf.h "$stage/include/" )
lap zlib

# ---- bzip2: plain Makefile ----
t_lib=$SECONDS
cp -a "$src/bzip2/." "$work/bzip2"
( cd "$work/bzip2"
  run bzip2 build emmake make -j"$jobs" libbz2.a CC=emcc AR=emar RANLIB=emranlib \
      CFLAGS="-O3 -DNDEBUG -D_FILE_OFFSET_BITS=64"
  run bzip2 install cp libbz2.a "$stage/lib/"
  run bzip2 install-headers cp bzlib.h "$stage/include/" )
lap bzip2

# ---- zstd: patched for 64-bit bit containers in wasm32 (patches/libzstd-wasm32-bit-containers.patch),
# then checked (zstd-check/run.sh): zstd's decodecorpus in node, and valid and damaged frames
# decoded alike by this wasm libzstd and by the unpatched source built natively ----
t_lib=$SECONDS
zsrc="$work/libzstd-src"
cp -a "$src/libzstd/." "$zsrc"
run zstd patch patch -p1 -d "$zsrc" -i "$patches/libzstd-wasm32-bit-containers.patch"
run zstd configure emcmake cmake -S "$zsrc/build/cmake" -B "$work/zstd" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$stage" \
    -DZSTD_BUILD_PROGRAMS=OFF -DZSTD_BUILD_SHARED=OFF -DZSTD_BUILD_STATIC=ON \
    -DZSTD_BUILD_TESTS=OFF -DZSTD_MULTITHREAD_SUPPORT=OFF -DZSTD_LEGACY_SUPPORT=OFF
run zstd build cmake --build "$work/zstd" -j "$jobs"
run zstd install cmake --install "$work/zstd"
run zstd check "$here/zstd-check/run.sh" "$src/libzstd" "$zsrc" "$stage/lib/libzstd.a" "$work/zstd-check"
grep '^zstd-check:' "$logs/zstd.log" | sed 's/^/build-wasm-deps: /' >&2
lap zstd

# ---- liblzma (xz 5.4.1) ----
t_lib=$SECONDS
run liblzma configure emcmake cmake -S "$src/xz-utils" -B "$work/xz" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$stage" -DBUILD_SHARED_LIBS=OFF \
    -DCMAKE_C_BYTE_ORDER=LITTLE_ENDIAN -DCREATE_XZ_SYMLINKS=OFF -DCREATE_LZMA_SYMLINKS=OFF
run liblzma build cmake --build "$work/xz" -j "$jobs" --target liblzma
run liblzma install cmake --install "$work/xz" --component liblzma_Development
lap liblzma

# ---- libarchive ----
la_opts=(
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$stage"
    -DENABLE_OPENSSL=OFF -DENABLE_MBEDTLS=OFF -DENABLE_NETTLE=OFF -DENABLE_LIBB2=OFF
    -DENABLE_LZ4=OFF -DENABLE_LZO=OFF -DENABLE_LIBXML2=OFF -DENABLE_EXPAT=OFF
    -DENABLE_PCREPOSIX=OFF -DENABLE_LIBGCC=OFF -DENABLE_CNG=OFF
    -DENABLE_TAR=OFF -DENABLE_CPIO=OFF -DENABLE_CAT=OFF
    -DENABLE_XATTR=OFF -DENABLE_ACL=OFF -DENABLE_ICONV=OFF
    -DENABLE_TEST=OFF -DENABLE_WERROR=OFF
    -DENABLE_ZLIB=ON -DENABLE_BZip2=ON -DENABLE_LZMA=ON -DENABLE_ZSTD=ON
    # Emscripten.cmake searches libraries only below CMAKE_FIND_ROOT_PATH
    -DCMAKE_FIND_ROOT_PATH="$stage" -DCMAKE_PREFIX_PATH="$stage"
)
# Ninja fails ("multiple rules generate libarchive/libarchive.a": without shared-library
# support the SHARED target becomes a second static one), so Unix Makefiles + archive_static.

if [ "$regen" = 1 ]; then
    t_lib=$SECONDS
    msg "libarchive: full configure without the check cache (slow, ~6 min)"
    run libarchive-nocache configure emcmake cmake -S "$src/libarchive" -B "$work/libarchive-nocache" \
        -G "Unix Makefiles" "${la_opts[@]}"
    {
        echo "# libarchive $(basename "$(readlink -f "$src/libarchive")") configure-check results for Emscripten"
        echo "# ($emcc_short), from a full configure by scripts/build-wasm-deps.sh --regen-cache."
        echo "# Passed with -C, so the ~400 checks (each an emcc link) are not run again."
        echo "# Excluded: CMAKE_*, _*, *-ADVANCED, libarchive_*, PC_*, FIND_PACKAGE*."
        sed -nE 's/^([A-Za-z0-9_.+-]+):INTERNAL=(.*)$/\1\t\2/p' "$work/libarchive-nocache/CMakeCache.txt" \
            | awk -F'\t' '$1 !~ /^(CMAKE_|_|libarchive_|PC_|FIND_PACKAGE)/ && $1 !~ /-ADVANCED$/' \
            | LC_ALL=C sort \
            | awk -F'\t' '{ v = $2; gsub(/\\/, "\\\\", v); gsub(/"/, "\\\"", v); gsub(/\$/, "\\$", v);
                            printf "set(%s \"%s\" CACHE INTERNAL \"\")\n", $1, v }'
    } > "$la_cache.new"
    mv "$la_cache.new" "$la_cache"
    msg "wrote $la_cache ($(grep -c '^set(' "$la_cache") entries, $(( SECONDS - t_lib )) s)"
    # the cache file is part of the key
    key="$( { cat "$self" "$sums_file" "$la_cache"; echo "$emcc_version"; } | sha256sum | cut -c1-12)"
    prefix="$cache/wasm-deps-$key"
fi

t_lib=$SECONDS
run libarchive configure emcmake cmake -S "$src/libarchive" -B "$work/libarchive" \
    -G "Unix Makefiles" -C "$la_cache" "${la_opts[@]}"
checks="$(grep -cE '^-- (Looking for|Performing Test|Check size of|Check if|Checking)' "$logs/libarchive.log" || true)"
[ "$checks" -le 10 ] || msg "WARNING: libarchive configure ran $checks checks: $la_cache looks stale (--regen-cache)"
for h in HAVE_ZLIB_H HAVE_BZLIB_H HAVE_LZMA_H HAVE_ZSTD_H HAVE_LIBZSTD; do
    grep -q "^#define $h 1" "$work/libarchive/config.h" \
        || die "libarchive: config.h lacks '#define $h 1': a compression library was not found (log: $logs/libarchive.log, build dir $work kept)"
done
if [ "$regen" = 1 ]; then
    if cmp -s "$work/libarchive-nocache/config.h" "$work/libarchive/config.h"; then
        msg "libarchive: config.h identical with and without the check cache"
    else
        diff "$work/libarchive-nocache/config.h" "$work/libarchive/config.h" >&2 || true
        die "libarchive: config.h differs with the check cache (build dir $work kept)"
    fi
fi
run libarchive build cmake --build "$work/libarchive" -j "$jobs" --target archive_static
run libarchive install cp "$work/libarchive/libarchive/libarchive.a" "$stage/lib/"
run libarchive install-headers cp "$src/libarchive/libarchive/archive.h" \
    "$src/libarchive/libarchive/archive_entry.h" "$stage/include/"
lap libarchive

# ---- assemble the prefix: only headers and static libraries ----
out="$work/prefix"
mkdir -p "$out/include/nlohmann" "$out/lib"
( cd "$stage/include" && cp -a zlib.h zconf.h bzlib.h zstd.h zstd_errors.h zdict.h lzma.h lzma \
      archive.h archive_entry.h "$out/include/" )
# Debian's nlohmann-json3-dev ships the multi-file headers (json.hpp includes
# nlohmann/detail/..., adl_serializer.hpp, ...), not the amalgamated single header:
# copy the whole directory. Emscripten cannot use -I/usr/include.
cp -a /usr/include/nlohmann/. "$out/include/nlohmann/"
# dtl (the diff library of core/src/diff/content_diff.cpp) is header-only too.
cp -a /usr/include/dtl "$out/include/"
for l in libz.a libbz2.a libzstd.a liblzma.a libarchive.a; do
    [ -s "$stage/lib/$l" ] || die "$l missing from the staging prefix $stage"
    cp "$stage/lib/$l" "$out/lib/"
done
{
    echo "layerscope wasm dependencies, key $key"
    echo "emcc: $emcc_version"
    echo "flags: Release (-O3 -DNDEBUG), static"
    for f in "$patches"/*.patch; do echo "patch: $(basename "$f") $(sha256sum < "$f" | cut -c1-12)"; done
    echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    for d in zlib bzip2 libzstd xz-utils libarchive; do
        echo "source: $(basename "$(readlink -f "$src/$d")")"
    done
    echo "nlohmann-json: $(dpkg-query -W -f='${Version}' nlohmann-json3-dev 2>/dev/null || echo unknown)"
    echo "dtl: $(dpkg-query -W -f='${Version}' libdtl-dev 2>/dev/null || echo unknown)"
} > "$out/BUILDINFO"
date -u +%Y-%m-%dT%H:%M:%SZ > "$out/.stamp"

rm -rf "$prefix"
mv "$out" "$prefix"
rm -rf "$work" "$cache/tmp/wasm-deps-$key".*    # this build and failed earlier attempts of it
msg "built in $(( SECONDS - t_start )) s:"
( cd "$prefix/lib" && ls -l *.a | awk '{ printf "build-wasm-deps:   %-14s %8d bytes\n", $9, $5 }' ) >&2
hint "$prefix"
echo "$prefix"
