// Content diffs (see content_diff.h).
#include "diff/content_diff.h"

#include <dtl/dtl.hpp>

#include <algorithm>
#include <unordered_map>
#include <vector>

namespace layerscope {
namespace {

constexpr size_t kContext = 3;
// Line comparisons dtl may make (about a second); past it the diff is refused.
constexpr uint64_t kComparisonBudget = 300'000'000;
constexpr uint32_t kNoNewline = 0x80000000u;  // id bit: a last line without '\n'

struct Lines {
  std::vector<std::string_view> text;  // without their '\n'
  bool final_newline = true;
};

Lines split_lines(std::string_view s) {
  Lines l;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string_view::npos) {
      l.text.push_back(s.substr(start));
      l.final_newline = false;
      break;
    }
    l.text.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return l;
}

// Lines as ids: equal lines, equal ids (a last line without '\n' differs from the same text with one).
std::vector<uint32_t> line_ids(const Lines& l, std::unordered_map<std::string_view, uint32_t>* ids) {
  std::vector<uint32_t> out;
  out.reserve(l.text.size());
  for (std::string_view t : l.text) out.push_back(ids->emplace(t, static_cast<uint32_t>(ids->size())).first->second);
  if (!l.final_newline && !out.empty()) out.back() |= kNoNewline;
  return out;
}

// Counts dtl's comparisons; past the budget every pair is "equal", which ends
// dtl's search at once (the caller then discards the result).
class BudgetCompare : public dtl::Compare<uint32_t> {
 public:
  BudgetCompare() = default;
  explicit BudgetCompare(uint64_t* used) : used_(used) {}
  bool impl(const uint32_t& a, const uint32_t& b) const override {
    return ++*used_ > kComparisonBudget || a == b;
  }

 private:
  uint64_t* used_ = nullptr;
};

struct Edit {
  char op;          // ' ', '-', '+'
  uint32_t ai, bi;  // line index in before / after (for '+' / '-': of the next line of the other side)
};

// The edit script of the middle parts (after `head` equal lines), with up to
// kContext equal lines on each side of it.
Result<std::vector<Edit>> edit_script(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b,
                                      uint64_t max_lines) {
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) ++tail;
  std::vector<uint32_t> ma(a.begin() + head, a.end() - tail), mb(b.begin() + head, b.end() - tail);
  if (ma.size() > max_lines || mb.size() > max_lines)
    return make_error(Code::kLimit, "the files differ in " + std::to_string(ma.size()) + " and " +
                                        std::to_string(mb.size()) + " lines, more than " + std::to_string(max_lines) +
                                        " per side can be diffed");
  std::vector<Edit> out;
  uint32_t ai = static_cast<uint32_t>(head - std::min(head, kContext)), bi = ai;
  for (; ai < head; ++ai, ++bi) out.push_back({' ', ai, bi});
  uint64_t used = 0;
  dtl::Diff<uint32_t, std::vector<uint32_t>, BudgetCompare> d(ma, mb, /*deletesFirst=*/true, BudgetCompare(&used));
  d.compose();
  if (used > kComparisonBudget)
    return make_error(Code::kLimit, "the files differ in too many places to diff (" + std::to_string(ma.size()) +
                                        " and " + std::to_string(mb.size()) + " differing lines)");
  for (const auto& [id, info] : d.getSes().getSequence()) {
    if (info.type == dtl::SES_COMMON) out.push_back({' ', ai++, bi++});
    else if (info.type == dtl::SES_DELETE) out.push_back({'-', ai++, bi});
    else out.push_back({'+', ai, bi++});
  }
  for (size_t k = 0; k < std::min(tail, kContext); ++k) out.push_back({' ', ai++, bi++});
  return out;
}

std::string range(uint32_t first, uint32_t count) {
  // GNU: an empty range names the line before it; a range of one line has no count.
  if (count == 1) return std::to_string(first + 1);
  return std::to_string(count ? first + 1 : first) + "," + std::to_string(count);
}

void append_line(std::string* out, char op, const Lines& l, uint32_t i) {
  out->push_back(op);
  out->append(l.text[i]);
  out->push_back('\n');
  if (i + 1 == l.text.size() && !l.final_newline) out->append("\\ No newline at end of file\n");
}

// Hunks: changes with kContext lines around them; changes closer than twice that share a hunk.
void write_hunks(const std::vector<Edit>& e, const Lines& la, const Lines& lb, std::string* out) {
  size_t i = 0;
  while (i < e.size()) {
    while (i < e.size() && e[i].op == ' ') ++i;
    if (i == e.size()) break;
    size_t start = i - std::min(i, kContext), end = i;
    // Extend over changes separated by at most 2 * kContext equal lines.
    for (size_t k = i; k < e.size(); ++k) {
      if (e[k].op != ' ') end = k;
      else if (k - end > 2 * kContext) break;
    }
    size_t stop = std::min(e.size(), end + 1 + kContext);
    uint32_t na = 0, nb = 0;
    for (size_t k = start; k < stop; ++k) na += e[k].op != '+', nb += e[k].op != '-';
    *out += "@@ -" + range(e[start].ai, na) + " +" + range(e[start].bi, nb) + " @@\n";
    for (size_t k = start; k < stop; ++k) {
      if (e[k].op == '+') append_line(out, '+', lb, e[k].bi);
      else append_line(out, e[k].op, la, e[k].ai);
    }
    i = stop;
  }
}

}  // namespace

bool looks_binary(std::string_view bytes) { return bytes.find('\0') != std::string_view::npos; }

Result<std::string> unified_diff(std::string_view before, std::string_view after, std::string_view label_before,
                                 std::string_view label_after, uint64_t max_lines) {
  if (before == after) return std::string();
  Lines la = split_lines(before), lb = split_lines(after);
  std::unordered_map<std::string_view, uint32_t> ids;
  std::vector<uint32_t> a = line_ids(la, &ids), b = line_ids(lb, &ids);
  LS_ASSIGN_OR_RETURN(std::vector<Edit> edits, edit_script(a, b, max_lines));
  std::string out = "--- " + std::string(label_before) + "\n+++ " + std::string(label_after) + "\n";
  write_hunks(edits, la, lb, &out);
  return out;
}

ByteDifference first_difference(std::string_view before, std::string_view after, size_t window) {
  ByteDifference d;
  size_t n = std::min(before.size(), after.size());
  size_t i = std::mismatch(before.begin(), before.begin() + static_cast<long>(n), after.begin()).first - before.begin();
  if (i == n && before.size() == after.size()) return d;
  d.first = static_cast<int64_t>(i);
  d.window_offset = i >= 16 ? (i & ~size_t{15}) - 16 : 0;
  d.before = std::string(before.substr(std::min<size_t>(d.window_offset, before.size()), window));
  d.after = std::string(after.substr(std::min<size_t>(d.window_offset, after.size()), window));
  return d;
}

}  // namespace layerscope
