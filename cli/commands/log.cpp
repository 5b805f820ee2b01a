// layerscope log ARCHIVE [IMAGE] PATH [--platform P] [--json]: every layer that
// added, modified or deleted PATH, bottom-up.
#include <cstdio>

#include "command.h"
#include "image_args.h"
#include "layerscope/text.h"
#include "output.h"

namespace lscli {
namespace {

int run(const Context& ctx, const Args& a) {
  ImagePath ip;
  if (int rc = open_image_path(ctx, a, true, &ip, -1); rc != kContinue) return rc;
  const Session& s = *ip.session;
  const int im = ip.image;
  const std::string& path = ip.path;
  std::vector<Warning> ws = s.warnings_for(im);
  if (a.has("--json")) {
    auto j = s.path_history_json(im, path);
    if (!j.ok()) return fail(j.error());
    std::printf("%s\n", j.value().c_str());
    return view_status(ws);
  }
  print_warnings(ws);
  auto r = s.path_history(im, path);
  if (!r.ok()) return fail(r.error());
  if (r.value().empty()) return fail(make_error(Code::kNotFound, "no layer of this image touches this path", path));
  for (auto& e : r.value()) {
    std::printf("layer %-3d %-9s", e.layer, change_name(e.change));
    if (e.change != Change::kDeleted) {
      std::printf(" %s %s/%s %9s", mode_string(e.type, e.mode).c_str(), std::to_string(e.uid).c_str(),
                  std::to_string(e.gid).c_str(), e.type == EntryType::kFile ? human_size(e.size).c_str() : "-");
      if (!e.link.empty()) std::printf(" -> %s", escape_text(e.link).c_str());
    }
    std::printf("\n");
  }
  return view_status(ws);
}

}  // namespace

const Command& log_command() {
  static const Command c{
      "log", "ARCHIVE [IMAGE] PATH [--platform P] [--json]",
      "every layer that added, modified or deleted PATH", 1,
      {{{"--platform"}, "OS[/ARCH[/VARIANT]]", "pick the image of that platform"},
       {{"--json"}, nullptr, "print the versioned log document (docs/json-schema.md)"}},
      run};
  return c;
}

}  // namespace lscli
