// layerscope cat ARCHIVE [IMAGE] PATH [--layer N] [--platform P]: a file's bytes
// as they are at the top layer, or at layer N.
#include <cerrno>
#include <cstdio>

#include "command.h"
#include "image_args.h"
#include "output.h"

namespace lscli {
namespace {

int run(const Context& ctx, const Args& a) {
  int layer = -1;
  if (int rc = layer_option(a, &layer); rc != kContinue) return rc;
  ImagePath ip;
  if (int rc = open_image_path(ctx, a, true, &ip, layer, /*keep_file=*/true); rc != kContinue) return rc;
  const Session& s = *ip.session;
  const int im = ip.image;
  const std::string& path = ip.path;
  // A failed write stops the read (the sink returns false, which read_file takes
  // as "stop early", not an error): it is recorded here and reported.
  int write_errno = -1;
  Status st = s.read_file(im, layer, path, [&](const uint8_t* d, size_t n) {
    if (std::fwrite(d, 1, n, stdout) == n) return true;
    write_errno = errno;
    return false;
  });
  if (write_errno >= 0) return write_failed(write_errno);
  if (std::fflush(stdout) != 0) return write_failed(errno);
  std::vector<Warning> ws = s.warnings_for(im, layer);
  print_warnings(ws);
  if (!st.ok()) return fail(st.error());
  return view_status(ws);
}

}  // namespace

const Command& cat_command() {
  static const Command c{
      "cat", "ARCHIVE [IMAGE] PATH [--layer N] [--platform P]",
      "a file's content at the top layer (or layer N), byte for byte", 1,
      {{{"--layer"}, "N", "the file as it is at layer N"},
       {{"--platform"}, "OS[/ARCH[/VARIANT]]", "pick the image of that platform"}},
      run};
  return c;
}

}  // namespace lscli
