// layerscope import ROOTFS.tar [-c INSTRUCTION]... [-m MESSAGE] [--tag REPO:TAG] -o OUT [--format docker|oci]:
// docker import: one layer from a root filesystem tarball (plain or
// gzip/xz/bzip2/zstd), a config from the -c instructions; deterministic.
#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "command.h"
#include "image_args.h"
#include "layerscope/export.h"
#include "output.h"
#include "output_file.h"

namespace lscli {
namespace {

const char* host_architecture() {
#if defined(__aarch64__)
  return "arm64";
#elif defined(__arm__)
  return "arm";
#elif defined(__powerpc64__)
  return "ppc64le";
#elif defined(__s390x__)
  return "s390x";
#elif defined(__riscv)
  return "riscv64";
#else
  return "amd64";
#endif
}

std::string basename_of(const std::string& p) {
  size_t s = p.find_last_of('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

// SOURCE_DATE_EPOCH (reproducible builds) fixes "created"; else -1 (the newest mtime).
int created_option(const Args& a, int64_t* created) {
  const char* env = std::getenv("SOURCE_DATE_EPOCH");
  *created = -1;
  if (!env || !*env) return kContinue;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(env, &end, 10);
  if (*end || errno || v < 0) return usage_error(std::string("SOURCE_DATE_EPOCH is not a number of seconds: '") + env + "'", a.command);
  *created = v;
  return kContinue;
}

int parse(const Args& a, ImportOptions* o) {
  if (!a.pos.empty()) return usage_error("import takes one ROOTFS tarball", a.command);
  o->changes = a.values("--change");
  o->message = a.value("--message");
  o->tag = a.value("--tag");
  o->source_name = basename_of(a.archives[0]);
  o->architecture = host_architecture();
  if (int rc = format_option(a, false, &o->format); rc != kContinue) return rc;
  if (int rc = created_option(a, &o->created); rc != kContinue) return rc;
  Status st = check_import_options(*o);
  if (!st.ok()) return usage_error(st.error().message + ": " + st.error().where, a.command);
  return kContinue;
}

int run(const Context& ctx, const Args& a) {
  ImportOptions o;
  if (int rc = parse(a, &o); rc != kContinue) return rc;
  std::unique_ptr<ByteSink> sink;  // unfinished until the end: any failure leaves nothing
  if (int rc = open_output(a, &sink); rc != kContinue) return rc;
  auto src = open_file_source(a.archives[0]);
  if (!src.ok()) return fail(src.error());
  auto written = import_image(src.value(), o, *sink, ctx.progress_fn());
  int rc = finish_output(written.status(), std::move(sink));
  if (rc == 0)
    std::fprintf(stderr, "layerscope: wrote %s: image %s, 1 layer\n", a.value("--output").c_str(),
                 written.value().image_id.c_str());
  return rc;
}

}  // namespace

const Command& import_command() {
  static const Command c{
      "import", "ROOTFS.tar [-c INSTRUCTION]... [-m MESSAGE] [--tag REPO:TAG] -o OUT [--format docker|oci]",
      "an image of one layer from a root filesystem tarball (plain or gzip/xz/bzip2/zstd), as docker\n"
      "import makes it. The layer is stored uncompressed; os linux, architecture the host's (amd64 on "
      "x86-64);\n\"created\" is $SOURCE_DATE_EPOCH when set, else the newest mtime in the tarball, so the\n"
      "same input gives the same bytes.",
      1,
      {{{"-c", "--change"}, "INSTRUCTION",
        "apply a Dockerfile instruction (repeatable): ENV, CMD, ENTRYPOINT, WORKDIR, USER, EXPOSE, LABEL,\n"
        "                               VOLUME, ONBUILD, STOPSIGNAL"},
       {{"-m", "--message"}, "MESSAGE", "the history comment (default: \"Imported from ROOTFS.tar\")"},
       {{"--tag"}, "REPO[:TAG]", "tag the image (default: untagged)"},
       {{"-o", "--output"}, "OUT", "the archive to write (- for standard output, never a terminal)"},
       {{"--format"}, "docker|oci", "docker-archive (default; docker load) or oci-archive"}},
      run};
  return c;
}

}  // namespace lscli
