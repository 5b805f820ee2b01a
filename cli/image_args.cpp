#include "image_args.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "output.h"

namespace lscli {

int pick_image(const Args& a, const Session& s, const std::string& ref, int* image) {
  auto r = s.resolve_image(ref, a.value("--platform"));
  if (!r.ok()) return fail(r.error());
  *image = r.value();
  return kContinue;
}

int image_and_path(const Args& a, const Session& s, bool path_required, int* image, std::string* path) {
  const std::string platform = a.value("--platform");
  std::string img_ref;
  if (a.pos.size() > 2)
    return usage_error(a.command + " takes ARCHIVE [IMAGE] " + (path_required ? "PATH" : "[PATH]"), a.command);
  if (a.pos.size() == 2) {
    img_ref = a.pos[0];
    *path = a.pos[1];
  } else if (a.pos.size() == 1) {
    // One word: a PATH if it has a slash, or if one image is meant anyway (the
    // archive holds one, or --platform picks one) and the word names no image.
    if (path_required || a.pos[0].find('/') != std::string::npos ||
        (s.resolve_image("", platform).ok() && !s.resolve_image(a.pos[0], platform).ok())) {
      *path = a.pos[0];
    } else {
      img_ref = a.pos[0];
    }
  } else if (path_required) {
    return usage_error(a.command + ": missing PATH", a.command);
  }
  return pick_image(a, s, img_ref, image);
}

int open_image_path(const Context& ctx, const Args& a, bool path_required, ImagePath* out, int layer, bool keep_file) {
  // Only the layers the view reads: the image's layers 0..layer (all of them
  // for -1), not every layer of the archive (`cat --layer 1` of the 0.4 GB
  // gzip bench set decodes 188 of its 421 MB before reading the file, not all).
  auto opened = ctx.open_headers(a.archives[0]);
  if (!opened.ok()) return fail(opened.error());
  out->session = std::move(opened).value();
  if (int rc = image_and_path(a, *out->session, path_required, &out->image, &out->path); rc != kContinue) return rc;
  // cat keeps the file's content as the layers are read: a file in a compressed
  // layer is then decoded once, not once for the index and again up to the file
  // (0.4 GB bench set, zstd layers, the last file of its biggest layer: see README).
  Status st = keep_file ? out->session->index_layers(out->image, layer, ctx.progress_fn(), out->path)
                        : out->session->index_layers(out->image, layer, ctx.progress_fn());
  if (ctx.progress) std::fprintf(stderr, "\r%40s\r", "");
  if (!st.ok()) return fail(st.error());
  return kContinue;
}

int layer_option(const Args& a, int* layer) {
  *layer = -1;
  if (!a.has("--layer")) return kContinue;
  std::string n = a.value("--layer");
  char* end = nullptr;
  errno = 0;
  long x = std::strtol(n.c_str(), &end, 10);
  if (n.empty() || *end || errno || x < 0 || x > 1000000)
    return usage_error("--layer needs a layer number, got '" + n + "'", a.command);
  *layer = static_cast<int>(x);
  return kContinue;
}

}  // namespace lscli
