#!/usr/bin/env bash
# layerscope: check the wasm build of libzstd (patched by ../patches/libzstd-wasm32-bit-containers.patch)
# against zstd's own decoder built natively from the unpatched source. Called by build-wasm-deps.sh.
#
#   run.sh SRC PATCHED LIBZSTD_A WORK
#     SRC        the unpatched Debian libzstd source tree
#     PATCHED    the patched copy libzstd.a was built from
#     LIBZSTD_A  the wasm libzstd.a
#     WORK       a scratch directory
#
# 1. zstd's decodecorpus (-t), built to wasm against LIBZSTD_A: random valid frames (plain, raw
#    blocks, with a dictionary) for 10 s each, decoded and compared with what was encoded.
# 2. A differential check: 300 decodecorpus frames and 8 damaged copies of each, decoded by
#    decode_digest.c built natively from SRC (its C decoding loops, as in wasm: ZSTD_DISABLE_ASM)
#    and built to wasm against LIBZSTD_A. Every line (bytes out, their hash, the error) must
#    agree: the patch makes wasm decode, and fail, exactly as 64-bit targets do.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$1" patched="$2" lib="$3" work="$4"
die() { echo "zstd-check: ERROR: $*" >&2; exit 1; }
# Debian's emscripten needs node modules from /usr/share/nodejs (acorn for -O2 and above).
export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"
mkdir -p "$work"

inc=(-I"$patched/lib" -I"$patched/lib/common" -I"$patched/lib/compress" -I"$patched/lib/decompress"
     -I"$patched/lib/dictBuilder" -I"$patched/programs")
# decodecorpus #includes compress/zstd_compress.c for its own encoder; the rest comes from libzstd.a
emcc -O2 -DNDEBUG -DZSTD_MULTITHREAD=0 "${inc[@]}" \
    "$patched/tests/decodecorpus.c" "$patched/programs/util.c" "$patched/programs/timefn.c" "$lib" \
    -sALLOW_MEMORY_GROWTH=1 -sNODERAWFS=1 -o "$work/decodecorpus.js"
for mode in "-s1" "-s2 --gen-blocks" "-s3 --use-dict=16384"; do
    # shellcheck disable=SC2086  # mode is a list of arguments
    out="$(node --no-experimental-fetch "$work/decodecorpus.js" -t -T10 $mode 2>&1 | tail -c 200)" \
        || die "decodecorpus $mode failed: $out"
    grep -q "tests completed: OK" <<<"$out" || die "decodecorpus $mode: $out"
    echo "zstd-check: decodecorpus -t $mode: $(grep -o '[0-9]* tests completed: OK' <<<"$out")"
done

# The native reference, from the unpatched source, compiled once: its common and decoding
# objects serve both decodecorpus (which makes the corpus) and decode_digest.
compress_c=()
for f in "$src"/lib/compress/*.c; do [ "$(basename "$f")" = zstd_compress.c ] || compress_c+=("$f"); done
srcinc=(-I"$src/lib" -I"$src/lib/common" -I"$src/lib/compress" -I"$src/lib/decompress"
        -I"$src/lib/dictBuilder" -I"$src/programs")
rm -rf "$work/native-obj"
mkdir -p "$work/native-obj"
( cd "$work/native-obj" && cc -c -O2 -DNDEBUG -DZSTD_MULTITHREAD=0 -DZSTD_DISABLE_ASM "${srcinc[@]}" \
    "$src"/lib/common/*.c "$src"/lib/decompress/*.c )
cc -O2 -DNDEBUG -DZSTD_MULTITHREAD=0 -DZSTD_DISABLE_ASM "${srcinc[@]}" \
    "$src/tests/decodecorpus.c" "$src/programs/util.c" "$src/programs/timefn.c" \
    "$work"/native-obj/*.o "${compress_c[@]}" "$src"/lib/dictBuilder/*.c \
    -lm -o "$work/decodecorpus-native"
rm -rf "$work/corpus"
mkdir -p "$work/corpus/frames"
"$work/decodecorpus-native" -n300 -s11 -p"$work/corpus/frames" >/dev/null 2>&1
python3 "$here/corrupt.py" "$work/corpus/frames" "$work/corpus/damaged" 8 7
( cd "$work/corpus" && ls frames/* damaged/* ) > "$work/corpus/list"

cc -O2 -DNDEBUG -I"$src/lib" "$here/decode_digest.c" "$work"/native-obj/*.o -o "$work/decode_digest-native"
emcc -O2 -DNDEBUG -I"$patched/lib" "$here/decode_digest.c" "$lib" \
    -sALLOW_MEMORY_GROWTH=1 -sNODERAWFS=1 -o "$work/decode_digest.js"
( cd "$work/corpus" && "$work/decode_digest-native" < list ) > "$work/native.txt"
( cd "$work/corpus" && node --no-experimental-fetch "$work/decode_digest.js" < list ) > "$work/wasm.txt"
lines=$(wc -l < "$work/native.txt")
[ "$lines" -eq "$(wc -l < "$work/corpus/list")" ] || die "the native decoder printed $lines lines"
if ! cmp -s "$work/native.txt" "$work/wasm.txt"; then
    diff "$work/native.txt" "$work/wasm.txt" | head -20 >&2
    die "wasm and native libzstd disagree (above; $work/native.txt, $work/wasm.txt)"
fi
valid=$(grep -c '^frames/.* ok$' "$work/wasm.txt" || true)
[ "$valid" -eq 300 ] || die "only $valid of the 300 valid frames decoded"
echo "zstd-check: $lines inputs ($valid valid frames, the rest damaged) decoded alike by wasm and native:" \
     "$(cut -d' ' -f4- "$work/wasm.txt" | sort | uniq -c | sort -rn | sed -E 's/^ *([0-9]+) (.*)/\1 \2/' | paste -sd';' | sed 's/;/; /g')"
