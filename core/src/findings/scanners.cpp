#include "findings/scanners.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string_view>

#include "diff/space.h"

namespace layerscope {
namespace {

std::string_view base_name(std::string_view p) {
  size_t s = p.rfind('/');
  return s == std::string_view::npos ? p : p.substr(s + 1);
}

bool ends_with(std::string_view s, std::string_view suf) {
  return s.size() >= suf.size() && s.substr(s.size() - suf.size()) == suf;
}

// "private-key-file", "credential-file" or nullptr.
const char* secret_file_rule(std::string_view path) {
  std::string_view b = base_name(path);
  for (std::string_view k : {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk"})
    if (b == k) return "private-key-file";
  if (ends_with(b, ".ppk")) return "private-key-file";
  for (std::string_view k : {".npmrc", ".pypirc", ".git-credentials", ".netrc", ".pgpass", ".env"})
    if (b == k) return "credential-file";
  if (b.rfind(".env.", 0) == 0 && !ends_with(b, ".example") && !ends_with(b, ".sample") && !ends_with(b, ".template"))
    return "credential-file";
  std::string p = "/" + std::string(path);
  for (std::string_view k : {"/.docker/config.json", "/.aws/credentials", "/.config/gcloud/credentials.db",
                             "/.config/gcloud/application_default_credentials.json", "/.azure/accessTokens.json",
                             "/.kube/config"})
    if (ends_with(p, k)) return "credential-file";
  return nullptr;
}

class Collector {
 public:
  explicit Collector(const ImageFacts& f) : f_(f) {
    for (const DeadCopy& d : dead_copies(*f.paths, f.layers)) dead_[{d.layer, d.entry}] = d;
  }

  void entries() {
    for (size_t li = 0; li < f_.layers.size(); ++li) {
      if (!f_.layers[li]) continue;
      const auto& es = f_.layers[li]->entries;
      for (uint32_t ei = 0; ei < es.size(); ++ei) entry(static_cast<int>(li), ei, es[ei]);
    }
  }

  // The odd entries the layer index flagged, each as a finding of the rule of its code.
  void odd_entries() {
    for (size_t li = 0; li < f_.issues.size(); ++li) {
      for (const EntryIssue& i : f_.issues[li]) {
        if (!find_rule(i.code)) continue;
        Finding x = base(i.code);
        x.place = "layer " + std::to_string(li) + ": " + i.entry;
        x.layer = static_cast<int>(li);
        x.detail = i.message;
        add(std::move(x));
      }
    }
  }

  void deleted() {
    for (auto& [key, d] : dead_) {
      if (!d.deleted() || d.bytes <= 0) continue;
      Finding x = at_entry("deleted-but-shipped", d.layer, d.entry);
      x.history = history_step_of(f_.history, d.killed_by);
      x.detail = std::string(kill_name(d.how)) + " in layer " + std::to_string(d.killed_by) + "; " +
                 std::to_string(d.bytes) + " bytes still shipped in layer " + std::to_string(d.layer);
      add(std::move(x));
    }
  }

  void text(const std::string& rule, const std::string& place, std::string_view s, int layer, int history) {
    auto hits = find_secrets(s);
    if (hits.empty()) return;
    Finding x = base(rule);
    x.place = place;
    x.layer = layer;
    x.history = history;
    std::string labels;
    for (auto& h : hits) labels += (labels.empty() ? "" : ", ") + h.label;
    x.detail = labels + ": " + masked_excerpt(s, hits);
    add(std::move(x));
  }

  std::vector<Finding> take() {
    std::stable_sort(out_.begin(), out_.end(), [](const Finding& a, const Finding& b) { return rank(a) < rank(b); });
    return std::move(out_);
  }

 private:
  static size_t rank(const Finding& f) {
    const auto& t = rules();
    for (size_t i = 0; i < t.size(); ++i)
      if (f.rule == t[i].id) return i;
    return t.size();
  }
  static Finding base(const std::string& rule) {
    Finding x;
    x.rule = rule;
    if (const Rule* r = find_rule(rule)) x.severity = r->severity;
    return x;
  }
  Finding at_entry(const std::string& rule, int layer, uint32_t ei) {
    const Entry& e = f_.layers[layer]->entries[ei];
    Finding x = base(rule);
    x.place = "layer " + std::to_string(layer);
    x.path = f_.paths->path(e.path);
    x.layer = layer;
    x.bytes = e.size;
    auto it = dead_.find({layer, ei});
    if (it != dead_.end()) x.killed_by = it->second.killed_by;
    return x;
  }
  void entry(int li, uint32_t ei, const Entry& e) {
    if (e.type == EntryType::kFile) {
      if (const char* rule = secret_file_rule(f_.paths->path(e.path))) {
        Finding x = at_entry(rule, li, ei);
        x.detail = x.killed_by >= 0 ? "stored in layer " + std::to_string(li) + ", hidden by layer " +
                                          std::to_string(x.killed_by) + " but still shipped"
                                    : "stored in layer " + std::to_string(li) + " and present in the image";
        add(std::move(x));
      }
      if (e.mode & 04000) add_mode("setuid-file", li, ei, e);
      if (e.mode & 02000) add_mode("setgid-file", li, ei, e);
    }
    bool dir = e.type == EntryType::kDir;
    if ((e.type == EntryType::kFile || dir) && (e.mode & 02) && !(dir && (e.mode & 01000)))
      add_mode("world-writable", li, ei, e);
  }
  void add_mode(const char* rule, int li, uint32_t ei, const Entry& e) {
    Finding x = at_entry(rule, li, ei);
    char m[16];
    std::snprintf(m, sizeof m, "%04o", e.mode & 07777);
    x.detail = std::string("mode ") + m + ", owner " + std::to_string(e.uid) + ":" + std::to_string(e.gid);
    add(std::move(x));
  }
  void add(Finding x) { out_.push_back(std::move(x)); }

  const ImageFacts& f_;
  std::map<std::pair<int, uint32_t>, DeadCopy> dead_;
  std::vector<Finding> out_;
};

}  // namespace

int history_step_of(const std::vector<HistoryEntry>& history, int layer) {
  if (layer < 0) return -1;
  for (size_t i = 0; i < history.size(); ++i)
    if (history[i].layer == layer) return static_cast<int>(i);
  return -1;
}

std::vector<Finding> scan_image(const ImageFacts& f) {
  Collector c(f);
  c.entries();
  c.deleted();
  c.odd_entries();
  for (size_t i = 0; i < f.history.size(); ++i) {
    const HistoryEntry& h = f.history[i];
    std::string place = "history[" + std::to_string(i) + "]";
    c.text("secret-in-history", place, h.created_by, h.layer, static_cast<int>(i));
    c.text("secret-in-history", place + ".comment", h.comment, h.layer, static_cast<int>(i));
  }
  for (size_t i = 0; i < f.env.size(); ++i)
    c.text("secret-in-env", "config.Env[" + std::to_string(i) + "]", f.env[i], -1, -1);
  for (auto& [k, v] : f.labels) c.text("secret-in-label", "config.Labels", k + "=" + v, -1, -1);
  return c.take();
}

void ContentScanner::feed(const uint8_t* data, size_t n) {
  window_.append(reinterpret_cast<const char*>(data), n);
  if (!started_ && window_.size() >= 4) {
    started_ = true;
    executable_ = window_.compare(0, 4, "\x7f" "ELF") == 0;
  }
  for (const SecretHit& h : find_secrets(window_)) {
    if (executable_ && h.kind == "assignment") continue;
    if (kinds_.insert(h.kind).second) labels_.push_back(h.label);
  }
  if (window_.size() > kKeep) window_.erase(0, window_.size() - kKeep);
}

}  // namespace layerscope
