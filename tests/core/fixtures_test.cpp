// Facts about the public fixtures (../shared/fixtures), checked against their
// independent truth files (*.truth.json, computed with tar/skopeo/umoci/find).
//
// Truth-file conventions derived from the data (see the report in the commit):
//  * `entries` lists every tar entry of a layer, in tar order, including the
//    whiteout markers (`.wh.<name>`, `.wh..wh..opq`, typed "file") and a root
//    entry "." when the producer wrote one (umoci does). `entry_count` and
//    `entry_types` count that same list. layerscope's LayerIndex excludes the
//    markers (they become whiteouts/opaque_dirs) and keeps the root entry (path
//    kRootPath, counted as a dir), so: ours.total = entry_count - markers,
//    ours.files = types.file - markers, ours.dirs = types.dir.
//  * Whiteout markers may carry a stray linkname (docker's overlay2 writer puts
//    "srv/app/numbers.txt" in `.wh.to-delete.txt`'s header) and mode 0 or 0600:
//    irrelevant, they are markers.
//  * `mode` is the raw tar header mode field: Go's archive/tar (docker,
//    buildah, containerd) writes the type bits too (0o100644, 0o40755), umoci
//    and the whiteout markers do not (0o755, 0o600, 0o0). Permission bits are
//    compared always, type bits when the truth has them.
//  * `hardlinks` pairs are [path, target]; entries typed "hardlink" carry size 0.
//  * `merged_fs.paths` is `find` over an umoci unpack: hardlinks are 'f'.
#include <fstream>
#include <map>
#include <set>

#include "layerscope/export.h"
#include "test_util.h"

using namespace layerscope;
using namespace lstest;

namespace {

Compression compression_of(const std::string& s) {
  if (s == "none") return Compression::kNone;
  if (s == "gzip") return Compression::kGzip;
  if (s == "zstd") return Compression::kZstd;
  if (s == "xz") return Compression::kXz;
  if (s == "bzip2") return Compression::kBzip2;
  return Compression::kUnknown;
}

EntryType entry_type_of(const std::string& s) {
  if (s == "file") return EntryType::kFile;
  if (s == "dir") return EntryType::kDir;
  if (s == "symlink") return EntryType::kSymlink;
  if (s == "hardlink") return EntryType::kHardlink;
  if (s == "char") return EntryType::kCharDev;
  if (s == "block") return EntryType::kBlockDev;
  if (s == "fifo") return EntryType::kFifo;
  return EntryType::kOther;
}

uint32_t parse_mode(const std::string& s) {  // "0o100755"
  std::string d = s.rfind("0o", 0) == 0 ? s.substr(2) : s;
  return static_cast<uint32_t>(std::stoul(d, nullptr, 8));
}

// ---- a reference merge over truth layers, validated against truth merged_fs.
// path -> 'd' | 'f' | 'l' | 'o' (hardlinks are 'f', as `find` sees them).
using RefFs = std::map<std::string, char>;

char find_type_of(const std::string& truth_type) {
  if (truth_type == "dir") return 'd';
  if (truth_type == "file" || truth_type == "hardlink") return 'f';
  if (truth_type == "symlink") return 'l';
  return 'o';
}

void erase_below(RefFs& fs, const std::string& dir) {
  std::string pre = dir.empty() ? "" : dir + "/";
  auto it = fs.lower_bound(pre);
  while (it != fs.end() && it->first.compare(0, pre.size(), pre) == 0) it = fs.erase(it);
}

// Applies one truth layer (OCI changeset semantics); returns its changes.
std::map<std::string, Change> ref_apply(RefFs& fs, const json& layer) {
  RefFs prev = fs;
  std::set<std::string> touched;
  for (auto& o : layer.at("opaque_dirs")) erase_below(fs, norm(o.get<std::string>()));
  for (auto& w : layer.at("whiteouts")) {
    std::string p = norm(w.get<std::string>());
    fs.erase(p);
    erase_below(fs, p);
  }
  for (auto& e : layer.at("entries")) {
    if (is_marker(e) || is_root(e)) continue;
    std::string p = norm(e.at("path").get<std::string>());
    for (size_t s = p.find('/'); s != std::string::npos; s = p.find('/', s + 1)) {
      std::string a = p.substr(0, s);
      if (!fs.count(a)) {
        fs[a] = 'd';
        touched.insert(a);
      }
    }
    char t = find_type_of(e.at("type").get<std::string>());
    auto it = fs.find(p);
    if (it != fs.end() && it->second == 'd' && t != 'd') erase_below(fs, p);
    fs[p] = t;
    touched.insert(p);
  }
  std::map<std::string, Change> ch;
  for (auto& p : touched)
    if (fs.count(p)) ch[p] = prev.count(p) ? Change::kModified : Change::kAdded;
  for (auto& [p, t] : prev)
    if (!fs.count(p)) ch[p] = Change::kDeleted;
  return ch;
}

std::string dump_diff(const std::set<std::string>& want, const std::set<std::string>& got, size_t max = 20) {
  std::string s;
  size_t n = 0;
  for (auto& p : want)
    if (!got.count(p) && n++ < max) s += "\n  missing: " + p;
  n = 0;
  for (auto& p : got)
    if (!want.count(p) && n++ < max) s += "\n  unexpected: " + p;
  return s;
}

class FixtureTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(fixture_truth(GetParam()))) << "no truth file for " << GetParam();
    truth_ = load_truth(GetParam());
    session_ = open_session(fixture_tar(GetParam()), &src_);
    ASSERT_TRUE(session_ != nullptr);
  }
  const Archive& ar() const { return session_->archive(); }
  // Our image for a truth image (matched by config digest).
  int image_for(const json& ti) const { return find_image(ar(), ti.at("config_digest").get<std::string>()); }
  // A verified archive: no warning, and every layer's computed digest, diff_id
  // and uncompressed size are the truth's.
  void expect_truth_digests(const Archive& a) const {
    std::string w;
    for (auto& x : a.warnings) w += "\n  [" + x.code + "] " + x.message + " @ " + x.where;
    EXPECT_TRUE(a.warnings.empty()) << w;
    for (auto& ti : truth_.at("images")) {
      int im = find_image(a, ti.at("config_digest").get<std::string>());
      ASSERT_GE(im, 0);
      for (size_t i = 0; i < ti.at("layers").size(); ++i) {
        const json& tl = ti.at("layers")[i];
        const Blob& b = a.blobs[a.images[im].layers[i].blob];
        EXPECT_EQ(b.computed_digest, tl.at("stored_digest").get<std::string>()) << "layer " << i;
        EXPECT_EQ(b.computed_diff_id, tl.at("computed_diff_id").get<std::string>()) << "layer " << i;
        EXPECT_EQ(b.uncompressed_size, tl.at("uncompressed_size").get<int64_t>()) << "layer " << i;
      }
    }
  }

  json truth_;
  std::shared_ptr<ByteSource> src_;
  std::unique_ptr<Session> session_;
};

