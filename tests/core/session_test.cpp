// Session: two archives open at once. Two Sessions over two different fixtures
// (an uncompressed legacy save and an oci-archive with zstd layers), with
// listings and file reads interleaved between them: each answers from its own
// archive (nothing in api/ is shared between Sessions). Facts from .truth.json.
#include "test_util.h"

using namespace layerscope;
using namespace lstest;

namespace {

struct Side {
  std::string name;
  json truth;
  std::unique_ptr<Session> s;
  int image = -1;
  std::set<std::string> merged;  // truth: the top layer's merged paths
  std::string file, sha;         // truth: the largest file of the merged tree and its sha256
  int64_t size = 0;
};

void load(Side* x, const std::string& name) {
  x->name = name;
  ASSERT_TRUE(fs::exists(fixture_tar(name))) << fixture_tar(name);
  x->truth = load_truth(name);
  x->s = open_session(fixture_tar(name));
  ASSERT_TRUE(x->s);
  const json& ti = x->truth.at("images").at(0);
  x->image = find_image(x->s->archive(), ti.at("config_digest").get<std::string>());
  ASSERT_GE(x->image, 0);
  for (auto& p : ti.at("merged_fs").at("paths")) x->merged.insert(norm(p.at("path").get<std::string>()));
  // The last layer writing each path holds its merged content.
  std::map<std::string, json> last;
  for (auto& l : ti.at("layers"))
    for (auto& e : l.at("entries")) last[norm(e.at("path").get<std::string>())] = e;
  for (auto& [p, e] : last) {
    if (e.at("type") != "file" || !e.contains("sha256") || !x->merged.count(p)) continue;
    if (e.at("size").get<int64_t>() > x->size) {
      x->size = e.at("size").get<int64_t>();
      x->file = p;
      x->sha = e.at("sha256").get<std::string>();
    }
  }
  ASSERT_FALSE(x->file.empty()) << name;
}

std::set<std::string> listed(const Session& s, int image, const ListOptions& o) {
  auto l = s.list(image, o);
  EXPECT_TRUE(l.ok()) << (l.ok() ? "" : l.error().to_string());
  std::set<std::string> out;
  if (l.ok())
    for (auto& e : l.value()) out.insert(e.path);
  return out;
}

}  // namespace

TEST(Session, TwoArchivesInterleaved) {
  Side a, b;
  load(&a, "docker20-save-features");
  load(&b, "skopeo-oci-archive-zstd-features");
  if (HasFatalFailure()) return;
  ListOptions merged;
  merged.merged = true;

  // Listings, alternately: each the merged tree of its own archive.
  EXPECT_EQ(listed(*a.s, a.image, merged), a.merged);
  EXPECT_EQ(listed(*b.s, b.image, merged), b.merged);

  // Two cursors open at once, read a chunk at a time in turn, with listings of
  // the other archive (and its per-layer views) in between.
  auto ra = a.s->open_file(a.image, -1, a.file);
  auto rb = b.s->open_file(b.image, -1, b.file);
  ASSERT_TRUE(ra.ok()) << ra.error().to_string();
  ASSERT_TRUE(rb.ok()) << rb.error().to_string();
  EXPECT_EQ(static_cast<int64_t>(ra.value()->size()), a.size);
  EXPECT_EQ(static_cast<int64_t>(rb.value()->size()), b.size);
  std::string got_a, got_b;
  std::vector<char> buf(4096);
  int turn = 0;
  for (bool more_a = true, more_b = true; more_a || more_b; ++turn) {
    if (more_a) {
      auto n = ra.value()->read(buf.data(), buf.size());
      ASSERT_TRUE(n.ok()) << n.error().to_string();
      got_a.append(buf.data(), n.value());
      more_a = n.value() > 0;
    }
    if (turn % 64 == 0) {
      ListOptions layer;
      layer.layer = turn / 64 % static_cast<int>(b.s->archive().images[b.image].layers.size());
      EXPECT_TRUE(b.s->list(b.image, layer).ok());
      EXPECT_EQ(listed(*a.s, a.image, merged).size(), a.merged.size());
    }
    if (more_b) {
      auto n = rb.value()->read(buf.data(), buf.size());
      ASSERT_TRUE(n.ok()) << n.error().to_string();
      got_b.append(buf.data(), n.value());
      more_b = n.value() > 0;
    }
  }
  EXPECT_EQ(sha256_of(got_a), a.sha) << a.name << ": " << a.file;
  EXPECT_EQ(sha256_of(got_b), b.sha) << b.name << ": " << b.file;

  // Whole-file reads and path histories, alternately, still each from its own archive.
  for (int round = 0; round < 2; ++round) {
    for (Side* x : {&a, &b}) {
      std::string bytes;
      ASSERT_TRUE(read_all(*x->s, x->image, -1, x->file, &bytes).ok()) << x->name;
      EXPECT_EQ(sha256_of(bytes), x->sha) << x->name;
      auto h = x->s->path_history(x->image, x->file);
      ASSERT_TRUE(h.ok());
      EXPECT_FALSE(h.value().empty()) << x->name << ": " << x->file;
    }
  }
  // Each archive's images are its own.
  EXPECT_EQ(a.s->archive().images.size(), a.truth.at("image_count").get<size_t>());
  EXPECT_EQ(b.s->archive().images.size(), b.truth.at("image_count").get<size_t>());
  EXPECT_EQ(a.s->archive().images[a.image].config_digest, a.truth["images"][0]["config_digest"]);
  EXPECT_EQ(b.s->archive().images[b.image].config_digest, b.truth["images"][0]["config_digest"]);
}
