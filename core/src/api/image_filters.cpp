#include "api/image_filters.h"

#include <algorithm>
#include <ctime>
#include <optional>
#include <set>
#include <unordered_map>

#include "api/image_refs.h"
#include "manifest/json.h"

namespace layerscope {
namespace {

// "YYYY-MM-DDTHH:MM:SS…" (RFC 3339 as configs write it) in seconds since the
// epoch, UTC; the fraction and zone are ignored, as docker's filters ignore them.
std::optional<int64_t> parse_time(const std::string& s) {
  if (s.size() < 19) return std::nullopt;
  static constexpr char kShape[] = "dddd-dd-ddTdd:dd:dd";
  for (size_t i = 0; i < 19; ++i) {
    char c = s[i];
    bool ok = kShape[i] == 'd' ? (c >= '0' && c <= '9') : c == kShape[i];
    if (!ok) return std::nullopt;
  }
  auto num = [&](size_t at, size_t n) {
    int64_t v = 0;
    for (size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  int64_t y = num(0, 4), m = num(5, 2), d = num(8, 2), hh = num(11, 2), mm = num(14, 2), ss = num(17, 2);
  if (m < 1 || m > 12 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  // Days from civil (Howard Hinnant's algorithm).
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = era * 146097 + doe - 719468;
  return days * 86400 + hh * 3600 + mm * 60 + ss;
}

// The value of label `key` in a Labels object; strings as they are, other
// values as compact JSON.
std::optional<std::string> label_in(const Json& labels, const std::string& key) {
  if (!labels.is_object()) return std::nullopt;
  auto v = labels.find(key);
  if (v == labels.end()) return std::nullopt;
  return v->is_string() ? v->get<std::string>() : jdump(*v);
}

std::optional<std::string> config_label(const Image& img, const std::string& key, uint32_t depth) {
  auto j = parse_json(img.config_json, "", depth);
  if (!j.ok() || !j.value().is_object()) return std::nullopt;
  const Json* c = jget(j.value(), "config");
  if (!c || !c->is_object()) return std::nullopt;
  const Json* l = jget(*c, "Labels");
  return l ? label_in(*l, key) : std::nullopt;
}

// An image's sizes, in one walk of its layers: `size`, the uncompressed bytes
// of its present layers, -1 when one of them is not sized (compressed and not
// decoded, or undecodable); `content`, the bytes of its present layer blobs as
// the archive stores them. An absent layer adds nothing to either (its
// incomplete-image warning says so).
struct ImageSizes {
  int64_t size = 0;
  int64_t content = 0;
};

ImageSizes image_sizes(const Archive& a, const Image& img) {
  ImageSizes s;
  for (auto& l : img.layers) {
    if (l.blob < 0) continue;
    const Blob& b = a.blobs[l.blob];
    s.content += static_cast<int64_t>(b.stored_size);
    if (s.size >= 0) s.size = b.uncompressed_size < 0 ? -1 : s.size + b.uncompressed_size;
  }
  return s;
}

}  // namespace

Result<std::vector<ImageFilter>> parse_image_filters(const std::vector<std::string>& specs) {
  std::vector<ImageFilter> out;
  for (auto& f : specs) {
    auto eq = f.find('=');
    if (eq == std::string::npos)
      return make_error(Code::kInvalidArgument, "bad filter '" + f + "' (expected key=value)");
    std::string k = f.substr(0, eq), v = f.substr(eq + 1);
    ImageFilter x;
    if (k == "dangling") {
      if (v != "true" && v != "false") return make_error(Code::kInvalidArgument, "dangling filter takes true or false");
      x.kind = ImageFilter::Kind::kDangling;
      x.key = v;
    } else if (k == "label") {
      auto eq2 = v.find('=');
      x.kind = ImageFilter::Kind::kLabel;
      x.key = v.substr(0, eq2);
      x.has_value = eq2 != std::string::npos;
      if (x.has_value) x.value = v.substr(eq2 + 1);
    } else if (k == "before" || k == "since") {
      x.kind = k == "before" ? ImageFilter::Kind::kBefore : ImageFilter::Kind::kSince;
      x.key = v;
    } else {
      return make_error(Code::kInvalidArgument, "unknown filter '" + k + "' (dangling, label, before, since)");
    }
    out.push_back(std::move(x));
  }
  return out;
}

Result<std::vector<ImageSummary>> list_images(const Loaded& L, const std::vector<LegacyV1Image>& legacy,
                                              const ImagesQuery& q) {
  const Archive& a = L.archive;
  const uint32_t depth = L.options.limits.max_json_depth;
  std::vector<ImageSummary> rows;
  std::vector<Json> row_labels;  // intermediates: their recorded Labels (null for images: read from the config)
  std::unordered_map<std::string, size_t> v1;  // v1 id -> index into legacy
  for (size_t i = 0; i < legacy.size(); ++i) v1.emplace(legacy[i].id, i);
  for (size_t i = 0; i < a.images.size(); ++i) {
    const Image& img = a.images[i];
    ImageSummary r;
    r.index = static_cast<int>(i);
    r.id = img.config_digest;
    r.tags = img.tags;
    r.created = img.created;
    const ImageSizes sizes = image_sizes(a, img);
    r.size = sizes.size;
    r.content_size = sizes.content;
    r.platform = img.platform;
    if (!legacy.empty()) {
      r.v1_id = legacy_top_id(img, depth);
      if (auto it = v1.find(r.v1_id); it != v1.end()) r.parent = legacy[it->second].parent;
      else r.v1_id.clear();
    }
    rows.push_back(std::move(r));
    row_labels.emplace_back(nullptr);
  }
  if (q.all && !legacy.empty()) {
    std::set<std::string> tops;
    for (auto& r : rows)
      if (!r.v1_id.empty()) tops.insert(r.v1_id);
    // A layer's size: its blob's uncompressed size (-1 when it is not sized,
    // as an image's size is then unknown: image_sizes), else, for a member no
    // image uses as a layer, the member's size.
    std::unordered_map<std::string, int64_t> blob_size;
    for (auto& b : a.blobs)
      if (!b.member.empty()) blob_size.emplace(b.member, b.uncompressed_size < 0 ? -1 : b.uncompressed_size);
    auto layer_size = [&](const LegacyV1Image& r) -> int64_t {
      if (r.layer_member.empty()) return 0;
      auto it = blob_size.find(r.layer_member);
      return it != blob_size.end() ? it->second : static_cast<int64_t>(r.layer_size);
    };
    // A sum of layer sizes: -1 (unknown) once one of them is.
    auto plus = [](int64_t sum, int64_t size) -> int64_t { return sum < 0 || size < 0 ? -1 : sum + size; };
    // Each record's size with every layer below it, memoised: one pass over a
    // chain however deep (a walk per record was quadratic). A parent loop ends
    // at the first repeat, as a walk from any of its records would: each record
    // on the loop counts the whole loop once.
    std::vector<int64_t> cumulative(legacy.size(), 0);
    std::vector<uint8_t> state(legacy.size(), 0);  // 0 not yet, 1 on the current walk, 2 done
    auto parent_of = [&](size_t c) -> std::optional<size_t> {
      if (legacy[c].parent.empty()) return std::nullopt;
      auto p = v1.find(legacy[c].parent);
      if (p == v1.end()) return std::nullopt;
      return p->second;
    };
    auto chain_size = [&](size_t k) -> int64_t {
      std::vector<size_t> walk;
      int64_t below = 0;
      for (size_t c = k;;) {
        if (state[c] == 2) { below = cumulative[c]; break; }
        if (state[c] == 1) {  // a loop: from c's place on the walk to its end
          size_t at = 0;
          while (walk[at] != c) ++at;
          int64_t loop = 0;
          for (size_t i = at; i < walk.size(); ++i) loop = plus(loop, layer_size(legacy[walk[i]]));
          for (size_t i = at; i < walk.size(); ++i) { cumulative[walk[i]] = loop; state[walk[i]] = 2; }
          walk.resize(at);
          below = loop;
          break;
        }
        state[c] = 1;
        walk.push_back(c);
        auto p = parent_of(c);
        if (!p) break;
        c = *p;
      }
      for (size_t i = walk.size(); i-- > 0;) {
        below = plus(below, layer_size(legacy[walk[i]]));
        cumulative[walk[i]] = below;
        state[walk[i]] = 2;
      }
      return cumulative[k];
    };
    std::vector<bool> done(legacy.size(), false);
    auto add = [&](size_t k, const Platform* inherited) {
      done[k] = true;
      const LegacyV1Image& rec = legacy[k];
      ImageSummary r;
      r.intermediate = true;
      r.content_size = -1;
      r.id = "sha256:" + rec.id;
      r.created = rec.created;
      r.platform = rec.platform.architecture.empty() && inherited ? *inherited : rec.platform;
      r.v1_id = rec.id;
      r.parent = rec.parent;
      r.error = rec.error;
      // Its layer and every one below it (a parent loop ends at the first repeat).
      r.size = chain_size(k);
      Json labels = nullptr;
      if (!rec.labels_json.empty()) {
        auto j = parse_json(rec.labels_json, "", depth);
        if (j.ok()) labels = std::move(j).value();
      }
      rows.push_back(std::move(r));
      row_labels.push_back(std::move(labels));
    };
    // Each image's chain, top-down, then records no image reaches.
    size_t n_images = a.images.size();
    for (size_t i = 0; i < n_images; ++i) {
      if (rows[i].v1_id.empty()) continue;
      const Platform plat = a.images[i].platform;
      std::set<size_t> seen;
      for (auto p = v1.find(rows[i].parent); p != v1.end() && seen.insert(p->second).second;
           p = v1.find(legacy[p->second].parent)) {
        if (!done[p->second] && !tops.count(legacy[p->second].id)) add(p->second, &plat);
        if (legacy[p->second].parent.empty()) break;
      }
    }
    for (size_t k = 0; k < legacy.size(); ++k)
      if (!done[k] && !tops.count(legacy[k].id)) add(k, nullptr);
  }

  std::vector<bool> keep(rows.size(), true);
  for (const ImageFilter& f : q.filters) {
    switch (f.kind) {
      case ImageFilter::Kind::kDangling:
        for (size_t i = 0; i < rows.size(); ++i) keep[i] = keep[i] && (rows[i].tags.empty() == (f.key == "true"));
        break;
      case ImageFilter::Kind::kLabel:
        for (size_t i = 0; i < rows.size(); ++i) {
          if (!keep[i]) continue;
          auto v = rows[i].intermediate ? label_in(row_labels[i], f.key)
                                        : config_label(a.images[rows[i].index], f.key, depth);
          keep[i] = v && (!f.has_value || *v == f.value);
        }
        break;
      case ImageFilter::Kind::kBefore:
      case ImageFilter::Kind::kSince: {
        LS_ASSIGN_OR_RETURN(int ref_image, resolve_image(a, f.key, ""));
        auto ref = parse_time(a.images[ref_image].created);
        for (size_t i = 0; i < rows.size(); ++i) {
          auto t = parse_time(rows[i].created);
          bool ok = ref && t && (f.kind == ImageFilter::Kind::kBefore ? *t < *ref : *t > *ref);
          keep[i] = keep[i] && ok && rows[i].index != ref_image;
        }
        break;
      }
    }
  }
  // The platform keeps the images resolve_image would choose among.
  if (!q.platform.empty()) {
    std::vector<const Platform*> ps;
    for (auto& r : rows) ps.push_back(&r.platform);
    LS_ASSIGN_OR_RETURN(auto match, match_platforms(q.platform, ps));
    for (size_t i = 0; i < rows.size(); ++i) keep[i] = keep[i] && match[i];
  }
  std::vector<ImageSummary> out;
  for (size_t i = 0; i < rows.size(); ++i)
    if (keep[i]) out.push_back(std::move(rows[i]));
  return out;
}

}  // namespace layerscope