std::vector<std::string> all_fixtures() { return fixture_names(); }

}  // namespace

// Runs even when the directory is empty or missing: no fixtures is a failure.
TEST(Fixtures, DirectoryHasFixturesWithTruth) {
  auto names = fixture_names();
  ASSERT_FALSE(names.empty()) << "no *.tar fixtures in " << fixtures_dir()
                              << " (set LAYERSCOPE_FIXTURES to the fixtures directory)";
  for (auto& n : names) EXPECT_TRUE(fs::exists(fixture_truth(n))) << n << ".tar has no " << n << ".truth.json";
}

TEST_P(FixtureTest, ArchiveLayoutAndWarnings) {
  EXPECT_EQ(ar().size, truth_.at("archive_size").get<uint64_t>());
  EXPECT_EQ(layout_id(ar().layout), expected_layout_id(truth_.at("layout").get<std::string>()))
      << "truth layout: " << truth_.at("layout");
  EXPECT_EQ(ar().outer_compression, compression_of(truth_.value("outer_compression", "none")));
  EXPECT_EQ(ar().images.size(), truth_.at("image_count").get<size_t>());
  std::string w;
  for (auto& x : ar().warnings) w += "\n  [" + x.code + "] " + x.message + " @ " + x.where;
  EXPECT_TRUE(ar().warnings.empty()) << "warnings on a well-formed fixture:" << w;
}

TEST_P(FixtureTest, ImageTagsConfigAndHistory) {
  for (auto& ti : truth_.at("images")) {
    int im = image_for(ti);
    ASSERT_GE(im, 0) << "no image with config digest " << ti.at("config_digest");
    const Image& img = ar().images[im];
    std::set<std::string> got(img.tags.begin(), img.tags.end());
    EXPECT_EQ(got, truth_tags(ti)) << "tags of " << img.config_digest;
    EXPECT_EQ(img.tags.size(), got.size()) << "duplicate tags";
    EXPECT_EQ(img.config_digest, ti.at("config_digest").get<std::string>());
    if (ti.contains("manifest_digest") && ti.at("manifest_digest").is_string())
      EXPECT_EQ(img.manifest_digest, ti.at("manifest_digest").get<std::string>());
    if (ti.contains("os")) EXPECT_EQ(img.platform.os, ti.at("os").get<std::string>());
    if (ti.contains("architecture")) EXPECT_EQ(img.platform.architecture, ti.at("architecture").get<std::string>());
    if (ti.contains("created") && ti.at("created").is_string()) EXPECT_EQ(img.created, ti.at("created").get<std::string>());
    // The raw config bytes hash to the config digest (the image ID).
    EXPECT_EQ(sha256_of(img.config_json), ti.at("config_digest").get<std::string>());

    const json& th = ti.at("history");
    ASSERT_EQ(img.history.size(), ti.at("history_count").get<size_t>());
    ASSERT_EQ(img.history.size(), th.size());
    int next_layer = 0;
    for (size_t k = 0; k < th.size(); ++k) {
      bool empty = th[k].value("empty_layer", false);
      EXPECT_EQ(img.history[k].empty_layer, empty) << "history[" << k << "]";
      EXPECT_EQ(img.history[k].created_by, th[k].value("created_by", "")) << "history[" << k << "]";
      EXPECT_EQ(img.history[k].created, th[k].value("created", "")) << "history[" << k << "]";
      // Non-empty steps map, in order, onto the layers (image spec).
      EXPECT_EQ(img.history[k].layer, empty ? -1 : next_layer) << "history[" << k << "].layer";
      if (!empty) ++next_layer;
    }
    ASSERT_EQ(img.layers.size(), ti.at("layer_count").get<size_t>());
    ASSERT_EQ(ti.at("diff_ids").size(), img.layers.size());
    for (size_t i = 0; i < img.layers.size(); ++i) {
      EXPECT_EQ(img.layers[i].index, static_cast<int>(i));
      EXPECT_EQ(img.layers[i].diff_id, ti.at("diff_ids")[i].get<std::string>()) << "layer " << i;
      EXPECT_EQ(img.layers[i].diff_id, ti.at("layers")[i].at("config_diff_id").get<std::string>()) << "layer " << i;
    }
  }
}

TEST_P(FixtureTest, LayerBlobs) {
  for (auto& ti : truth_.at("images")) {
    int im = image_for(ti);
    ASSERT_GE(im, 0);
    const Image& img = ar().images[im];
    ASSERT_EQ(img.layers.size(), ti.at("layers").size());
    for (size_t i = 0; i < img.layers.size(); ++i) {
      const json& tl = ti.at("layers")[i];
      const Layer& l = img.layers[i];
      SCOPED_TRACE("layer " + std::to_string(i) + " " + tl.at("path").get<std::string>());
      ASSERT_GE(l.blob, 0);
      ASSERT_LT(l.blob, static_cast<int>(ar().blobs.size()));
      const Blob& b = ar().blobs[l.blob];
      EXPECT_TRUE(b.present);
      EXPECT_TRUE(b.indexed) << b.error;
      EXPECT_TRUE(b.error.empty()) << b.error;
      EXPECT_EQ(b.compression, compression_of(tl.at("compression").get<std::string>()))
          << "ours " << compression_name(b.compression) << ", truth " << tl.at("compression");
      EXPECT_EQ(b.stored_size, tl.at("stored_size").get<uint64_t>());
      EXPECT_EQ(b.uncompressed_size, tl.at("uncompressed_size").get<int64_t>());
      if (!l.digest.empty()) EXPECT_EQ(l.digest, tl.at("stored_digest").get<std::string>()) << "Layer::digest";
      if (!b.stored_digest.empty())
        EXPECT_EQ(b.stored_digest, tl.at("stored_digest").get<std::string>()) << "Blob::stored_digest";
      if (l.size >= 0) EXPECT_EQ(l.size, tl.at("stored_size").get<int64_t>()) << "Layer::size";
      if (tl.contains("media_type") && tl.at("media_type").is_string())
        EXPECT_EQ(l.media_type, tl.at("media_type").get<std::string>());
      EXPECT_EQ(b.member, truth_layer_member(tl)) << "Blob::member (after symlinks)";
      EXPECT_NE(session_->layer_index(im, static_cast<int>(i)), nullptr);
    }
  }
}

