#!/usr/bin/env bash
# Benchmark: layerscope against peers on the same archives, in the same run
# (these machines are noisy: only the ratios mean something).
#
#   tests/bench/bench.sh [CLI] [SIZE_MB]
#
# Archives (generated, cached in /tmp, never committed):
#   A  SIZE_MB docker-archive, uncompressed layers     (tests/bench/make-large-archive.sh)
#   B  the same image as oci-archive with gzip layers  (make-large-archive.sh --gzip)
#   C  A compressed as a whole with gzip               (docker save | gzip)
# Tasks and peers:
#   list everything:  layerscope inspect    vs  tar -tvf of the archive, then of every layer member
#                                               (what you do by hand without a tool)
#   image metadata:   layerscope inspect    vs  skopeo inspect docker-archive:/oci-archive: (config only, no layer listing)
#   re-export (A):    layerscope save --format oci --compress gzip, and squash
#                                           vs  skopeo copy --dest-compress-format gzip docker-archive: oci-archive:
#                     (MB/s of the archive, peak RSS: flat in the archive's size)
# Printed per row: wall seconds (best of 3), peak RSS, bytes read by layerscope, ratio peer/layerscope.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cli=${1:-$here/../../build/native/cli/layerscope}
size=${2:-400}
A=/tmp/layerscope-bench-$size.tar
B=/tmp/layerscope-bench-$size-gzip.tar
C=/tmp/layerscope-bench-$size.tar.gz
[ -s "$A" ] || "$here/make-large-archive.sh" "$A" "$size" >/dev/null
[ -s "$B" ] || "$here/make-large-archive.sh" --gzip "$B" "$size" >/dev/null
[ -s "$C" ] || gzip -1 -c "$A" > "$C"

best() {  # best wall time of 3 runs and the peak RSS, of a shell command
  local best_t=999999 rss=0 t m
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o /tmp/ls-bench-time bash -c "$1" >/dev/null 2>&1 || true
    read -r t m < <(tail -1 /tmp/ls-bench-time)
    best_t=$(python3 -c "print(min($best_t, $t))")
    [ "$m" -gt "$rss" ] && rss=$m
  done
  echo "$best_t $rss"
}

list_by_hand() {  # tar -tvf the outer archive, extract it, tar -tvf every layer member in it
  local f=$1
  echo "d=\$(mktemp -d); tar -tvf '$f' >/dev/null; tar -xf '$f' -C \$d; for l in \$(find \$d -type f \\( -name '*.tar' -o -size +100k \\)); do tar -tvf \$l >/dev/null 2>&1; done; rm -rf \$d"
}

printf '%-44s %9s %10s %14s %8s\n' "task / archive" "seconds" "peak RSS" "bytes read" "ratio"
for f in "$A" "$B" "$C"; do
  name=$(basename "$f")
  read -r t_ls m_ls < <(best "'$cli' inspect '$f'")
  readb=$("$cli" inspect "$f" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["bytes_read"])')
  printf '%-44s %9s %8sKB %14s %8s\n' "layerscope inspect  $name" "$t_ls" "$m_ls" "$readb" "1.00"
  read -r t_p m_p < <(best "$(list_by_hand "$f")")
  printf '%-44s %9s %8sKB %14s %8s\n' "tar -tvf by hand    $name" "$t_p" "$m_p" "-" "$(python3 -c "print(f'{$t_p/max($t_ls,0.001):.1f}x')")"
  case "$f" in
    *gzip.tar) ref="oci-archive:$f" ;;
    *.tar.gz) ref="" ;;
    *) ref="docker-archive:$f" ;;
  esac
  if [ -n "$ref" ] && command -v skopeo >/dev/null; then
    read -r t_s m_s < <(best "skopeo inspect --config '$ref'")
    printf '%-44s %9s %8sKB %14s %8s\n' "skopeo inspect --config  $name" "$t_s" "$m_s" "-" "$(python3 -c "print(f'{$t_s/max($t_ls,0.001):.1f}x')")"
  fi
done

# Re-export of A (issue 10): the outputs go to /tmp and are removed.
out=/tmp/layerscope-bench-out.tar
mb=$(python3 -c "import os; print(os.path.getsize('$A') / 1e6)")
rate() { python3 -c "print(f'{$mb/max($1,0.001):.0f} MB/s')"; }
read -r t_sv m_sv < <(best "'$cli' save '$A' --format oci --compress gzip -o $out")
printf '%-44s %9s %8sKB %14s %8s\n' "layerscope save oci+gzip  $(basename "$A")" "$t_sv" "$m_sv" "$(rate "$t_sv")" "1.00"
read -r t_sq m_sq < <(best "'$cli' squash '$A' -o $out")
printf '%-44s %9s %8sKB %14s %8s\n' "layerscope squash  $(basename "$A")" "$t_sq" "$m_sq" "$(rate "$t_sq")" "-"
if command -v skopeo >/dev/null; then
  read -r t_sc m_sc < <(best "rm -f $out; skopeo copy -q --dest-compress-format gzip docker-archive:'$A' oci-archive:$out")
  printf '%-44s %9s %8sKB %14s %8s\n' "skopeo copy oci+gzip  $(basename "$A")" "$t_sc" "$m_sc" "$(rate "$t_sc")" "$(python3 -c "print(f'{$t_sc/max($t_sv,0.001):.1f}x')")"
fi
rm -f "$out"
echo "(ratio = peer time / layerscope time; > 1 means layerscope is faster. skopeo shows metadata only, no file lists.
 Re-export rows: the 'bytes read' column is MB/s of the archive's size.)"
