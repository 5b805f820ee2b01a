#!/usr/bin/env bash
# Regenerates examples/demo.tar (and examples/demo-oci.tar) from
# examples/demo/Dockerfile with a real container build tool.
#
# Usage: examples/make-demo.sh            # docker build + docker save (default)
#        BUILDER=buildah examples/make-demo.sh
#        NO_OCI=1 examples/make-demo.sh   # skip the skopeo OCI variant
#
# Needs (Debian 12): busybox-static, and docker.io with a running dockerd
# (or buildah), and skopeo for the OCI variant and the final check:
#   apt-get install -y busybox-static docker.io skopeo   # or buildah
#   dockerd >/tmp/dockerd.log 2>&1 &                     # if `docker info` fails
#
# No registry is needed: the image is FROM scratch. The statically linked
# /bin/busybox is copied into a temporary build context (it is not kept in git)
# so that the RUN steps of the Dockerfile can execute.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
builder="${BUILDER:-docker}"
tag="demo/app:1.0"
out="${here}/demo.tar"
out_oci="${here}/demo-oci.tar"
busybox="${BUSYBOX:-/bin/busybox}"
# Fixed mtime for the files taken from the build context (COPY keeps mtimes).
epoch="${SOURCE_DATE_EPOCH:-1704067200}" # 2024-01-01T00:00:00Z

die() { echo "make-demo: $*" >&2; exit 1; }

[ -x "$busybox" ] || die "$busybox not found: apt-get install busybox-static"
if command -v file >/dev/null && ! file -L "$busybox" | grep -q 'statically linked'; then
    die "$busybox is not statically linked (install busybox-static)"
fi

ctx="$(mktemp -d /tmp/layerscope-demo-ctx.XXXXXX)"
trap 'rm -rf "$ctx"' EXIT

# Build context: examples/demo + busybox, with normalised modes and mtimes so
# the result does not depend on the checkout's umask or clone time.
cp -a "${here}/demo/." "$ctx/"
mkdir -p "$ctx/rootfs/bin"
cp "$busybox" "$ctx/rootfs/bin/busybox"
find "$ctx" -type d -exec chmod 0755 {} +
find "$ctx" -type f -exec chmod 0644 {} +
chmod 0755 "$ctx/rootfs/bin/busybox" "$ctx/app/entrypoint.sh"
find "$ctx" -exec touch -h -d "@${epoch}" {} +

rm -f "$out"
case "$builder" in
docker)
    docker info >/dev/null 2>&1 ||
        die "docker daemon not reachable (start it: dockerd >/tmp/dockerd.log 2>&1 &)"
    # The classic (non-BuildKit) builder: one layer per COPY/RUN, no buildx needed.
    DOCKER_BUILDKIT=0 docker build --network none --no-cache --force-rm -t "$tag" "$ctx"
    docker save -o "$out" "$tag"
    tool="docker $(docker version --format '{{.Server.Version}}')"
    ;;
buildah)
    buildah bud --isolation chroot --layers --no-cache -t "$tag" "$ctx"
    buildah push "$tag" "docker-archive:${out}:${tag}"
    tool="$(buildah --version)"
    ;;
*)
    die "unknown BUILDER '$builder' (docker or buildah)"
    ;;
esac
chmod 0644 "$out"

if [ -z "${NO_OCI:-}" ] && command -v skopeo >/dev/null; then
    rm -f "$out_oci"
    skopeo copy "docker-archive:${out}" "oci-archive:${out_oci}:${tag}"
fi

# Independent check that the archive is a valid image.
if command -v skopeo >/dev/null; then
    skopeo inspect "docker-archive:${out}" >/dev/null
    [ ! -f "$out_oci" ] || skopeo inspect "oci-archive:${out_oci}" >/dev/null
fi

echo "built with: $tool"
ls -l "$out"
[ ! -f "$out_oci" ] || ls -l "$out_oci"
