#include "limit_option.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>

namespace lscli {

using namespace layerscope;

const char* const kLimitsHelp =
    "  --limit NAME=N (repeatable) raises or lowers a bound on what an archive may cost; N takes\n"
    "  K/M/G (1024-based). NAME: entries (5M), members (1M), paths (10M), path-bytes (4096),\n"
    "  path-table-bytes (1G), json-bytes (64M), json-depth (256), expansion-ratio (2000),\n"
    "  expansion-floor (1G), index-descriptors (100000), nested-indexes (1024), link-hops (16),\n"
    "  warnings-per-code (1000), stacked-entries (50M), content-diff-bytes (16M), diff-lines (1M).\n";

Status apply_limit(const std::string& spec, Limits* l) {
  auto bad = [](const std::string& m) { return Status(make_error(Code::kInvalidArgument, m)); };
  auto eq = spec.find('=');
  std::string name = spec.substr(0, eq == std::string::npos ? spec.size() : eq);
  std::string num = eq == std::string::npos ? "" : spec.substr(eq + 1);
  uint64_t mult = 1;
  if (!num.empty()) {
    char c = static_cast<char>(std::toupper(static_cast<unsigned char>(num.back())));
    if (c == 'K' || c == 'M' || c == 'G') {
      mult = c == 'K' ? 1ull << 10 : c == 'M' ? 1ull << 20 : 1ull << 30;
      num.pop_back();
    }
  }
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(num.c_str(), &end, 10);
  if (num.empty() || !std::isdigit(static_cast<unsigned char>(num[0])) || *end || errno || v == 0 ||
      v > (~0ull) / mult)
    return bad("--limit needs NAME=N with N a positive integer (K/M/G allowed), got '" + spec + "'");
  v *= mult;
  if (name == "entries") l->max_entries = v;
  else if (name == "members") l->max_members = v;
  else if (name == "paths") l->max_paths = v;
  else if (name == "path-bytes") l->max_path_bytes = v;
  else if (name == "path-table-bytes") l->max_path_table_bytes = v;
  else if (name == "json-bytes") l->max_json_bytes = v;
  // Capped where raising further would trade a limit error for a crash: JSON is
  // serialised recursively (stack), and the ratio is printed as an int.
  else if (name == "json-depth" && v > 10000) return bad("--limit json-depth: at most 10000");
  else if (name == "json-depth") l->max_json_depth = static_cast<uint32_t>(v);
  else if (name == "expansion-ratio" && v > 1000000) return bad("--limit expansion-ratio: at most 1000000");
  else if (name == "expansion-ratio") l->max_expansion_ratio = static_cast<double>(v);
  else if (name == "expansion-floor") l->max_expansion_floor = v;
  else if (name == "index-descriptors") l->max_index_descriptors = v;
  else if (name == "nested-indexes") l->max_nested_indexes = v;
  else if (name == "link-hops") l->max_member_link_hops = static_cast<uint32_t>(std::min<unsigned long long>(v, 1024));
  else if (name == "warnings-per-code") l->max_warnings_per_code = v;
  else if (name == "stacked-entries") l->max_stacked_entries = v;
  else if (name == "content-diff-bytes") l->max_content_diff_bytes = v;
  else if (name == "diff-lines") l->max_diff_lines = v;
  else return bad("--limit: unknown NAME '" + name + "' (see --help)");
  return Status::Ok();
}

}  // namespace lscli
