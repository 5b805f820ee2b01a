/* decode_digest: for each file named on stdin (one per line), decode it with libzstd's
 * streaming decoder (128 KiB output buffers, window up to 2^27) and print one line:
 *
 *   <name> <bytes decoded> <FNV-1a-64 of those bytes> <ok | truncated | libzstd's error name>
 *
 * Built twice by scripts/zstd-check/run.sh: natively against the unpatched Debian source and
 * to wasm against the patched libzstd.a. The two outputs must be identical, error names and
 * the bytes produced before an error included. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

int main(void) {
    char name[4096];
    size_t const out_cap = (size_t)1 << 17;
    unsigned char* out = malloc(out_cap);
    ZSTD_DCtx* dctx = ZSTD_createDCtx();
    if (!out || !dctx) return 2;
    ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, 27);
    while (fgets(name, sizeof name, stdin)) {
        name[strcspn(name, "\n")] = 0;
        FILE* f = fopen(name, "rb");
        if (!f) { printf("%s cannot-open\n", name); continue; }
        fseek(f, 0, SEEK_END);
        long const n = ftell(f);
        fseek(f, 0, SEEK_SET);
        unsigned char* in = malloc(n > 0 ? (size_t)n : 1);
        if (!in || fread(in, 1, (size_t)n, f) != (size_t)n) return 2;
        fclose(f);

        ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only);
        ZSTD_inBuffer input = { in, (size_t)n, 0 };
        unsigned long long hash = 1469598103934665603ULL, total = 0;
        const char* error = NULL;
        size_t rc = 1;
        for (;;) {  /* until an error, or the input is used up and the output not full */
            ZSTD_outBuffer output = { out, out_cap, 0 };
            rc = ZSTD_decompressStream(dctx, &output, &input);
            for (size_t i = 0; i < output.pos; i++) { hash ^= out[i]; hash *= 1099511628211ULL; }
            total += output.pos;
            if (ZSTD_isError(rc)) { error = ZSTD_getErrorName(rc); break; }
            if (input.pos == input.size && output.pos < output.size) break;
        }
        if (!error && rc != 0) error = "truncated";
        printf("%s %llu %016llx %s\n", name, total, hash, error ? error : "ok");
        free(in);
    }
    ZSTD_freeDCtx(dctx);
    free(out);
    return 0;
}
