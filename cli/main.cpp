// layerscope — the command line over core/api (docker-like vocabulary).
//
// Exit codes: 0 success, 1 a reported failure (bad archive, missing path),
// 2 a usage error.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "layerscope/session.h"
#include "layerscope/text.h"

using namespace layerscope;

namespace {

constexpr const char* kUsage =
    R"(layerscope — look inside saved container images (docker save, podman, skopeo, buildah, containerd)

usage:
  layerscope inspect ARCHIVE [--json] [--verify]
  layerscope images  ARCHIVE [-q] [--no-trunc] [-f dangling=true|false] [-f label=K[=V]]
                             [-f before=IMAGE] [-f since=IMAGE] [--platform P]
  layerscope history ARCHIVE [IMAGE] [--no-trunc] [--json]
  layerscope ls      ARCHIVE [IMAGE] [--layer N | --merged] [--layer N --merged] [PATH] [--json]
  layerscope cat     ARCHIVE [IMAGE] PATH [--layer N]
  layerscope log     ARCHIVE [IMAGE] PATH [--json]   (every layer that added, modified or deleted PATH)

IMAGE is a tag (repo:tag), an image ID or its prefix, or an index (0, #0). It may be left
out when the archive holds one image. --platform OS[/ARCH[/VARIANT]] (e.g. linux/arm64)
picks among the images of a multi-platform archive or tag (history, ls, cat, log), or
keeps that platform's images (images). ls without --layer shows the merged filesystem of
the top layer; --layer N alone shows what layer N added (A), modified (M) and deleted (D).
Common options: --progress (progress on stderr), -h/--help, --version,
  --limit NAME=N (repeatable) raises or lowers a bound on what an archive may cost; N takes
  K/M/G (1024-based). NAME: entries (5M), members (1M), paths (10M), path-bytes (4096),
  path-table-bytes (1G), json-bytes (64M), json-depth (256), expansion-ratio (2000),
  expansion-floor (1G), index-descriptors (100000), nested-indexes (1024), link-hops (16),
  warnings-per-code (1000), stacked-entries (50M).
Exit status: 0 ok, 1 failure reported on stderr, 2 usage error.
)";

struct Args {
  std::string cmd, archive;
  std::vector<std::string> pos;
  bool json = false, verify = false, quiet = false, no_trunc = false, merged = false, progress = false;
  int layer = -1;
  bool layer_set = false;
  std::vector<std::string> filters;
  std::string platform;
  Limits limits;  // defaults, changed by --limit NAME=N
};

[[noreturn]] void usage_error(const std::string& msg) {
  std::fprintf(stderr, "layerscope: %s\nRun 'layerscope --help' for usage.\n", msg.c_str());
  std::exit(2);
}

int fail(const Error& e) {
  // Messages and places quote archive bytes: escaped like everything else printed.
  Error shown{e.code, escape_text(e.message), escape_text(e.where)};
  std::fprintf(stderr, "layerscope: error: %s\n", shown.to_string().c_str());
  if (e.code == Code::kLimit)
    std::fprintf(stderr, "layerscope: a bound was reached; if the archive is trusted, raise it with --limit NAME=N "
                         "(see --help)\n");
  return 1;
}

// "--limit NAME=N": N is an integer with an optional K/M/G (1024-based) suffix.
void apply_limit(const std::string& spec, Limits* l) {
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
    usage_error("--limit needs NAME=N with N a positive integer (K/M/G allowed), got '" + spec + "'");
  v *= mult;
  if (name == "entries") l->max_entries = v;
  else if (name == "members") l->max_members = v;
  else if (name == "paths") l->max_paths = v;
  else if (name == "path-bytes") l->max_path_bytes = v;
  else if (name == "path-table-bytes") l->max_path_table_bytes = v;
  else if (name == "json-bytes") l->max_json_bytes = v;
  // Capped where raising further would trade a limit error for a crash: JSON is
  // serialised recursively (stack), and the ratio is printed as an int.
  else if (name == "json-depth" && v > 10000) usage_error("--limit json-depth: at most 10000");
  else if (name == "json-depth") l->max_json_depth = static_cast<uint32_t>(v);
  else if (name == "expansion-ratio" && v > 1000000) usage_error("--limit expansion-ratio: at most 1000000");
  else if (name == "expansion-ratio") l->max_expansion_ratio = static_cast<double>(v);
  else if (name == "expansion-floor") l->max_expansion_floor = v;
  else if (name == "index-descriptors") l->max_index_descriptors = v;
  else if (name == "nested-indexes") l->max_nested_indexes = v;
  else if (name == "link-hops") l->max_member_link_hops = static_cast<uint32_t>(std::min<unsigned long long>(v, 1024));
  else if (name == "warnings-per-code") l->max_warnings_per_code = v;
  else if (name == "stacked-entries") l->max_stacked_entries = v;
  else usage_error("--limit: unknown NAME '" + name + "' (see --help)");
}

std::string human_size(int64_t n) {
  // docker's units: 1000-based, 3 significant digits.
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1000.0 && u < 4) { v /= 1000.0; ++u; }
  char b[32];
  if (u == 0) std::snprintf(b, sizeof b, "%lldB", static_cast<long long>(n));
  else std::snprintf(b, sizeof b, "%.3g%s", v, units[u]);
  return b;
}

