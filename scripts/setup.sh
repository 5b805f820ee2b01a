#!/usr/bin/env bash
# layerscope: idempotent machine set-up for Debian 12 (bookworm).
#
#   scripts/setup.sh            base tool chain (native + WebAssembly builds, Debian sources)
#   scripts/setup.sh --tools    also the independent producers and consumers of archives the
#                               native tests check outputs with: umoci, skopeo, docker.io
#                               (dockerd: tests/cli start a private daemon for `docker load`)
#   scripts/setup.sh --browser  the tools, and chromium (browser tests and their generated archives)
#
# Checks the apt packages with dpkg-query (fast when everything is present).
# Missing packages: as root, `apt-get update` (only when the package lists are empty
# or do not know a missing package) and `apt-get install -y`; as a normal user,
# prints the exact sudo command and exits 1.
set -euo pipefail

usage() { sed -n '2,13s/^# \{0,1\}//p' "$0"; }

want_browser=0 want_tools=0
for arg in "$@"; do
    case "$arg" in
        --browser) want_browser=1; want_tools=1 ;;
        --tools) want_tools=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "setup.sh: unknown argument: $arg" >&2; usage >&2; exit 2 ;;
    esac
done

pkgs=(
    build-essential cmake ninja-build pkg-config
    libarchive-dev nlohmann-json3-dev libgtest-dev libssl-dev
    libisal-dev         # ISA-L's inflate for gzip layers (native; ~2.3x zlib's here)
    libzstd-dev         # libzstd for zstd layers (native; a file read skips frame checksums)
    libdtl-dev          # header-only diff library (diff --content), native and wasm
    libyaml-dev         # .dive-ci rules files (layerscope ci)
    clang-14 libclang-rt-14-dev   # libFuzzer targets (fuzz/run.sh)
    emscripten python3 nodejs npm
    dpkg-dev            # apt-get source / dpkg-source (scripts/fetch-sources.sh)
    patch               # scripts/patches/ (scripts/build-wasm-deps.sh)
    zstd xz-utils bzip2 gzip
)
if [ "$want_tools" = 1 ]; then
    # outputs checked by independent tools; the browser tests' generated 400 MB archive
    pkgs+=(umoci skopeo docker.io)
fi
if [ "$want_browser" = 1 ]; then
    pkgs+=(chromium)
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "setup.sh: dpkg-query not found: this script supports Debian 12 only" >&2
    exit 1
fi

# Everything that is fully installed, plus what those packages provide: some set-ups
# have e.g. NodeSource's nodejs, which Provides (and Conflicts with) npm, and asking
# apt for Debian's npm there would try to remove nodejs.
have="$(dpkg-query -W -f='${db:Status-Status} ${Package} ${Provides}\n' 2>/dev/null \
        | awk '$1 == "installed" { for (i = 2; i <= NF; i++) { n = $i; sub(/[:(,].*/, "", n); if (n != "") print n } }' \
        | sort -u)"

missing=()
for p in "${pkgs[@]}"; do
    if ! grep -qxF -- "$p" <<<"$have"; then
        missing+=("$p")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "setup.sh: all ${#pkgs[@]} packages present, nothing to do"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: missing packages: ${missing[*]}" >&2
    echo "run:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3)

# `apt-get update` once, and only if apt does not know a missing package yet
# (fresh images ship with empty package lists).
updated=""
for p in "${missing[@]}"; do
    if ! apt-cache show --no-all-versions -- "$p" >/dev/null 2>&1; then
        apt-get "${apt_opts[@]}" update -qq
        updated="apt-get update, "
        break
    fi
done

apt-get "${apt_opts[@]}" install -y -qq -- "${missing[@]}" \
    || { echo "setup.sh: apt-get install failed for: ${missing[*]}" >&2; exit 1; }
echo "setup.sh: ${updated}installed ${#missing[@]} package(s): ${missing[*]}"