TEST_P(FixtureTest, LayerEntryCounts) {
  for (auto& ti : truth_.at("images")) {
    int im = image_for(ti);
    ASSERT_GE(im, 0);
    for (size_t i = 0; i < ti.at("layers").size(); ++i) {
      const json& tl = ti.at("layers")[i];
      SCOPED_TRACE("layer " + std::to_string(i));
      // The rule's premises, checked on the truth itself.
      ASSERT_EQ(tl.at("entries").size(), tl.at("entry_count").get<size_t>());
      uint32_t markers = 0, marker_files = 0;
      for (auto& e : tl.at("entries")) {
        if (is_marker(e)) {
          ++markers;
          if (e.at("type") == "file") ++marker_files;
        }
      }
      ASSERT_EQ(markers, tl.at("whiteout_count").get<uint32_t>() + tl.at("opaque_dir_count").get<uint32_t>());
      ASSERT_EQ(markers, marker_files) << "markers are typed 'file' in the truth";
      auto types = tl.at("entry_types");
      auto count = [&](const char* k) { return types.contains(k) ? types[k].get<uint32_t>() : 0u; };
      uint32_t other = 0;
      for (auto& [k, v] : types.items())
        if (k != "file" && k != "dir" && k != "symlink" && k != "hardlink") other += v.get<uint32_t>();

      const LayerIndex* idx = session_->layer_index(im, static_cast<int>(i));
      ASSERT_NE(idx, nullptr);
      const EntryCounts& c = idx->counts;
      EXPECT_EQ(c.total, tl.at("entry_count").get<uint32_t>() - markers);
      EXPECT_EQ(c.files, count("file") - marker_files);
      EXPECT_EQ(c.dirs, count("dir")) << "the root entry '.' counts as a dir, as in the truth";
      EXPECT_EQ(c.symlinks, count("symlink"));
      EXPECT_EQ(c.hardlinks, count("hardlink"));
      EXPECT_EQ(c.other, other);
      EXPECT_EQ(c.whiteouts, tl.at("whiteout_count").get<uint32_t>());
      EXPECT_EQ(c.opaque_dirs, tl.at("opaque_dir_count").get<uint32_t>());
      EXPECT_EQ(idx->entries.size(), c.total);
      // The blob's copy of the counts agrees.
      const Blob& b = ar().blobs[ar().images[im].layers[i].blob];
      EXPECT_EQ(b.counts.total, c.total) << "Blob::counts.total";
      EXPECT_EQ(b.counts.files, c.files) << "Blob::counts.files";
      EXPECT_EQ(b.counts.whiteouts, c.whiteouts) << "Blob::counts.whiteouts";
    }
  }
}

TEST_P(FixtureTest, LayerEntriesExact) {
  const PathTable& pt = session_->paths();
  for (auto& ti : truth_.at("images")) {
    int im = image_for(ti);
    ASSERT_GE(im, 0);
    for (size_t i = 0; i < ti.at("layers").size(); ++i) {
      const json& tl = ti.at("layers")[i];
      SCOPED_TRACE("layer " + std::to_string(i));
      const LayerIndex* idx = session_->layer_index(im, static_cast<int>(i));
      ASSERT_NE(idx, nullptr);
      std::vector<const json*> want;
      for (auto& e : tl.at("entries"))
        if (!is_marker(e)) want.push_back(&e);  // the root "." stays, as path ""
      ASSERT_EQ(idx->entries.size(), want.size());
      for (size_t k = 0; k < want.size(); ++k) {
        const json& te = *want[k];
        const Entry& e = idx->entries[k];
        std::string tp = norm(te.at("path").get<std::string>());
        ASSERT_EQ(pt.path(e.path), tp) << "entry #" << k << " (tar order)";
        SCOPED_TRACE(tp);
        EXPECT_EQ(e.type, entry_type_of(te.at("type").get<std::string>()))
            << "ours " << entry_type_name(e.type) << ", truth " << te.at("type");
        EXPECT_EQ(e.size, te.at("size").get<int64_t>());
        EXPECT_EQ(e.uid, te.at("uid").get<uint32_t>());
        EXPECT_EQ(e.gid, te.at("gid").get<uint32_t>());
        uint32_t tm = parse_mode(te.at("mode").get<std::string>());
        EXPECT_EQ(e.mode & 07777, tm & 07777) << std::oct << "mode ours 0" << e.mode << " truth 0" << tm;
        if (tm & 0170000)
          EXPECT_EQ(e.mode & 0170000, tm & 0170000) << std::oct << "type bits ours 0" << e.mode << " truth 0" << tm;
        if (e.type == EntryType::kSymlink) {
          ASSERT_LT(e.link, idx->strings.size());
          EXPECT_EQ(idx->strings[e.link], te.at("link").get<std::string>());
        } else if (e.type == EntryType::kHardlink) {
          EXPECT_EQ(pt.path(e.link), norm(te.at("link").get<std::string>()));
        }
      }
    }
  }
}

TEST_P(FixtureTest, WhiteoutsOpaqueDirsHardlinks) {
  const PathTable& pt = session_->paths();
  for (auto& ti : truth_.at("images")) {
    int im = image_for(ti);
    ASSERT_GE(im, 0);
    for (size_t i = 0; i < ti.at("layers").size(); ++i) {
      const json& tl = ti.at("layers")[i];
      SCOPED_TRACE("layer " + std::to_string(i));
      const LayerIndex* idx = session_->layer_index(im, static_cast<int>(i));
      ASSERT_NE(idx, nullptr);
      std::multiset<std::string> wh, twh, op, top;
      for (PathId p : idx->whiteouts) wh.insert(pt.path(p));
      for (auto& w : tl.at("whiteouts")) twh.insert(norm(w.get<std::string>()));
      for (PathId p : idx->opaque_dirs) op.insert(pt.path(p));
      for (auto& o : tl.at("opaque_dirs")) top.insert(norm(o.get<std::string>()));
      EXPECT_EQ(wh, twh);
      EXPECT_EQ(op, top);
      std::set<std::pair<std::string, std::string>> hl, thl;
      for (auto& e : idx->entries)
        if (e.type == EntryType::kHardlink) hl.insert({pt.path(e.path), pt.path(e.link)});
      for (auto& h : tl.at("hardlinks")) thl.insert({norm(h[0].get<std::string>()), norm(h[1].get<std::string>())});
      EXPECT_EQ(hl, thl);
    }
  }
}

