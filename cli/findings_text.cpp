#include "findings_text.h"

#include <cstdio>
#include <map>

#include "layerscope/text.h"
#include "output.h"

namespace lscli {

int open_image_operand(const Context& ctx, const Args& a, ImagePath* out) {
  if (a.pos.size() > 1) return usage_error(a.command + " takes ARCHIVE [IMAGE]", a.command);
  auto opened = ctx.open(a.archives[0]);
  if (!opened.ok()) return fail(opened.error());
  out->session = std::move(opened).value();
  return pick_image(a, *out->session, a.pos.empty() ? std::string() : a.pos[0], &out->image);
}

void print_findings(const std::vector<Finding>& findings) {
  std::map<Severity, int> counts;
  for (const Finding& f : findings) {
    ++counts[f.severity];
    std::string what = f.path.empty() ? std::string() : "/" + escape_text(f.path, 200) + " — ";
    std::printf("%-8s %-20s %-18s %s%s\n", severity_name(f.severity), f.rule.c_str(), escape_text(f.place).c_str(),
                what.c_str(), escape_text(f.detail, 400).c_str());
  }
  if (findings.empty()) {
    std::printf("no findings\n");
    return;
  }
  std::string sum;
  for (auto it = counts.rbegin(); it != counts.rend(); ++it)
    sum += (sum.empty() ? "" : ", ") + std::to_string(it->second) + " " + severity_name(it->first);
  std::printf("%zu findings (%s)\n", findings.size(), sum.c_str());
}

}  // namespace lscli
