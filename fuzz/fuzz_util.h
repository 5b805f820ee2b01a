// Shared pieces of the libFuzzer targets: a tiny tar writer (to wrap fuzzed
// bytes as one member of a fixed archive) and a driver that exercises an
// opened Session the way the CLI and the page do.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "layerscope/session.h"

namespace lsfuzz {

// A ustar header + padded payload for a regular file (or a symlink when `link` is set).
inline void tar_member(std::string* out, const std::string& name, const std::string& data,
                       const std::string& link = {}) {
  char h[512];
  std::memset(h, 0, sizeof h);
  std::snprintf(h, 100, "%s", name.c_str());
  std::snprintf(h + 100, 8, "%07o", link.empty() ? 0644 : 0777);
  std::snprintf(h + 108, 8, "%07o", 0);
  std::snprintf(h + 116, 8, "%07o", 0);
  std::snprintf(h + 124, 12, "%011llo", static_cast<unsigned long long>(link.empty() ? data.size() : 0));
  std::snprintf(h + 136, 12, "%011o", 1700000000);
  std::memset(h + 148, ' ', 8);
  h[156] = link.empty() ? '0' : '2';
  if (!link.empty()) std::snprintf(h + 157, 100, "%s", link.c_str());
  std::memcpy(h + 257, "ustar\0" "00", 8);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::snprintf(h + 148, 8, "%06o", sum);
  h[155] = ' ';
  out->append(h, sizeof h);
  if (link.empty()) {
    out->append(data);
    out->append((512 - data.size() % 512) % 512, '\0');
  }
}

inline void tar_end(std::string* out) { out->append(1024, '\0'); }

// Small limits keep every input fast: the fuzzer looks for crashes, not for
// how the default limits behave on big inputs.
inline layerscope::OpenOptions fuzz_options() {
  layerscope::OpenOptions o;
  o.limits.max_json_bytes = 1 << 20;
  o.limits.max_entries = 50000;
  o.limits.max_members = 50000;
  o.limits.max_expansion_floor = 16 << 20;
  o.limits.max_expansion_ratio = 200;
  return o;
}

// Opens `bytes` as an archive with fuzz_options(); nullptr when it is refused,
// which must come with a code and a message (a failure says what and where).
inline std::unique_ptr<layerscope::Session> open_or_refuse(std::vector<uint8_t> bytes) {
  using namespace layerscope;
  auto s = Session::open(make_memory_source(std::move(bytes), "fuzz.tar"), fuzz_options());
  if (!s.ok()) {
    if (s.error().message.empty() || s.error().code == Code::kOk) __builtin_trap();
    return nullptr;
  }
  return std::move(s).value();
}

// Everything a viewer does with an open archive: the summary, each image's
// merged tree and change sets, a few files read (capped), path logs, verify.
inline void exercise(layerscope::Session& s, bool verify) {
  using namespace layerscope;
  std::string j = s.inspect_json();
  if (j.empty()) __builtin_trap();
  const Archive& a = s.archive();
  for (size_t i = 0; i < a.images.size() && i < 4; ++i) {
    int im = static_cast<int>(i);
    (void)s.change_counts(im);
    ListOptions lo;
    lo.merged = true;
    auto merged = s.list(im, lo);
    (void)s.list_json(im, ListOptions{.layer = 0, .merged = false, .prefix = "", .offset = 1, .limit = 5});
    if (!merged.ok()) continue;
    int reads = 0;
    for (auto& e : merged.value()) {
      if (reads >= 3) break;
      if (e.type != EntryType::kFile && e.type != EntryType::kHardlink) continue;
      ++reads;
      uint64_t got = 0;
      (void)s.read_file(im, -1, e.path, [&](const uint8_t*, size_t n) {
        got += n;
        return got < (256 << 10);
      });
      (void)s.path_history_json(im, e.path);
    }
    (void)s.read_file(im, 0, "../../etc/passwd", [](const uint8_t*, size_t) { return true; });
    (void)s.resolve_image("latest");
    // Image choice by platform, as `--platform` does; the tags and platforms are the input's.
    for (const char* p : {"linux/amd64", "linux/arm64/v8", "linux/arm", "windows", "x//y"}) {
      (void)s.resolve_image("", p);
      if (!a.images[i].tags.empty()) (void)s.resolve_image(a.images[i].tags[0], p);
    }
    // The listing the CLI streams, and a page past its end.
    if (auto l = s.listing(im, lo); l.ok()) {
      size_t bytes = 0;
      l.value()->write_json(0, 0, [&](std::string_view piece) { bytes += piece.size(); });
      if (bytes == 0) __builtin_trap();
      (void)s.list_json(im, ListOptions{.layer = -1, .merged = true, .offset = l.value()->size() + 1, .limit = ~0ull});
    }
  }
  if (verify) (void)s.verify();
}

}  // namespace lsfuzz