TEST_P(FixtureTest, MergedFilesystem) {
  for (auto& ti : truth_.at("images")) {
    int im = image_for(ti);
    ASSERT_GE(im, 0);
    auto r = session_->list(im, ListOptions{.layer = -1, .merged = true});
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    std::map<std::string, const ListedEntry*> ours;
    for (auto& e : r.value()) {
      EXPECT_TRUE(ours.emplace(e.path, &e).second) << "listed twice: " << e.path;
      EXPECT_NE(e.change, Change::kDeleted) << e.path;
      EXPECT_NE(basename_of(e.path).rfind(".wh.", 0), 0u) << "whiteout marker shown as a file: " << e.path;
    }
    std::set<std::string> want, got;
    for (auto& p : ti.at("merged_fs").at("paths")) want.insert(p.at("path").get<std::string>());
    for (auto& [p, e] : ours) got.insert(p);
    EXPECT_EQ(got.size(), ti.at("merged_fs").at("path_count").get<size_t>());
    EXPECT_EQ(got, want) << dump_diff(want, got);
    for (auto& p : ti.at("merged_fs").at("paths")) {
      auto it = ours.find(p.at("path").get<std::string>());
      if (it == ours.end()) continue;
      const ListedEntry& e = *it->second;
      std::string ft = p.at("find_type").get<std::string>();
      char t = e.type == EntryType::kDir ? 'd'
               : (e.type == EntryType::kFile || e.type == EntryType::kHardlink) ? 'f'
               : e.type == EntryType::kSymlink ? 'l' : '?';
      EXPECT_EQ(std::string(1, t), ft) << e.path << " is " << entry_type_name(e.type);
      if (p.contains("link")) EXPECT_EQ(e.link, p.at("link").get<std::string>()) << e.path;
      if (e.type == EntryType::kFile && p.contains("size")) EXPECT_EQ(e.size, p.at("size").get<int64_t>()) << e.path;
      EXPECT_GE(e.layer, 0) << e.path;
    }
  }
}

// Our merged view and change set after every layer against a reference merge of
// the truth layers; the reference is first validated against umoci's result.
TEST_P(FixtureTest, PerLayerMergeAndChanges) {
  for (auto& ti : truth_.at("images")) {
    int im = image_for(ti);
    ASSERT_GE(im, 0);
    RefFs ref;
    std::vector<RefFs> after;
    std::vector<std::map<std::string, Change>> changes;
    for (auto& tl : ti.at("layers")) {
      changes.push_back(ref_apply(ref, tl));
      after.push_back(ref);
    }
    RefFs truth_top;
    for (auto& p : ti.at("merged_fs").at("paths"))
      truth_top[p.at("path").get<std::string>()] = p.at("find_type").get<std::string>()[0];
    ASSERT_EQ(ref, truth_top) << "the test's reference merge disagrees with merged_fs (test bug or truth subtlety)";

    for (size_t i = 0; i < after.size(); ++i) {
      SCOPED_TRACE("layer " + std::to_string(i));
      auto m = session_->list(im, ListOptions{.layer = static_cast<int>(i), .merged = true});
      ASSERT_TRUE(m.ok()) << m.error().to_string();
      RefFs got;
      for (auto& e : m.value())
        got[e.path] = e.type == EntryType::kDir ? 'd'
                      : (e.type == EntryType::kFile || e.type == EntryType::kHardlink) ? 'f'
                      : e.type == EntryType::kSymlink ? 'l' : 'o';
      std::set<std::string> gs, ws;
      for (auto& [p, t] : got) gs.insert(p);
      for (auto& [p, t] : after[i]) ws.insert(p);
      EXPECT_EQ(gs, ws) << dump_diff(ws, gs);
      EXPECT_EQ(got, after[i]);

      auto c = session_->list(im, ListOptions{.layer = static_cast<int>(i), .merged = false});
      ASSERT_TRUE(c.ok()) << c.error().to_string();
      std::map<std::string, Change> gc;
      for (auto& e : c.value()) gc[e.path] = e.change;
      std::string diff;
      for (auto& [p, ch] : changes[i]) {
        auto it = gc.find(p);
        if (it == gc.end()) diff += "\n  missing " + std::string(1, change_mark(ch)) + " " + p;
        else if (it->second != ch)
          diff += "\n  " + p + ": ours " + change_name(it->second) + ", expected " + change_name(ch);
      }
      for (auto& [p, ch] : gc)
        if (!changes[i].count(p)) diff += "\n  unexpected " + std::string(1, change_mark(ch)) + " " + p;
      EXPECT_TRUE(diff.empty()) << "change set differs:" << diff;

      auto cc = session_->change_counts(im);
      ASSERT_TRUE(cc.ok());
      ASSERT_EQ(cc.value().size(), after.size());
      uint32_t a = 0, mo = 0, d = 0;
      for (auto& [p, ch] : changes[i]) (ch == Change::kAdded ? a : ch == Change::kModified ? mo : d)++;
      EXPECT_EQ(cc.value()[i].added, a);
      EXPECT_EQ(cc.value()[i].modified, mo);
      EXPECT_EQ(cc.value()[i].deleted, d);
    }
  }
}

// Every regular file of every layer, read at that layer, hashes to the truth.
TEST_P(FixtureTest, LayerFileContents) {
  for (auto& ti : truth_.at("images")) {
    int im = image_for(ti);
    ASSERT_GE(im, 0);
    for (size_t i = 0; i < ti.at("layers").size(); ++i) {
      const json& tl = ti.at("layers")[i];
      for (auto& te : tl.at("entries")) {
        if (is_marker(te) || te.at("type") != "file" || !te.contains("sha256")) continue;
        std::string p = norm(te.at("path").get<std::string>());
        std::string data;
        Status st = read_all(*session_, im, static_cast<int>(i), p, &data);
        ASSERT_TRUE(st.ok()) << p << " @ layer " << i << ": " << st.error().to_string();
        EXPECT_EQ(data.size(), te.at("size").get<size_t>()) << p << " @ layer " << i;
        EXPECT_EQ(sha256_of(data), te.at("sha256").get<std::string>()) << p << " @ layer " << i;
      }
    }
  }
}

// Every regular file of the merged tree (hardlinks included) read at the top.
TEST_P(FixtureTest, MergedFileContents) {
  for (auto& ti : truth_.at("images")) {
    int im = image_for(ti);
    ASSERT_GE(im, 0);
    for (auto& p : ti.at("merged_fs").at("paths")) {
      if (p.at("find_type") != "f" || !p.contains("sha256")) continue;
      std::string path = p.at("path").get<std::string>(), data;
      Status st = read_all(*session_, im, -1, path, &data);
      ASSERT_TRUE(st.ok()) << path << ": " << st.error().to_string();
      EXPECT_EQ(data.size(), p.at("size").get<size_t>()) << path;
      EXPECT_EQ(sha256_of(data), p.at("sha256").get<std::string>()) << path;
    }
  }
}

// verify() hashes blobs and uncompressed streams: they match the truth's
// independently computed digests, and nothing is flagged.
TEST_P(FixtureTest, VerifyDigests) {
  OpenOptions o;
  o.verify = true;
  auto s = open_session(fixture_tar(GetParam()), nullptr, o);
  ASSERT_TRUE(s != nullptr);
  expect_truth_digests(s->archive());
}