std::optional<std::time_t> parse_time(const std::string& s) {
  if (s.size() < 19) return std::nullopt;
  std::tm tm{};
  if (!strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return std::nullopt;
  return timegm(&tm);
}

std::string ago(const std::string& created) {
  auto t = parse_time(created);
  if (!t) return created.empty() ? "N/A" : escape_text(created);
  long long d = static_cast<long long>(std::time(nullptr) - *t);
  if (d < 0) return "in the future";
  auto unit = [](long long v, const char* u) {
    return std::to_string(v) + " " + u + (v == 1 ? "" : "s") + " ago";
  };
  if (d < 60) return "Less than a minute ago";
  if (d < 3600) return unit(d / 60, "minute");
  if (d < 86400 * 2) return unit(d / 3600, "hour");
  if (d < 86400 * 14) return unit(d / 86400, "day");
  if (d < 86400 * 60) return unit(d / (86400 * 7), "week");
  if (d < 86400 * 365 * 2) return unit(d / (86400 * 30), "month");
  return unit(d / (86400 * 365), "year");
}

std::string mode_string(EntryType t, uint32_t mode) {
  char s[11];
  s[0] = t == EntryType::kDir ? 'd' : t == EntryType::kSymlink ? 'l' : t == EntryType::kHardlink ? 'h'
       : t == EntryType::kCharDev ? 'c' : t == EntryType::kBlockDev ? 'b' : t == EntryType::kFifo ? 'p'
       : t == EntryType::kSocket ? 's' : '-';
  const char* rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; ++i) s[1 + i] = (mode & (1u << (8 - i))) ? rwx[i] : '-';
  if (mode & 04000) s[3] = (mode & 0100) ? 's' : 'S';
  if (mode & 02000) s[6] = (mode & 010) ? 's' : 'S';
  if (mode & 01000) s[9] = (mode & 01) ? 't' : 'T';
  s[10] = 0;
  return s;
}

