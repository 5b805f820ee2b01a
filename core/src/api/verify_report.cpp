#include "api/verify_report.h"

#include <map>

#include "base/sha256.h"
#include "digest/names.h"
#include "manifest/json.h"

namespace layerscope {
namespace {

using OJson = nlohmann::ordered_json;

// Records a failed check: a claim that differs from what was found.
void check(VerifyRow& r, const std::string& what, const std::string& claimed, const std::string& found) {
  if (claimed.empty() || found.empty() || claimed == found) return;
  r.state = VerifyState::kMismatch;
  r.problems.push_back(what + ": claimed " + claimed + ", found " + found);
}

void check_size(VerifyRow& r, int64_t claimed, int64_t found) {
  if (claimed < 0 || found < 0 || claimed == found) return;
  check(r, "size", std::to_string(claimed), std::to_string(found));
}

// The layer rows: one per blob, every image layer that references it checked.
void layer_rows(const Archive& a, VerifyReport* out) {
  std::map<int, size_t> row_of;
  for (const Image& img : a.images) {
    for (const Layer& l : img.layers) {
      if (l.blob < 0) continue;
      const Blob& b = a.blobs[l.blob];
      auto [it, fresh] = row_of.emplace(l.blob, out->rows.size());
      if (fresh) {
        VerifyRow r;
        r.kind = "layer";
        r.member = b.present ? b.member : std::string();
        r.where = img.source + " layer " + std::to_string(l.index);
        r.digest = !l.digest.empty() ? l.digest : b.stored_digest;
        r.actual = b.computed_digest;
        r.size = l.size;
        r.actual_size = b.present ? static_cast<int64_t>(b.stored_size) : -1;
        r.diff_id = l.diff_id;
        r.actual_diff_id = b.computed_diff_id;
        if (!b.present) {
          r.state = VerifyState::kMissing;
          r.problems.push_back("referenced but not stored in the archive");
        } else if (b.computed_digest.empty() || !b.error.empty()) {
          // A plain blob is hashed from its bytes alone: when indexing could not
          // read the tar inside, its digest may check out but the layer does not.
          r.state = VerifyState::kMismatch;
          r.problems.push_back("could not be read to its end" + (b.error.empty() ? std::string() : ": " + b.error));
        }
        out->rows.push_back(std::move(r));
      }
      VerifyRow& r = out->rows[it->second];
      if (r.state == VerifyState::kMissing) continue;
      std::string at = " (" + img.source + " layer " + std::to_string(l.index) + ")";
      check(r, "digest" + at, l.digest, b.computed_digest);
      check(r, "blob name" + at, b.stored_digest, b.computed_digest);
      check(r, "diff_id" + at, l.diff_id, b.computed_diff_id);
      check_size(r, l.size, r.actual_size);
    }
  }
}

// The digest a docker manifest.json entry or an OCI manifest claims for the
// config, and the member holding it.
void config_claim(const Image& img, VerifyRow* r) {
  std::string* digest = &r->digest;
  auto m = parse_json(img.manifest_json, "", 64);
  if (!m.ok()) return;
  if (const Json* c = jget(m.value(), "config"); c && c->is_object()) {
    *digest = jstr(*c, "digest");
    r->size = jint(*c, "size");
    r->member = blob_path(*digest);
    return;
  }
  std::string name = jstr(m.value(), "Config");
  r->member = name;
  *digest = digest_from_name(name);
  const std::string ext = ".json";
  if (digest->empty() && name.size() == 64 + ext.size() && name.compare(64, ext.size(), ext) == 0)
    *digest = "sha256:" + name.substr(0, 64);
}

void config_rows(const Archive& a, VerifyReport* out) {
  std::map<std::string, bool> seen;
  for (const Image& img : a.images) {
    VerifyRow r;
    r.kind = "config";
    r.where = img.source + " config";
    config_claim(img, &r);
    if (r.digest.empty()) r.digest = img.config_digest;
    if (!seen.emplace(r.digest + "\n" + img.config_json, true).second) continue;
    if (img.config_json.empty()) {
      r.state = VerifyState::kMissing;
      r.problems.push_back("the config is not stored in the archive");
    } else {
      r.actual = Sha256::digest_of(img.config_json);
      r.actual_size = static_cast<int64_t>(img.config_json.size());
      check(r, "digest", r.digest, r.actual);
      check_size(r, r.size, r.actual_size);
    }
    out->rows.push_back(std::move(r));
  }
}

// OCI image manifests: the digest the index claims against the manifest's bytes.
void manifest_rows(const Archive& a, VerifyReport* out) {
  for (const Image& img : a.images) {
    if (img.manifest_digest.empty()) continue;
    VerifyRow r;
    r.kind = "manifest";
    r.where = img.source;
    r.member = blob_path(img.manifest_digest);
    r.digest = img.manifest_digest;
    r.actual = Sha256::digest_of(img.manifest_json);
    r.actual_size = static_cast<int64_t>(img.manifest_json.size());
    check(r, "digest", r.digest, r.actual);
    out->rows.push_back(std::move(r));
  }
}

// Manifests or configs referenced but absent leave no image behind: the loader's warnings name them.
void missing_documents(const Archive& a, VerifyReport* out) {
  for (const Warning& w : a.warnings) {
    bool manifest = w.code == "missing-blob" && w.message.rfind("image manifest", 0) == 0;
    if (!manifest) continue;
    VerifyRow r;
    r.kind = "manifest";
    r.where = w.where;
    r.state = VerifyState::kMissing;
    r.problems.push_back(w.message);
    out->rows.push_back(std::move(r));
  }
}

OJson str_or_null(const std::string& s) { return s.empty() ? OJson(nullptr) : OJson(s); }
OJson int_or_null(int64_t v) { return v < 0 ? OJson(nullptr) : OJson(v); }

}  // namespace

const char* verify_state_name(VerifyState s) {
  switch (s) {
    case VerifyState::kOk: return "ok";
    case VerifyState::kMismatch: return "mismatch";
    case VerifyState::kMissing: return "missing";
  }
  return "mismatch";
}

bool VerifyReport::ok() const {
  for (auto& r : rows)
    if (r.state != VerifyState::kOk) return false;
  return true;
}

VerifyReport build_verify_report(const Loaded& L) {
  VerifyReport rep;
  layer_rows(L.archive, &rep);
  config_rows(L.archive, &rep);
  manifest_rows(L.archive, &rep);
  missing_documents(L.archive, &rep);
  return rep;
}

std::string verify_report_json(const VerifyReport& rep) {
  OJson rows = OJson::array();
  for (const VerifyRow& r : rep.rows) {
    OJson problems = OJson::array();
    for (auto& p : r.problems) problems.push_back(p);
    rows.push_back(OJson{{"kind", r.kind},
                         {"state", verify_state_name(r.state)},
                         {"member", str_or_null(r.member)},
                         {"where", r.where},
                         {"expected", str_or_null(r.digest)},
                         {"actual", str_or_null(r.actual)},
                         {"size", int_or_null(r.size)},
                         {"actual_size", int_or_null(r.actual_size)},
                         {"diff_id", str_or_null(r.diff_id)},
                         {"actual_diff_id", str_or_null(r.actual_diff_id)},
                         {"problems", problems}});
  }
  size_t bad = 0;
  for (auto& r : rep.rows) bad += r.state != VerifyState::kOk;
  OJson doc{{"schema_version", kVerifySchemaVersion}, {"ok", rep.ok()}, {"checked", rep.rows.size()},
            {"failed", bad}, {"rows", rows}};
  return jdump(doc);
}

}  // namespace layerscope