// Compressed layers decoded on a second thread (OpenOptions::start_thread, as
// the CLI opens): the same document as on one thread, and verified, the
// truth's digests, diff_ids and sizes; one thread per compressed layer blob.
TEST_P(FixtureTest, DecodingOnASecondThreadSameAnswers) {
  auto started = std::make_shared<std::atomic<int>>(0);
  OpenOptions o;
  o.start_thread = counting_thread_starter(started);
  auto threaded = open_session(fixture_tar(GetParam()), nullptr, o);
  ASSERT_TRUE(threaded != nullptr);
  EXPECT_EQ(threaded->inspect_json(), session_->inspect_json());
  int compressed = 0;
  const Archive& a = threaded->archive();
  if (a.outer_compression == Compression::kNone)
    for (const Blob& b : a.blobs)
      if (b.present && b.indexed && b.compression != Compression::kNone) ++compressed;
  EXPECT_EQ(started->load(), compressed);
  // every entry of every layer: path, type, size, where its data lies in the decoded stream
  auto entries = [](const Session& s, int im, int k) {
    std::vector<std::string> out;
    const LayerIndex* idx = s.layer_index(im, k);
    if (idx)
      for (const Entry& e : idx->entries)
        out.push_back(s.paths().path(e.path) + " " + entry_type_name(e.type) + " " + std::to_string(e.size) + " @" +
                      std::to_string(e.data_offset));
    return out;
  };
  size_t seen = 0;
  for (size_t im = 0; im < a.images.size(); ++im)
    for (size_t k = 0; k < a.images[im].layers.size(); ++k) {
      auto want = entries(*session_, static_cast<int>(im), static_cast<int>(k));
      EXPECT_EQ(entries(*threaded, static_cast<int>(im), static_cast<int>(k)), want) << "image " << im << " layer " << k;
      seen += want.size();
    }
  EXPECT_GT(seen, 0u);

  o.verify = true;
  auto verified = open_session(fixture_tar(GetParam()), nullptr, o);
  ASSERT_TRUE(verified != nullptr);
  expect_truth_digests(verified->archive());
}

// Layers indexed at once, each on a thread into a path table of its own
// (OpenOptions::index_threads): the archive's path table is the one indexing
// them one by one makes, id by id, and so are the documents and every entry.
TEST_P(FixtureTest, LayersIndexedAtOnceSameAnswers) {
  auto started = std::make_shared<std::atomic<int>>(0);
  OpenOptions o;
  o.start_thread = counting_thread_starter(started);
  o.index_threads = 3;
  auto at_once = open_session(fixture_tar(GetParam()), nullptr, o);
  ASSERT_TRUE(at_once != nullptr);
  EXPECT_EQ(at_once->inspect_json(), session_->inspect_json());
  const Archive& a = at_once->archive();
  int present = 0;
  for (const Blob& b : a.blobs) present += b.present;
  if (a.outer_compression == Compression::kNone && present >= 2) EXPECT_GE(started->load(), std::min(present, 3));
  ASSERT_EQ(at_once->paths().size(), session_->paths().size());
  for (PathId id = 0; id < session_->paths().size(); ++id) ASSERT_EQ(at_once->paths().path(id), session_->paths().path(id)) << id;
  size_t seen = 0;
  for (size_t im = 0; im < a.images.size(); ++im)
    for (size_t k = 0; k < a.images[im].layers.size(); ++k) {
      const LayerIndex* x = at_once->layer_index(static_cast<int>(im), static_cast<int>(k));
      const LayerIndex* y = session_->layer_index(static_cast<int>(im), static_cast<int>(k));
      ASSERT_EQ(x == nullptr, y == nullptr);
      if (!x) continue;
      ASSERT_EQ(x->entries.size(), y->entries.size());
      for (size_t e = 0; e < x->entries.size(); ++e) {
        EXPECT_EQ(x->entries[e].path, y->entries[e].path);
        EXPECT_EQ(x->entries[e].link, y->entries[e].link);
        EXPECT_EQ(x->entries[e].data_offset, y->entries[e].data_offset);
      }
      EXPECT_EQ(x->whiteouts, y->whiteouts);
      EXPECT_EQ(x->opaque_dirs, y->opaque_dirs);
      seen += x->entries.size();
    }
  EXPECT_GT(seen, 0u);
  o.verify = true;
  auto verified = open_session(fixture_tar(GetParam()), nullptr, o);
  ASSERT_TRUE(verified != nullptr);
  expect_truth_digests(verified->archive());
}

// Verify hashes a plain blob straight from its range of the file (no decoder,
// no tar parser): the digests are the truth's, progress can cancel it, and a
// file cut short under an open session fails the cut blob's verify with a
// warning naming its member and where the file ends; the other blobs are checked
// (those after the cut are compressed: the core decodes them from what is left,
// or reports them as before).
TEST_P(FixtureTest, VerifyReadsPlainBlobsFromTheFile) {
  if (truth_.value("outer_compression", "none") != "none") GTEST_SKIP() << "compressed as a whole: one pass";
  const std::string copy =
      (fs::temp_directory_path() / ("ls-verify-plain-" + std::to_string(::getpid()) + "-" + GetParam() + ".tar")).string();
  fs::copy_file(fixture_tar(GetParam()), copy, fs::copy_options::overwrite_existing);
  struct Rm { std::string p; ~Rm() { std::error_code ec; fs::remove(p, ec); } } rm{copy};
  auto src = open_file_source(copy);
  ASSERT_TRUE(src.ok());
  auto opened = Session::open(src.value(), OpenOptions{});
  ASSERT_TRUE(opened.ok()) << opened.error().to_string();
  Session& s = *opened.value();
  const Archive& a = s.archive();
  const auto plain = s.plain_blobs();
  if (plain.empty()) GTEST_SKIP() << "no plain blobs";
  int calls = 0;
  Status st = s.verify([&](const Progress& p) { return p.phase != "verify" || ++calls < 2; });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, Code::kCancelled) << st.error().to_string();
  st = s.verify(nullptr);
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  expect_truth_digests(a);
  // the last plain blob in the file, cut in half
  auto last = plain.front();
  for (const auto& p : plain)
    if (p.offset > last.offset) last = p;
  const uint64_t cut = last.offset + last.size / 2;
  auto src2 = open_file_source(copy);
  ASSERT_TRUE(src2.ok());
  auto again = Session::open(src2.value(), OpenOptions{});
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  const Archive& b = again.value()->archive();
  fs::resize_file(copy, cut);
  st = again.value()->verify(nullptr);
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  int failed = 0;
  for (const Warning& w : b.warnings) {
    if (w.code != "verify-failed") continue;
    ++failed;
    EXPECT_EQ(w.blob, last.blob);
    EXPECT_EQ(w.where, b.blobs[last.blob].member);
    EXPECT_NE(w.message.find("ends at byte " + std::to_string(cut)), std::string::npos) << w.message;
  }
  EXPECT_EQ(failed, 1);
  EXPECT_TRUE(b.blobs[last.blob].computed_digest.empty());
  for (size_t bi = 0; bi < b.blobs.size(); ++bi)
    if (b.blobs[bi].present && static_cast<int>(bi) != last.blob)
      EXPECT_EQ(b.blobs[bi].computed_digest, a.blobs[bi].computed_digest) << b.blobs[bi].member;
}