Args parse_args(int argc, char** argv) {
  Args a;
  std::vector<std::string> v(argv + 1, argv + argc);
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string& s = v[i];
    auto need = [&](const char* what) -> std::string {
      if (i + 1 >= v.size()) usage_error(std::string(s) + " needs " + what);
      return v[++i];
    };
    if (s == "-h" || s == "--help") { std::fputs(kUsage, stdout); std::exit(0); }
    else if (s == "--version") { std::printf("layerscope 0.1.0 (json schema %d)\n", kSchemaVersion); std::exit(0); }
    else if (s == "--json") a.json = true;
    else if (s == "--verify") a.verify = true;
    else if (s == "-q" || s == "--quiet") a.quiet = true;
    else if (s == "--no-trunc") a.no_trunc = true;
    else if (s == "--merged") a.merged = true;
    else if (s == "--progress") a.progress = true;
    else if (s == "-f" || s == "--filter") a.filters.push_back(need("a filter"));
    else if (s.rfind("--filter=", 0) == 0) a.filters.push_back(s.substr(9));
    else if (s == "--platform") a.platform = need("os/arch[/variant]");
    else if (s == "--limit") apply_limit(need("NAME=N"), &a.limits);
    else if (s.rfind("--limit=", 0) == 0) apply_limit(s.substr(8), &a.limits);
    else if (s.rfind("--platform=", 0) == 0) a.platform = s.substr(11);
    else if (s == "--layer" || s.rfind("--layer=", 0) == 0) {
      std::string n = s == "--layer" ? need("a layer number") : s.substr(8);
      char* end = nullptr;
      errno = 0;
      long x = std::strtol(n.c_str(), &end, 10);
      if (n.empty() || *end || errno || x < 0 || x > 1000000) usage_error("--layer needs a layer number, got '" + n + "'");
      a.layer = static_cast<int>(x);
      a.layer_set = true;
    } else if (s == "--") {
      for (++i; i < v.size(); ++i) a.pos.push_back(v[i]);
    } else if (s.size() > 1 && s[0] == '-' && s != "-") usage_error("unknown option " + s);
    else a.pos.push_back(s);
  }
  if (a.pos.empty()) { std::fputs(kUsage, stderr); std::exit(2); }
  a.cmd = a.pos[0];
  a.pos.erase(a.pos.begin());
  if (a.cmd == "help") { std::fputs(kUsage, stdout); std::exit(0); }
  if (a.pos.empty()) usage_error(a.cmd + ": missing ARCHIVE");
  a.archive = a.pos[0];
  a.pos.erase(a.pos.begin());
  return a;
}

Result<std::unique_ptr<Session>> open_session(const Args& a) {
  LS_ASSIGN_OR_RETURN(auto src, open_file_source(a.archive));
  OpenOptions o;
  o.verify = a.verify;
  o.limits = a.limits;
  if (a.progress) {
    auto last = std::make_shared<std::chrono::steady_clock::time_point>();
    auto start = std::chrono::steady_clock::now();
    o.progress = [last, start](const Progress& p) {
      auto now = std::chrono::steady_clock::now();
      if (now - *last < std::chrono::milliseconds(200) && p.done < p.total) return true;
      *last = now;
      double secs = std::chrono::duration<double>(now - start).count();
      std::fprintf(stderr, "\r%-6.*s %5.1f%%  %.1f MB/s  ", static_cast<int>(p.phase.size()), p.phase.data(),
                   p.total ? 100.0 * static_cast<double>(p.done) / static_cast<double>(p.total) : 0.0,
                   secs > 0 ? static_cast<double>(p.done) / 1e6 / secs : 0.0);
      return true;
    };
  }
  auto r = Session::open(src, o);
  if (a.progress) std::fprintf(stderr, "\r%40s\r", "");
  return r;
}

std::string short_id(const std::string& digest, bool no_trunc) {
  if (digest.empty()) return "<none>";
  if (no_trunc) return escape_text(digest);
  return escape_text(digest.size() > 19 ? digest.substr(7, 12) : digest);
}

void split_tag(const std::string& tag, std::string* repo, std::string* t) {
  auto slash = tag.rfind('/');
  auto colon = tag.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    *repo = tag.substr(0, colon);
    *t = tag.substr(colon + 1);
  } else {
    *repo = tag;
    *t = "<none>";
  }
}

