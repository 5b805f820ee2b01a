// -o OUT for the commands that write an archive: a file (written to a
// temporary name beside it and renamed when complete) or "-" for standard
// output, which is refused when it is a terminal.
#pragma once

#include <memory>
#include <string>

#include "command.h"
#include "layerscope/byte_sink.h"
#include "layerscope/export.h"

namespace lscli {

// Opens -o's sink; returns kContinue (image_args.h) or the exit status printed.
int open_output(const Args& a, std::unique_ptr<ByteSink>* out);
// Scratch storage for a writer's recompressed layers: unlinked temporary files
// beside -o's file (the disk that takes the output), or in $TMPDIR for "-" and devices.
ScratchFactory output_scratch(const Args& a);
// Runs a writer's independent tasks (the layers it recompresses) on up to
// min(cores, 8) threads at once; $LAYERSCOPE_THREADS=1 runs them one by one.
TaskRunner parallel_runner();
// OpenOptions::start_thread: a std::thread per call; none (everything on the
// caller's thread) with one core or LAYERSCOPE_THREADS=1.
StartThread thread_starter();
// OpenOptions::index_threads: layers indexed at once, min(cores + 1, 4) (one
// thread more than cores evens out layers of unequal work: their sizes
// decoded are not known before); 1 with one core or LAYERSCOPE_THREADS=1.
unsigned index_threads();
// Finishes the sink after `st` succeeded; an error abandons it (nothing is left). Returns the exit status.
int finish_output(Status st, std::unique_ptr<ByteSink> sink);
// --format docker|oci; absent: oci for an oci-archive input (rmi, squash) or when
// `oci_default`, else docker. Returns kContinue or the usage error's status.
int format_option(const Args& a, bool oci_default, SaveFormat* out);
// --compress none|gzip|zstd: sets *recompress and *c when given. Returns kContinue or the usage error's status.
int compress_option(const Args& a, bool* recompress, Compression* c);

}  // namespace lscli
