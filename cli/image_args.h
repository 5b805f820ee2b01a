// Operands and options that name an image or a layer: [IMAGE] [PATH] after
// ARCHIVE, --platform, --layer N. Each returns an exit status when it fails
// (printed already), or kContinue.
#pragma once

#include <memory>
#include <string>

#include "command.h"

namespace lscli {

inline constexpr int kContinue = -1;

// The image `ref` names ("" = the only one), narrowed by --platform.
int pick_image(const Args& a, const Session& s, const std::string& ref, int* image);
// ls/cat/log: the operands after ARCHIVE are [IMAGE] [PATH] (PATH required or not).
int image_and_path(const Args& a, const Session& s, bool path_required, int* image, std::string* path);
// ls/cat/log/export: opens ARCHIVE, resolves the [IMAGE] [PATH] operands on it
// and reads the layers a view of that image as of `layer` needs (-1: all);
// `keep_file` (cat): keeping PATH's content as they are read
// (Session::index_layers with a path to keep), for one read_file of it.
struct ImagePath {
  std::unique_ptr<Session> session;
  int image = 0;
  std::string path;
};
int open_image_path(const Context& ctx, const Args& a, bool path_required, ImagePath* out, int layer,
                    bool keep_file = false);
// --layer N (-1 when absent); a usage error when N is not a layer number.
int layer_option(const Args& a, int* layer);

}  // namespace lscli