// Opening reads headers, not payloads, of uncompressed layers (well under 30%
// of the archive); compressed layers must be decoded, but each blob only once.
TEST_P(FixtureTest, OpenReadsLittleOrOnce) {
  bool all_plain = truth_.value("outer_compression", "none") == "none";
  for (auto& ti : truth_.at("images"))
    for (auto& tl : ti.at("layers")) all_plain = all_plain && tl.at("compression") == "none";
  uint64_t n = src_->bytes_read(), size = src_->size();
  double pct = 100.0 * static_cast<double>(n) / static_cast<double>(size);
  std::printf("[ bytes    ] %s (%s layers): open read %llu of %llu bytes (%.2f%%) in %llu calls\n",
              GetParam().c_str(), all_plain ? "uncompressed" : "compressed", static_cast<unsigned long long>(n),
              static_cast<unsigned long long>(size), pct, static_cast<unsigned long long>(src_->read_calls()));
  if (all_plain)
    EXPECT_LT(n * 10, size * 3) << "open() read " << n << " of " << size << " bytes (" << pct << "%), want < 30%";
  else
    EXPECT_LE(n, size + size / 20) << "open() read " << n << " of " << size << " bytes (" << pct
                                    << "%): some layer was read more than once";
  // Listing the merged tree is served from the index: no further reads.
  uint64_t before = src_->bytes_read();
  auto r = session_->list(0, ListOptions{.layer = -1, .merged = true});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(src_->bytes_read(), before) << "list() read the archive again";
}

// Opened for the summary only (what `images` and `history` print), the images
// and history documents are those of a full open, byte for byte, less the
// warnings about layer contents (a fixture has none); a docker archive's plain
// layers are not read past their first block, and the layer views refuse
// rather than show unread layers as empty.
TEST_P(FixtureTest, SummaryOpenSameDocumentsFewerBytes) {
  std::shared_ptr<ByteSource> src;
  OpenOptions o;
  o.layers = LayerReading::kSummary;
  auto summary = open_session(fixture_tar(GetParam()), &src, o);
  ASSERT_TRUE(summary != nullptr);
  const uint64_t n = src->bytes_read(), size = src->size();
  bool all_plain = truth_.value("outer_compression", "none") == "none";
  for (auto& ti : truth_.at("images"))
    for (auto& tl : ti.at("layers")) all_plain = all_plain && tl.at("compression") == "none";
  std::printf("[ bytes    ] %s: summary open read %llu of %llu bytes (%.2f%%); full open %llu\n", GetParam().c_str(),
              static_cast<unsigned long long>(n), static_cast<unsigned long long>(size),
              100.0 * static_cast<double>(n) / static_cast<double>(size),
              static_cast<unsigned long long>(src_->bytes_read()));
  for (ImagesQuery q : {ImagesQuery{}, ImagesQuery{.all = true}}) {
    auto want = session_->images_json(q), got = summary->images_json(q);
    ASSERT_TRUE(want.ok() && got.ok());
    EXPECT_EQ(got.value(), want.value()) << "images_json(all=" << q.all << ")";
  }
  for (int im = 0; im < static_cast<int>(ar().images.size()); ++im) {
    auto want = session_->history_json(im), got = summary->history_json(im);
    ASSERT_TRUE(want.ok() && got.ok());
    EXPECT_EQ(got.value(), want.value()) << "history_json(" << im << ")";
    for (size_t l = 0; l < ar().images[im].layers.size(); ++l) {
      EXPECT_EQ(summary->archive().blobs[ar().images[im].layers[l].blob].uncompressed_size,
                ar().blobs[ar().images[im].layers[l].blob].uncompressed_size);
      EXPECT_EQ(summary->layer_index(im, static_cast<int>(l)), nullptr);
    }
  }
  if (all_plain) {
    EXPECT_LT(n * 2, src_->bytes_read()) << "a summary open read " << n << " bytes, a full one " << src_->bytes_read();
    for (auto& b : summary->archive().blobs) EXPECT_FALSE(b.indexed) << b.member << " was indexed";
  }
  auto listed = summary->list(0, ListOptions{.layer = -1, .merged = true});
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().code, Code::kUnsupported);
  EXPECT_NE(listed.error().message.find("summary only"), std::string::npos) << listed.error().message;
  std::string body;
  EXPECT_EQ(read_all(*summary, 0, -1, "etc/os-release", &body).error().code, Code::kUnsupported);
  EXPECT_EQ(summary->change_counts(0).error().code, Code::kUnsupported);
}

// The fixture opened with kHeadersOnly (documents and headers; no layer read).
std::unique_ptr<Session> headers_only(const std::string& name, std::shared_ptr<ByteSource>* src) {
  OpenOptions o;
  o.layers = LayerReading::kHeadersOnly;
  return open_session(fixture_tar(name), src, o);
}

