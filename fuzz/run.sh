#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined),
# generates their seed corpora from ../shared/fixtures (fuzz/make_seeds.py),
# and runs each target for SECONDS. Fails if any input crashes, leaks, times
# out or runs out of memory; the input is saved under fuzz/crashes/<target>/
# (turn each one into a named regression test under tests/hostile/).
#
# usage: fuzz/run.sh SECONDS [TARGET...]      (default: all targets)
# env:   CXX_FUZZ (default clang++-14), CC_FUZZ (clang-14), BUILD (build/fuzz),
#        LAYERSCOPE_FIXTURES (seed source), FUZZ_JOBS (parallel runs per target, default 1)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
secs="${1:?usage: fuzz/run.sh SECONDS [TARGET...]}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_open_archive fuzz_json fuzz_layer_index)
build="${BUILD:-build/fuzz}"
cxx="${CXX_FUZZ:-clang++-14}"
cc="${CC_FUZZ:-clang-14}"

if ! command -v "$cxx" >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y clang-14 libclang-rt-14-dev >/dev/null
  else
    echo "$cxx missing: sudo apt-get install clang-14 libclang-rt-14-dev" >&2
    exit 2
  fi
fi
# libFuzzer's runtime: Debian 12 ships it in libclang-rt-14-dev.
probe=$(mktemp -d)
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' > "$probe/p.cc"
if ! "$cxx" -fsanitize=fuzzer "$probe/p.cc" -o "$probe/p" 2>/dev/null; then
  ver=$("$cxx" --version | sed -n 's/.*version \([0-9]*\).*/\1/p' | head -1)
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y "libclang-rt-${ver}-dev" >/dev/null || apt-get install -y "libclang-common-${ver}-dev" >/dev/null
  else
    echo "libFuzzer runtime missing: sudo apt-get install libclang-rt-${ver}-dev" >&2
    exit 2
  fi
fi
rm -rf "$probe"

CC="$cc" CXX="$cxx" cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLAYERSCOPE_FUZZ=ON -DLAYERSCOPE_BUILD_TESTS=OFF >/dev/null
ninja -C "$build" "${targets[@]}" >/dev/null

seeds="$build/seeds"
[ -d "$seeds/fuzz_json" ] || python3 fuzz/make_seeds.py "$seeds"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
status=0
for t in "${targets[@]}"; do
  crashes="fuzz/crashes/$t"
  mkdir -p "$build/corpus/$t" "$crashes"
  case "$t" in
    fuzz_json) max_len=65536 ;;
    *) max_len=262144 ;;
  esac
  log="$build/$t.log"
  stamp="$build/$t.stamp"
  : >"$stamp"
  par=()
  # -jobs N runs N fuzzing processes (logs in $build/fuzz-N.log), each for SECONDS.
  if [ "${FUZZ_JOBS:-1}" -gt 1 ]; then par=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS"); fi
  rm -f "$build"/fuzz-*.log
  set +e
  (cd "$build" && "./fuzz/$t" "corpus/$t" "seeds/$t" -max_total_time="$secs" -max_len="$max_len" -timeout=30 \
    -rss_limit_mb=2048 -print_final_stats=1 "${par[@]}" -artifact_prefix="$root/$crashes/") >"$log" 2>&1
  rc=$?
  set -e
  # With -jobs the per-job logs hold the stats (the main log may echo them too).
  stats=("$log")
  [ "${FUZZ_JOBS:-1}" -gt 1 ] && stats=("$build"/fuzz-*.log)
  runs=$(cat "${stats[@]}" | sed -n 's/^stat::number_of_executed_units: *//p' | awk '{s+=$1} END {print s+0}')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
  found=$(find "$crashes" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) \
          -newer "$stamp" 2>/dev/null || true)
  echo "$t: ${secs}s, $runs runs, ${cov:-cov: ?}, exit $rc"
  if [ "$rc" != 0 ] || [ -n "$found" ]; then
    status=1
    echo "  FAILED — inputs saved:"; echo "$found" | sed 's/^/    /'
    cat "$log" "${stats[@]}" | grep -E 'ERROR|SUMMARY|runtime error|==[0-9]+==' | head -20 | sed 's/^/    /'
  fi
done
exit $status
