// layerscope diff ARCHIVE [IMAGE] --from N [--to M] [PATH] [--content] [--json]
// layerscope diff ARCHIVE [IMAGE] --against OTHER [OTHER_IMAGE] [PATH] [--content] [--json]
// What differs between the merged filesystem as of layer N and as of layer M
// (--from -1: the empty filesystem; --to: the top), or between two images
// (OTHER may be the same archive). Exit 0 when it ran, whether or not anything differs.
#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "command.h"
#include "image_args.h"
#include "layerscope/text.h"
#include "output.h"

namespace lscli {
namespace {

int layer_number(const Args& a, const char* flag, int min, int* out) {
  std::string n = a.value(flag);
  char* end = nullptr;
  errno = 0;
  long x = std::strtol(n.c_str(), &end, 10);
  if (n.empty() || *end || errno || x < min || x > 1000000)
    return usage_error(std::string(flag) + " needs a layer number" + (min < 0 ? " (-1: the empty filesystem)" : "") +
                           ", got '" + n + "'",
                       a.command);
  *out = static_cast<int>(x);
  return kContinue;
}

// What the command line names: the sessions, images, layers and PATH.
struct Sides {
  std::unique_ptr<Session> session, other_session;  // other_session: only when OTHER is another file
  const Session* other = nullptr;
  int image = 0, other_image = 0, from = -1, to = -1;
  std::string path;
};

// --against OTHER: the operands before it are [IMAGE], those after it [OTHER_IMAGE] [PATH].
int resolve_against(const Context& ctx, const Args& a, Sides* s) {
  size_t split = a.operands_before.at("--against");
  split = split > 0 ? split - 1 : 0;  // ARCHIVE is not in pos
  std::vector<std::string> mine(a.pos.begin(), a.pos.begin() + static_cast<long>(std::min(split, a.pos.size())));
  std::vector<std::string> theirs(a.pos.begin() + static_cast<long>(mine.size()), a.pos.end());
  if (mine.size() > 1 || theirs.size() > 2)
    return usage_error("diff takes ARCHIVE [IMAGE] --against OTHER [OTHER_IMAGE] [PATH]", a.command);
  if (int rc = pick_image(a, *s->session, mine.empty() ? "" : mine[0], &s->image); rc != kContinue) return rc;
  const std::string other = a.value("--against");
  if (other == a.archives[0]) {
    s->other = s->session.get();
  } else {
    auto opened = ctx.open(other);
    if (!opened.ok()) return fail(opened.error());
    s->other_session = std::move(opened).value();
    s->other = s->other_session.get();
  }
  std::string ref;
  if (theirs.size() == 2) ref = theirs[0], s->path = theirs[1];
  else if (theirs.size() == 1 && s->other->resolve_image(theirs[0], a.value("--platform")).ok()) ref = theirs[0];
  else if (theirs.size() == 1) s->path = theirs[0];
  if (int rc = pick_image(a, *s->other, ref, &s->other_image); rc != kContinue) return rc;
  s->from = static_cast<int>(s->session->archive().images[s->image].layers.size()) - 1;
  return kContinue;
}

int resolve_sides(const Context& ctx, const Args& a, Sides* s) {
  if (a.has("--against") == a.has("--from"))
    return usage_error("diff needs either --from N [--to M] or --against OTHER", a.command);
  if (a.has("--to") && !a.has("--from")) return usage_error("--to goes with --from", a.command);
  if (a.has("--from")) {
    if (int rc = layer_number(a, "--from", -1, &s->from); rc != kContinue) return rc;
    if (a.has("--to"))
      if (int rc = layer_number(a, "--to", 0, &s->to); rc != kContinue) return rc;
  }
  auto opened = ctx.open(a.archives[0]);
  if (!opened.ok()) return fail(opened.error());
  s->session = std::move(opened).value();
  if (a.has("--against")) return resolve_against(ctx, a, s);
  s->other = s->session.get();
  if (int rc = image_and_path(a, *s->session, false, &s->image, &s->path); rc != kContinue) return rc;
  s->other_image = s->image;
  return kContinue;
}

std::string sizes(const DiffEntry& e) {
  auto file = [](EntryType t) { return t == EntryType::kFile || t == EntryType::kHardlink; };
  if (e.change == Change::kAdded) return file(e.type) ? human_size(e.size_after) : "";
  if (e.change == Change::kDeleted) return file(e.type) ? human_size(e.size_before) : "";
  if (e.size_before == e.size_after) return file(e.type) ? human_size(e.size_after) : "";
  return human_size(e.size_before) + " -> " + human_size(e.size_after);
}

void print_row(const DiffEntry& e) {
  char mark = e.change == Change::kAdded ? 'A' : e.change == Change::kDeleted ? 'D' : 'C';
  std::string what;
  for (auto& w : e.what) what += (what.empty() ? "" : ", ") + w;
  std::string line = std::string(1, mark) + " /" + escape_text(e.path);
  if (!what.empty()) line += " (" + what + ")";
  std::string sz = sizes(e);
  std::printf("%s%s%s\n", line.c_str(), sz.empty() ? "" : "  ", sz.c_str());
}

void print_image_differences(const ImageDifferences& d) {
  for (auto& c : d.config) {
    std::string key = c.key.empty() ? "" : " " + escape_text(c.key);
    if (c.before.empty() && c.after.empty())  // ports, volumes: keys without values
      std::printf("config %s%s: %s\n", c.field.c_str(), key.c_str(), change_name(c.change));
    else
      std::printf("config %s%s: %s -> %s\n", c.field.c_str(), key.c_str(),
                  c.before.empty() ? "(none)" : escape_text(c.before).c_str(),
                  c.after.empty() ? "(none)" : escape_text(c.after).c_str());
  }
  std::printf("history: %d steps in common\n", d.history_common);
  for (auto& h : d.history)
    std::printf("history %c step %d: %s%s\n", h.change == Change::kAdded ? '+' : '-', h.index,
                escape_text(h.created_by, 200).c_str(), h.empty_layer ? " (no layer)" : "");
  std::printf("shared layers: %zu\n", d.shared_layers.size());
  for (auto& l : d.shared_layers)
    std::printf("shared layer %d = %d %s\n", l.layer_before, l.layer_after, escape_text(l.diff_id).c_str());
}

int print_comparison(const Comparison& c, bool json) {
  if (json) {
    c.write_json([](std::string_view piece) { write_stdout(piece); });
    write_stdout("\n");
    return 0;
  }
  if (c.images()) print_image_differences(c.image_differences());
  for (uint64_t i = 0; i < c.size(); ++i) print_row(c.entry(i));
  DiffCounts n = c.counts();
  std::printf("%llu added, %llu modified, %llu deleted (+%s, -%s)\n", static_cast<unsigned long long>(n.added),
              static_cast<unsigned long long>(n.modified), static_cast<unsigned long long>(n.deleted),
              human_size(n.added_bytes).c_str(), human_size(n.deleted_bytes).c_str());
  return 0;
}

void print_hex_window(const char* side, uint64_t offset, const std::string& bytes) {
  for (size_t row = 0; row < bytes.size(); row += 16) {
    std::printf("%-6s %08llx ", side, static_cast<unsigned long long>(offset + row));
    std::string ascii;
    for (size_t k = row; k < row + 16; ++k) {
      if (k < bytes.size()) {
        unsigned char ch = static_cast<unsigned char>(bytes[k]);
        std::printf(" %02x", ch);
        ascii += ch >= 0x20 && ch < 0x7f ? static_cast<char>(ch) : '.';
      } else {
        std::printf("   ");
      }
    }
    std::printf("  |%s|\n", ascii.c_str());
  }
}

int print_content(const ContentDiff& c, bool json) {
  if (json) {
    print_document(content_diff_json(c));
    return 0;
  }
  std::string p = "/" + escape_text(c.path);
  auto size = [](bool present, int64_t n) { return present ? human_size(n) + " (" + std::to_string(n) + " bytes)" : std::string("absent"); };
  if (c.identical) {
    std::printf("identical: %s, %s, %s\n", p.c_str(), size(true, c.size_after).c_str(), c.digest_after.c_str());
    return 0;
  }
  if (!c.binary) {
    write_stdout(c.unified);
    return 0;
  }
  std::printf("Binary files differ: %s\nsize:   %s -> %s\n", p.c_str(), size(c.present_before, c.size_before).c_str(),
              size(c.present_after, c.size_after).c_str());
  if (c.present_before && c.present_after && c.mode_before != c.mode_after)
    std::printf("mode:   %04o -> %04o\n", c.mode_before & 07777, c.mode_after & 07777);
  std::printf("digest: %s -> %s\n", c.digest_before.empty() ? "(none)" : c.digest_before.c_str(),
              c.digest_after.empty() ? "(none)" : c.digest_after.c_str());
  if (c.first_difference < 0) return 0;
  std::printf("first difference at byte %lld (0x%llx)\n", static_cast<long long>(c.first_difference),
              static_cast<unsigned long long>(c.first_difference));
  print_hex_window("before", c.window_offset, c.window_before);
  print_hex_window("after", c.window_offset, c.window_after);
  return 0;
}

int run(const Context& ctx, const Args& a) {
  Sides s;
  if (int rc = resolve_sides(ctx, a, &s); rc != kContinue) return rc;
  if (a.has("--content")) {
    if (s.path.empty()) return usage_error("--content needs a PATH naming a file", a.command);
    auto c = s.session->content_diff(s.image, s.from, s.other, s.other_image, s.to, s.path);
    if (!c.ok()) return fail(c.error());
    return print_content(c.value(), a.has("--json"));
  }
  ProgressFn progress;
  auto r = a.has("--against") ? s.session->compare(s.image, *s.other, s.other_image, s.path, progress)
                              : s.session->diff(s.image, s.from, s.to, s.path, progress);
  if (!r.ok()) return fail(r.error());
  return print_comparison(*r.value(), a.has("--json"));
}

}  // namespace

const Command& diff_command() {
  static const Command c{
      "diff", "ARCHIVE [IMAGE] (--from N [--to M] | --against OTHER [OTHER_IMAGE]) [PATH] [--content] [--json]",
      "what differs between two layers of an image (as of N and as of M) or between two images", 1,
      {{{"--from"}, "N", "the filesystem as of layer N (-1: the empty filesystem)"},
       {{"--to"}, "M", "against the filesystem as of layer M (default: the top)"},
       {{"--against"}, "OTHER", "against an image of archive OTHER (may be ARCHIVE itself)"},
       {{"--content"}, nullptr, "with PATH naming a file: its unified diff (binary: sizes and hex windows)"},
       {{"--platform"}, "OS[/ARCH[/VARIANT]]", "pick the image of that platform"},
       {{"--json"}, nullptr, "print the versioned diff document (docs/json-schema.md)"}},
      run};
  return c;
}

}  // namespace lscli