std::string config_label(const Image& img, const std::string& key, bool* found) {
  *found = false;
  auto j = nlohmann::json::parse(img.config_json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return {};
  auto c = j.find("config");
  if (c == j.end() || !c->is_object()) return {};
  auto l = c->find("Labels");
  if (l == c->end() || !l->is_object()) return {};
  auto v = l->find(key);
  if (v == l->end()) return {};
  *found = true;
  return v->is_string() ? v->get<std::string>() : v->dump();
}

// ---------------------------------------------------------------- commands

int cmd_inspect(const Args& a, Session& s) {
  if (!a.pos.empty()) usage_error("inspect takes only ARCHIVE");
  if (a.json) {
    std::string j = s.inspect_json();
    std::fwrite(j.data(), 1, j.size(), stdout);
    std::fputc('\n', stdout);
    return 0;
  }
  const Archive& ar = s.archive();
  std::printf("Archive:   %s (%s bytes, outer compression %s, %u members)\n", escape_text(ar.name).c_str(),
              std::to_string(ar.size).c_str(), compression_name(ar.outer_compression), ar.member_count);
  std::printf("Layout:    %s — %s\n", layout_id(ar.layout), layout_title(ar.layout));
  std::printf("Producer:  %s (best guess)\n", escape_text(ar.producer).c_str());
  std::printf("Read:      %s of %s bytes (%.2f%%)\n", std::to_string(s.source().bytes_read()).c_str(),
              std::to_string(ar.size).c_str(),
              ar.size ? 100.0 * static_cast<double>(s.source().bytes_read()) / static_cast<double>(ar.size) : 0.0);
  if (ar.warnings.empty()) std::printf("Warnings:  none\n");
  else {
    std::printf("Warnings:  %zu\n", ar.warnings.size());
    for (auto& w : ar.warnings)
      std::printf("  [%s] %s%s%s\n", w.code.c_str(), escape_text(w.message).c_str(), w.where.empty() ? "" : " — ",
                  escape_text(w.where).c_str());
  }
  for (size_t i = 0; i < ar.images.size(); ++i) {
    const Image& img = ar.images[i];
    std::printf("\nImage #%zu\n", i);
    std::string tags;
    for (auto& t : img.tags) tags += (tags.empty() ? "" : ", ") + escape_text(t);
    std::printf("  Tags:      %s\n", tags.empty() ? "<none>" : tags.c_str());
    std::printf("  ID:        %s\n", img.config_digest.empty() ? "<unknown>" : escape_text(img.config_digest).c_str());
    if (!img.manifest_digest.empty()) std::printf("  Manifest:  %s\n", escape_text(img.manifest_digest).c_str());
    std::printf("  Platform:  %s\n", escape_text(img.platform.to_string()).c_str());
    std::printf("  Created:   %s\n", img.created.empty() ? "N/A" : escape_text(img.created).c_str());
    if (!img.author.empty()) std::printf("  Author:    %s\n", escape_text(img.author).c_str());
    std::printf("  Source:    %s\n", escape_text(img.source).c_str());
    auto cc = s.change_counts(static_cast<int>(i));
    std::printf("  Layers:    %zu\n", img.layers.size());
    std::printf("    %-3s %-13s %-6s %10s %10s %7s %5s %5s %5s %4s %4s\n", "#", "DIGEST", "COMP", "SIZE", "UNPACKED",
                "ENTRIES", "A", "M", "D", "WH", "OPQ");
    for (auto& l : img.layers) {
      const Blob* b = l.blob >= 0 ? &ar.blobs[l.blob] : nullptr;
      const LayerIndex* idx = s.layer_index(static_cast<int>(i), l.index);
      const ChangeCounts* k = cc.ok() && l.index < static_cast<int>(cc.value().size()) ? &cc.value()[l.index] : nullptr;
      std::printf("    %-3d %-13s %-6s %10s %10s %7u %5u %5u %5u %4u %4u%s\n", l.index,
                  escape_text(short_id(l.digest, false)).c_str(),
                  b && b->indexed ? compression_name(b->compression) : (b && !b->present ? "absent" : "?"),
                  l.size >= 0 ? human_size(l.size).c_str() : "?",
                  b && b->uncompressed_size >= 0 ? human_size(b->uncompressed_size).c_str() : "?",
                  idx ? idx->counts.total : 0, k ? k->added : 0, k ? k->modified : 0, k ? k->deleted : 0,
                  idx ? idx->counts.whiteouts : 0, idx ? idx->counts.opaque_dirs : 0,
                  b && !b->error.empty() ? "  (unreadable)" : "");
    }
  }
  for (auto& at : ar.attestations)
    std::printf("\nAttestation %s for %s\n", escape_text(at.manifest_digest).c_str(),
                escape_text(at.reference_digest).c_str());
  return 0;
}

int cmd_images(const Args& a, Session& s) {
  if (!a.pos.empty()) usage_error("images takes only ARCHIVE and options");
  const Archive& ar = s.archive();
  std::vector<bool> keep(ar.images.size(), true);
  for (auto& f : a.filters) {
    auto eq = f.find('=');
    if (eq == std::string::npos) usage_error("bad filter '" + f + "' (expected key=value)");
    std::string k = f.substr(0, eq), v = f.substr(eq + 1);
    if (k == "dangling") {
      if (v != "true" && v != "false") usage_error("dangling filter takes true or false");
      for (size_t i = 0; i < keep.size(); ++i) keep[i] = keep[i] && (ar.images[i].tags.empty() == (v == "true"));
    } else if (k == "label") {
      auto eq2 = v.find('=');
      std::string lk = v.substr(0, eq2);
      for (size_t i = 0; i < keep.size(); ++i) {
        bool found = false;
        std::string lv = config_label(ar.images[i], lk, &found);
        keep[i] = keep[i] && found && (eq2 == std::string::npos || lv == v.substr(eq2 + 1));
      }
    } else if (k == "before" || k == "since") {
      auto r = s.resolve_image(v);
      if (!r.ok()) return fail(r.error());
      auto ref = parse_time(ar.images[r.value()].created);
      for (size_t i = 0; i < keep.size(); ++i) {
        auto t = parse_time(ar.images[i].created);
        bool ok = ref && t && (k == "before" ? *t < *ref : *t > *ref);
        keep[i] = keep[i] && ok && static_cast<int>(i) != r.value();
      }
    } else {
      usage_error("unknown filter '" + k + "' (dangling, label, before, since)");
    }
  }
  // --platform keeps the images of that platform (the matching resolve_image uses).
  if (!a.platform.empty()) {
    auto r = s.images_for_platform(a.platform);
    if (!r.ok()) return fail(r.error());
    std::vector<bool> match(keep.size(), false);
    for (int i : r.value()) match[i] = true;
    for (size_t i = 0; i < keep.size(); ++i) keep[i] = keep[i] && match[i];
  }
  // A PLATFORM column when the archive holds more than one platform (a multi-platform
  // index lists the same tag once per platform).
  bool platforms = false;
  for (size_t i = 1; i < ar.images.size(); ++i)
    platforms = platforms || ar.images[i].platform.to_string() != ar.images[0].platform.to_string();
  if (!a.quiet) {
    std::printf(platforms ? "%-40s %-16s %-20s %-20s %-10s PLATFORM\n" : "%-40s %-16s %-20s %-20s %s\n", "REPOSITORY",
                "TAG", "IMAGE ID", "CREATED", "SIZE");
  }
  std::vector<std::string> seen;
  for (size_t i = 0; i < ar.images.size(); ++i) {
    if (!keep[i]) continue;
    const Image& img = ar.images[i];
    std::string id = short_id(img.config_digest, a.no_trunc);
    if (a.quiet) {
      if (std::find(seen.begin(), seen.end(), id) == seen.end()) {
        std::printf("%s\n", id.c_str());
        seen.push_back(id);
      }
      continue;
    }
    int64_t size = 0;
    for (auto& l : img.layers) {
      const Blob* b = l.blob >= 0 ? &ar.blobs[l.blob] : nullptr;
      if (b && b->uncompressed_size > 0) size += b->uncompressed_size;
    }
    std::vector<std::string> tags = img.tags;
    if (tags.empty()) tags.push_back("<none>:<none>");
    for (auto& t : tags) {
      std::string repo, tag;
      if (t == "<none>:<none>") { repo = "<none>"; tag = "<none>"; }
      else split_tag(t, &repo, &tag);
      std::printf(platforms ? "%-40s %-16s %-20s %-20s %-10s " : "%-40s %-16s %-20s %-20s %s", escape_text(repo).c_str(),
                  escape_text(tag).c_str(), id.c_str(), ago(img.created).c_str(), human_size(size).c_str());
      std::printf("%s\n", platforms ? escape_text(img.platform.to_string()).c_str() : "");
    }
  }
  return 0;
}

int pick_image(const Args& a, Session& s, const std::string& ref) {
  auto r = s.resolve_image(ref, a.platform);
  if (!r.ok()) std::exit(fail(r.error()));
  return r.value();
}

int cmd_history(const Args& a, Session& s) {
  if (a.pos.size() > 1) usage_error("history takes ARCHIVE [IMAGE]");
  int im = pick_image(a, s, a.pos.empty() ? "" : a.pos[0]);
  const Image& img = s.archive().images[im];
  if (a.json) {
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (auto& h : img.history) {
      nlohmann::ordered_json e;
      e["created"] = h.created;
      e["created_by"] = h.created_by;
      e["comment"] = h.comment;
      e["empty_layer"] = h.empty_layer;
      e["layer"] = h.layer >= 0 ? nlohmann::ordered_json(h.layer) : nlohmann::ordered_json(nullptr);
      int64_t size = 0;
      if (h.layer >= 0) {
        const Blob* b = img.layers[h.layer].blob >= 0 ? &s.archive().blobs[img.layers[h.layer].blob] : nullptr;
        if (b && b->uncompressed_size > 0) size = b->uncompressed_size;
      }
      e["size"] = size;
      arr.push_back(e);
    }
    std::printf("%s\n", escape_json_controls(arr.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)).c_str());
    return 0;
  }
  std::printf("%-14s %-20s %-46s %-10s %s\n", "IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT");
  // docker history lists the newest step first.
  for (int k = static_cast<int>(img.history.size()) - 1; k >= 0; --k) {
    const HistoryEntry& h = img.history[k];
    std::string id = k == static_cast<int>(img.history.size()) - 1 ? short_id(img.config_digest, a.no_trunc) : "<missing>";
    int64_t size = 0;
    if (h.layer >= 0) {
      const Blob* b = img.layers[h.layer].blob >= 0 ? &s.archive().blobs[img.layers[h.layer].blob] : nullptr;
      if (b && b->uncompressed_size > 0) size = b->uncompressed_size;
    }
    std::string by = escape_text(h.created_by);
    if (!a.no_trunc && by.size() > 45) {
      size_t cut = 44;
      while (cut > 0 && (static_cast<unsigned char>(by[cut]) & 0xc0) == 0x80) --cut;  // not inside a UTF-8 sequence
      by = by.substr(0, cut) + "…";
    }
    std::printf("%-14s %-20s %-46s %-10s %s\n", id.c_str(), ago(h.created).c_str(), by.c_str(),
                human_size(size).c_str(), escape_text(h.comment).c_str());
  }
  return 0;
}