// Layers read on demand (Session::index_layers after a headers-only open, what
// the page does for a hosted archive): each step reads the blob of the layer
// it adds and nothing of the others; once layers 0..l are read, the views as
// of l (its change set, the merged tree, a file's bytes) are a full open's,
// while a view that needs an unread layer refuses; once every layer is read,
// the summary is a full open's and reading again reads nothing.
TEST_P(FixtureTest, LayersReadOneAtATime) {
  if (truth_.value("outer_compression", "none") != "none") GTEST_SKIP() << "compressed as a whole: one pass";
  std::shared_ptr<ByteSource> src;
  auto s = headers_only(GetParam(), &src);
  ASSERT_TRUE(s != nullptr);
  const Archive& a = s->archive();
  std::set<int> read;  // blobs read so far
  auto same = [](const std::vector<ListedEntry>& got, const std::vector<ListedEntry>& want, const std::string& what) {
    ASSERT_EQ(got.size(), want.size()) << what;
    for (size_t i = 0; i < got.size(); ++i) {
      const ListedEntry &g = got[i], &w = want[i];
      EXPECT_TRUE(g.path == w.path && g.type == w.type && g.change == w.change && g.layer == w.layer &&
                  g.size == w.size && g.mode == w.mode && g.link == w.link && g.implicit == w.implicit)
          << what << ": row " << i << " " << g.path << " vs " << w.path;
    }
  };
  for (int im = 0; im < static_cast<int>(a.images.size()); ++im) {
    const int nl = static_cast<int>(a.images[im].layers.size());
    for (int l = 0; l < nl; ++l) {
      const int b = a.images[im].layers[l].blob;
      const bool fresh = b >= 0 && a.blobs[b].present && !read.count(b);
      const uint64_t before = src->bytes_read();
      Status st = s->index_layers(im, l);
      ASSERT_TRUE(st.ok()) << st.error().to_string();
      const uint64_t got = src->bytes_read() - before;
      if (fresh) {
        // (a small layer may lie within what the headers' reads brought in already)
        EXPECT_LE(got, a.blobs[b].stored_size + 256 * 1024) << "image " << im << " layer " << l << " read more than its blob";
        read.insert(b);
      } else {
        EXPECT_EQ(got, 0u) << "image " << im << " layer " << l << " was read already";
      }
      EXPECT_TRUE(s->layers_readable(im, l).ok());
      {
        // the summary's change counts of the layers read so far are a full open's
        json g = json::parse(s->inspect_json()).at("images")[im].at("layers");
        json w = json::parse(session_->inspect_json()).at("images")[im].at("layers");
        for (int k = 0; k <= l; ++k) EXPECT_EQ(g[k].value("changes", json()), w[k].at("changes")) << "layer " << k;
      }
      if (l + 1 < nl) {
        const int nb = a.images[im].layers[l + 1].blob;
        if (nb >= 0 && a.blobs[nb].present && !read.count(nb)) {
          EXPECT_EQ(s->layers_readable(im, l + 1).error().code, Code::kUnsupported);
          EXPECT_EQ(s->list(im, ListOptions{.layer = l + 1}).error().code, Code::kUnsupported);
          EXPECT_EQ(s->path_history(im, "etc").error().code, Code::kUnsupported);
          EXPECT_EQ(s->change_counts(im).error().code, Code::kUnsupported);
        }
      }
      for (bool merged : {false, true}) {
        auto g = s->list(im, ListOptions{.layer = l, .merged = merged});
        auto w = session_->list(im, ListOptions{.layer = l, .merged = merged});
        ASSERT_TRUE(g.ok() && w.ok()) << (g.ok() ? "" : g.error().to_string());
        same(g.value(), w.value(), "image " + std::to_string(im) + " layer " + std::to_string(l) + (merged ? " merged" : " own"));
        if (!merged)
          for (const ListedEntry& e : w.value())
            if (e.type == EntryType::kFile && e.change != Change::kDeleted) {
              std::string gb, wb;
              ASSERT_TRUE(read_all(*s, im, l, e.path, &gb).ok()) << e.path;
              ASSERT_TRUE(read_all(*session_, im, l, e.path, &wb).ok()) << e.path;
              EXPECT_EQ(gb, wb) << e.path;
              break;
            }
      }
    }
  }
  Status st = s->index_layers();
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_TRUE(s->layers_indexed());
  json want = json::parse(session_->inspect_json()), got = json::parse(s->inspect_json());
  EXPECT_EQ(got.at("images"), want.at("images"));
  auto key = [](const json& w) { return w.dump(); };
  std::multiset<std::string> gw, ww;
  for (auto& w : got.at("warnings")) gw.insert(key(w));
  for (auto& w : want.at("warnings")) ww.insert(key(w));
  EXPECT_EQ(gw, ww) << "the warnings, in any order";
  const uint64_t before = src->bytes_read();
  ASSERT_TRUE(s->index_layers().ok());
  EXPECT_EQ(src->bytes_read(), before);
}

// What `layerscope cat` does (index_layers keeping the path's content, then
// read_file): the bytes are a full open's, and a regular file of at most 8 MiB
// (not a hard link: its content is its target's) is served from what the index
// kept, so reading it reads nothing more of the archive, whatever its layer's
// compression. Files changed by several layers are among those read: the view's
// own is served. A second read of the path (nothing kept now) reads its layer
// again and gives the same bytes.
TEST_P(FixtureTest, CatKeepsTheFileWhileIndexing) {
  if (truth_.value("outer_compression", "none") != "none") GTEST_SKIP() << "compressed as a whole: one pass";
  const Archive& full = session_->archive();
  int served = 0;
  for (int im = 0; im < static_cast<int>(full.images.size()); ++im) {
    auto merged = session_->list(im, ListOptions{.layer = -1, .merged = true});
    ASSERT_TRUE(merged.ok()) << merged.error().to_string();
    // a few files: modified ones first (in several layers), then others, and the hard links
    std::vector<ListedEntry> picks, links;
    for (const ListedEntry& e : merged.value())
      if (e.type == EntryType::kFile && e.change == Change::kModified && picks.size() < 3) picks.push_back(e);
    for (const ListedEntry& e : merged.value())
      if (e.type == EntryType::kFile && e.change != Change::kModified && picks.size() < 6) picks.push_back(e);
    for (const ListedEntry& e : merged.value())
      if (e.type == EntryType::kHardlink && links.size() < 2) links.push_back(e);
    picks.insert(picks.end(), links.begin(), links.end());
    for (const ListedEntry& e : picks) {
      std::shared_ptr<ByteSource> src;
      auto s = headers_only(GetParam(), &src);
      ASSERT_TRUE(s != nullptr);
      Status st = s->index_layers(im, -1, {}, e.path);
      ASSERT_TRUE(st.ok()) << st.error().to_string();
      const uint64_t indexed = src->bytes_fetched();  // (every byte fetched, again or not)
      std::string got, want, again;
      ASSERT_TRUE(read_all(*session_, im, -1, e.path, &want).ok()) << e.path;
      st = read_all(*s, im, -1, e.path, &got);
      ASSERT_TRUE(st.ok()) << e.path << ": " << st.error().to_string();
      EXPECT_EQ(got, want) << e.path;
      if (e.type == EntryType::kFile && e.size <= static_cast<int64_t>(8u << 20)) {
        EXPECT_EQ(src->bytes_fetched(), indexed) << e.path << " (layer " << e.layer << ") was read again after the index";
        ++served;
      }
      st = read_all(*s, im, -1, e.path, &again);
      ASSERT_TRUE(st.ok()) << e.path << ": " << st.error().to_string();
      EXPECT_EQ(again, want) << e.path << " (read a second time)";
    }
  }
  // (every fixture has regular files in its top view)
  EXPECT_GT(served, 0);
}