// ls/cat: positionals after ARCHIVE are [IMAGE] [PATH].
void image_and_path(const Args& a, Session& s, bool path_required, int* image, std::string* path) {
  std::string img_ref;
  if (a.pos.size() > 2) usage_error(a.cmd + " takes ARCHIVE [IMAGE] " + (path_required ? "PATH" : "[PATH]"));
  if (a.pos.size() == 2) {
    img_ref = a.pos[0];
    *path = a.pos[1];
  } else if (a.pos.size() == 1) {
    // One word: a PATH if it has a slash, or if one image is meant anyway (the
    // archive holds one, or --platform picks one) and the word names no image.
    if (path_required || a.pos[0].find('/') != std::string::npos ||
        (s.resolve_image("", a.platform).ok() && !s.resolve_image(a.pos[0], a.platform).ok())) {
      *path = a.pos[0];
    } else {
      img_ref = a.pos[0];
    }
  } else if (path_required) {
    usage_error(a.cmd + ": missing PATH");
  }
  *image = pick_image(a, s, img_ref);
}

int cmd_ls(const Args& a, Session& s) {
  int im = 0;
  std::string path;
  image_and_path(a, s, false, &im, &path);
  ListOptions o;
  o.layer = a.layer_set ? a.layer : -1;
  o.merged = a.merged || !a.layer_set;
  o.prefix = path;
  // One listing, resolved an entry at a time: output of any length in memory of one entry.
  auto r = s.listing(im, o);
  if (!r.ok()) return fail(r.error());
  const Listing& l = *r.value();
  if (a.json) {
    l.write_json(0, 0, [](std::string_view piece) { std::fwrite(piece.data(), 1, piece.size(), stdout); });
    std::printf("\n");
    return 0;
  }
  for (uint64_t i = 0; i < l.size(); ++i) {
    ListedEntry e = l.entry(i);
    if (e.change == Change::kDeleted) {
      std::printf("D %-10s %9s %-9s %9s  /%s\n", "", "", "", "", escape_text(e.path).c_str());
      continue;
    }
    std::string own = std::to_string(e.uid) + "/" + std::to_string(e.gid);
    std::string line = std::string(1, o.merged ? ' ' : change_mark(e.change));
    if (o.merged) line = "L" + std::to_string(e.layer);
    std::printf("%-3s %s %-9s %9s  /%s", line.c_str(), mode_string(e.type, e.mode).c_str(), own.c_str(),
                e.type == EntryType::kFile ? human_size(e.size).c_str() : "-", escape_text(e.path).c_str());
    if (e.type == EntryType::kSymlink) std::printf(" -> %s", escape_text(e.link).c_str());
    if (e.type == EntryType::kHardlink) std::printf(" link to /%s", escape_text(e.link).c_str());
    std::printf("\n");
  }
  return 0;
}

int cmd_cat(const Args& a, Session& s) {
  int im = 0;
  std::string path;
  image_and_path(a, s, true, &im, &path);
  Status st = s.read_file(im, a.layer_set ? a.layer : -1, path, [](const uint8_t* d, size_t n) {
    return std::fwrite(d, 1, n, stdout) == n;
  });
  std::fflush(stdout);
  if (!st.ok()) return fail(st.error());
  return 0;
}

int cmd_log(const Args& a, Session& s) {
  int im = 0;
  std::string path;
  image_and_path(a, s, true, &im, &path);
  if (a.json) {
    auto j = s.path_history_json(im, path);
    if (!j.ok()) return fail(j.error());
    std::printf("%s\n", j.value().c_str());
    return 0;
  }
  auto r = s.path_history(im, path);
  if (!r.ok()) return fail(r.error());
  if (r.value().empty()) {
    return fail(make_error(Code::kNotFound, "no layer of this image touches this path", path));
  }
  for (auto& e : r.value()) {
    std::printf("layer %-3d %-9s", e.layer, change_name(e.change));
    if (e.change != Change::kDeleted) {
      std::printf(" %s %s/%s %9s", mode_string(e.type, e.mode).c_str(), std::to_string(e.uid).c_str(),
                  std::to_string(e.gid).c_str(), e.type == EntryType::kFile ? human_size(e.size).c_str() : "-");
      if (!e.link.empty()) std::printf(" -> %s", escape_text(e.link).c_str());
    }
    std::printf("\n");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a = parse_args(argc, argv);
  static const char* cmds[] = {"inspect", "images", "history", "ls", "cat", "log"};
  if (std::find_if(std::begin(cmds), std::end(cmds), [&](const char* c) { return a.cmd == c; }) == std::end(cmds))
    usage_error("unknown command '" + a.cmd + "'");
  auto s = open_session(a);
  if (!s.ok()) return fail(s.error());
  Session& sess = *s.value();
  if (a.cmd == "inspect") return cmd_inspect(a, sess);
  if (a.cmd == "images") return cmd_images(a, sess);
  if (a.cmd == "history") return cmd_history(a, sess);
  if (a.cmd == "ls") return cmd_ls(a, sess);
  if (a.cmd == "log") return cmd_log(a, sess);
  return cmd_cat(a, sess);
}