// kHeadersOnly (for a summary shown before any layer is decoded): nothing past
// each blob's first block is read, whatever the compression; a plain layer's
// size is known (its stored size), a compressed one's is not (-1), and its
// compression is still named from its first bytes.
// The page's verify of a local file: a headers-only open, the plain blobs
// hashed by the host (here: their bytes read from the file by hand, hashed on
// their own), the rest hashed by the core without indexing. No plain blob is
// read by the core; the verdicts are a full verify's (the truth's digests and
// diff_ids, the same rows); bad digests are refused before anything changes;
// a wrong one is a mismatch like any other.
TEST_P(FixtureTest, VerifyWithHostDigests) {
  if (truth_.value("outer_compression", "none") != "none") GTEST_SKIP() << "compressed as a whole: one pass";
  std::shared_ptr<ByteSource> src;
  auto s = headers_only(GetParam(), &src);
  ASSERT_TRUE(s != nullptr);
  const Archive& a = s->archive();
  // every present blob the truth says is stored uncompressed, and no other
  std::set<int> want_plain;
  for (auto& ti : truth_.at("images")) {
    int im = find_image(a, ti.at("config_digest").get<std::string>());
    ASSERT_GE(im, 0);
    for (size_t i = 0; i < ti.at("layers").size(); ++i)
      if (ti.at("layers")[i].at("compression") == "none") want_plain.insert(a.images[im].layers[i].blob);
  }
  const auto plain = s->plain_blobs();
  std::set<int> got_plain;
  for (const auto& p : plain) got_plain.insert(p.blob);
  EXPECT_EQ(got_plain, want_plain);
  std::ifstream f(fixture_tar(GetParam()), std::ios::binary);
  std::vector<Session::StoredDigest> stored;
  uint64_t plain_bytes = 0;
  for (const auto& p : plain) {
    std::string bytes(p.size, '\0');
    f.seekg(static_cast<std::streamoff>(p.offset));
    ASSERT_TRUE(f.read(bytes.data(), static_cast<std::streamsize>(p.size))) << "blob " << p.blob;
    stored.push_back({p.blob, Sha256::digest_of(bytes)});
    plain_bytes += p.size;
  }
  // refused before anything is hashed
  Status bad = s->verify({}, {{static_cast<int>(a.blobs.size()), stored.empty() ? "" : stored[0].digest}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Code::kInvalidArgument);
  bad = s->verify({}, {{0, "sha256:xyz"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().where, "digests[0]");
  for (const Blob& b : a.blobs) EXPECT_TRUE(b.computed_digest.empty());
  // a digest for a compressed blob is not taken: the core hashes that one
  std::vector<Session::StoredDigest> with_stray = stored;
  for (size_t bi = 0; bi < a.blobs.size(); ++bi)
    if (a.blobs[bi].present && !got_plain.count(static_cast<int>(bi)))
      with_stray.push_back({static_cast<int>(bi), "sha256:" + std::string(64, '0')});
  const uint64_t before = src->bytes_read();
  Status st = s->verify({}, with_stray);
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  uint64_t others = 0;
  for (size_t bi = 0; bi < a.blobs.size(); ++bi)
    if (a.blobs[bi].present && !got_plain.count(static_cast<int>(bi))) others += a.blobs[bi].stored_size;
  EXPECT_LE(src->bytes_read() - before, others + (256u << 10)) << plain_bytes << " bytes of plain blobs";
  EXPECT_FALSE(s->layers_indexed());
  expect_truth_digests(a);
  OpenOptions o;
  o.verify = true;
  auto full = open_session(fixture_tar(GetParam()), nullptr, o);
  ASSERT_TRUE(full != nullptr);
  auto mine = s->verify_report(), theirs = full->verify_report();
  ASSERT_TRUE(mine.ok() && theirs.ok());
  ASSERT_EQ(mine.value().rows.size(), theirs.value().rows.size());
  for (size_t i = 0; i < mine.value().rows.size(); ++i) {
    const VerifyRow &m = mine.value().rows[i], &t = theirs.value().rows[i];
    EXPECT_TRUE(m.member == t.member && m.digest == t.digest && m.actual == t.actual && m.actual_size == t.actual_size &&
                m.diff_id == t.diff_id && m.actual_diff_id == t.actual_diff_id && m.state == t.state &&
                m.problems == t.problems)
        << "row " << i << " " << m.member;
  }
  // a wrong host digest is a mismatch like any other
  if (!stored.empty()) {
    auto again = headers_only(GetParam(), nullptr);
    ASSERT_TRUE(again != nullptr);
    auto wrong = stored;
    wrong[0].digest = "sha256:" + std::string(64, 'a');
    ASSERT_TRUE(again->verify({}, wrong).ok());
    int mismatches = 0;
    for (auto& x : again->archive().warnings) mismatches += x.code == "digest-mismatch" || x.code == "diff-id-mismatch";
    EXPECT_GE(mismatches, 1);
    EXPECT_EQ(again->archive().blobs[wrong[0].blob].computed_digest, wrong[0].digest);
  }
}

TEST_P(FixtureTest, HeadersOnlyOpenDecodesNothing) {
  if (truth_.value("outer_compression", "none") != "none") GTEST_SKIP() << "compressed as a whole: one pass";
  std::shared_ptr<ByteSource> src;
  auto s = headers_only(GetParam(), &src);
  ASSERT_TRUE(s != nullptr);
  uint64_t layer_bytes = 0, blobs = 0;
  for (auto& b : s->archive().blobs)
    if (b.present) { layer_bytes += b.stored_size; ++blobs; }
  std::printf("[ bytes    ] %s: headers-only open read %llu of %llu bytes (%llu layer blobs, %llu bytes)\n",
              GetParam().c_str(), static_cast<unsigned long long>(src->bytes_read()),
              static_cast<unsigned long long>(src->size()), static_cast<unsigned long long>(blobs),
              static_cast<unsigned long long>(layer_bytes));
  // The documents and headers are what is left once the layers' bytes are taken away.
  EXPECT_LT(src->bytes_read(), src->size() - layer_bytes + blobs * 64 * 1024)
      << "a headers-only open read into the layers' payloads";
  for (auto& ti : truth_.at("images")) {
    int im = image_for(ti);
    ASSERT_GE(im, 0);
    for (size_t i = 0; i < ti.at("layers").size(); ++i) {
      const json& tl = ti.at("layers")[i];
      const Blob& b = s->archive().blobs[s->archive().images[im].layers[i].blob];
      EXPECT_FALSE(b.indexed) << "layer " << i;
      EXPECT_EQ(b.compression, compression_of(tl.at("compression").get<std::string>())) << "layer " << i;
      if (tl.at("compression") == "none")
        EXPECT_EQ(b.uncompressed_size, tl.at("uncompressed_size").get<int64_t>()) << "layer " << i;
      else
        EXPECT_EQ(b.uncompressed_size, -1) << "layer " << i;
    }
  }
  EXPECT_EQ(s->list(0, ListOptions{.layer = -1, .merged = true}).error().code, Code::kUnsupported);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FixtureTest, ::testing::ValuesIn(all_fixtures()),
                         [](const ::testing::TestParamInfo<std::string>& i) { return param_name(i.param); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(FixtureTest);
