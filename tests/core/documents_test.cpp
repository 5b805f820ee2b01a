// manifest/documents: the real fixtures' manifest.json, index.json, image
// manifests and configs parse, write back unchanged (semantically equal, every
// key kept in its order), and an edit changes only the edited key.
#include "image/loader.h"
#include "manifest/documents.h"
#include "test_util.h"

namespace {

using namespace layerscope;

std::unique_ptr<Loaded> load(const std::string& name) {
  auto src = open_file_source(lstest::fixture_tar(name));
  if (!src.ok()) return nullptr;
  auto l = load_archive(src.value(), OpenOptions{});
  return l.ok() ? std::move(l).value() : nullptr;
}

OrderedJson ordered(const std::string& text) {
  auto r = parse_ordered_json(text, "test", 256);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
  return r.ok() ? r.value() : OrderedJson();
}

// Same values and the same key order everywhere.
void expect_same(const std::string& written, const std::string& original, const std::string& what) {
  OrderedJson w = ordered(written), o = ordered(original);
  EXPECT_EQ(w, o) << what;  // ordered_json compares objects in key order
  EXPECT_EQ(w.dump(), o.dump()) << what;
  EXPECT_EQ(Json::parse(written), Json::parse(original)) << what;
}

class Documents : public ::testing::TestWithParam<std::string> {};

TEST_P(Documents, RoundTripUnchanged) {
  auto L = load(GetParam());
  ASSERT_TRUE(L) << GetParam();
  int checked = 0;
  if (L->by_path.count("manifest.json")) {
    auto text = L->read_member("manifest.json", 1 << 20);
    ASSERT_TRUE(text.ok());
    auto m = parse_docker_manifest(text.value(), "manifest.json");
    ASSERT_TRUE(m.ok()) << m.error().to_string();
    ASSERT_FALSE(m.value().empty());
    EXPECT_FALSE(m.value()[0].config.empty());
    EXPECT_FALSE(m.value()[0].layers.empty());
    expect_same(write_docker_manifest(m.value()).value(), text.value(), "manifest.json");
    ++checked;
  }
  if (L->by_path.count("index.json")) {
    auto text = L->read_member("index.json", 1 << 20);
    ASSERT_TRUE(text.ok());
    auto x = parse_image_index(text.value(), "index.json");
    ASSERT_TRUE(x.ok()) << x.error().to_string();
    EXPECT_FALSE(x.value().manifests.empty());
    for (auto& d : x.value().manifests) EXPECT_TRUE(is_sha256_digest(d.digest)) << d.digest;
    expect_same(write_image_index(x.value()).value(), text.value(), "index.json");
    ++checked;
  }
  for (auto& img : L->archive.images) {
    if (!img.manifest_digest.empty()) {  // an OCI image manifest blob
      auto m = parse_image_manifest(img.manifest_json, img.manifest_digest);
      ASSERT_TRUE(m.ok()) << m.error().to_string();
      EXPECT_EQ(m.value().config.digest, img.config_digest);
      EXPECT_EQ(m.value().layers.size(), img.layers.size());
      for (size_t i = 0; i < img.layers.size(); ++i) {
        EXPECT_EQ(m.value().layers[i].digest, img.layers[i].digest);
        EXPECT_EQ(m.value().layers[i].media_type, img.layers[i].media_type);
        EXPECT_EQ(m.value().layers[i].size, img.layers[i].size);
      }
      expect_same(write_image_manifest(m.value()).value(), img.manifest_json, "manifest " + img.manifest_digest);
      ++checked;
    }
    ASSERT_FALSE(img.config_json.empty());
    auto c = ImageConfig::parse(img.config_json, img.config_digest);
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    EXPECT_EQ(c.value().os(), img.platform.os);
    EXPECT_EQ(c.value().architecture(), img.platform.architecture);
    auto ids = c.value().diff_ids();
    ASSERT_EQ(ids.size(), img.layers.size());
    for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], img.layers[i].diff_id);
    auto h = c.value().history();
    ASSERT_EQ(h.size(), img.history.size());
    for (size_t i = 0; i < h.size(); ++i) {
      EXPECT_EQ(h[i].created_by, img.history[i].created_by);
      EXPECT_EQ(h[i].empty_layer, img.history[i].empty_layer);
    }
    expect_same(c.value().write().value(), img.config_json, "config " + img.config_digest);
    ++checked;
  }
  EXPECT_GE(checked, 2);
}

// Removes `path` (a JSON pointer) from both and compares the rest, key order included.
void expect_only_differs_at(const std::string& edited, const std::string& original, const std::string& pointer) {
  OrderedJson e = ordered(edited), o = ordered(original);
  OrderedJson::json_pointer p(pointer);
  EXPECT_NE(e.contains(p) ? e.at(p) : OrderedJson(), o.contains(p) ? o.at(p) : OrderedJson()) << pointer;
  for (OrderedJson* j : {&e, &o}) {
    if (!j->contains(p)) continue;
    OrderedJson& parent = (*j)[p.parent_pointer()];
    if (parent.is_array()) parent.erase(std::stoul(p.back()));
    else parent.erase(p.back());
  }
  EXPECT_EQ(e.dump(), o.dump()) << pointer;
}

TEST_P(Documents, ConfigEditsChangeOnlyTheirKey) {
  auto L = load(GetParam());
  ASSERT_TRUE(L);
  for (auto& img : L->archive.images) {
    const std::string& orig = img.config_json;
    {
      auto c = ImageConfig::parse(orig, "config");
      ASSERT_TRUE(c.ok());
      auto env = c.value().env();
      env.push_back("ADDED=1");
      c.value().set_env(env);
      std::string w = c.value().write().value();
      expect_only_differs_at(w, orig, "/config/Env");
      auto again = ImageConfig::parse(w, "config");
      ASSERT_TRUE(again.ok());
      EXPECT_EQ(again.value().env(), env);
    }
    {
      auto c = ImageConfig::parse(orig, "config");
      ASSERT_TRUE(c.ok());
      auto ids = c.value().diff_ids();
      ASSERT_FALSE(ids.empty());
      ids.back() = "sha256:" + std::string(64, 'a');
      c.value().set_diff_ids(ids);
      expect_only_differs_at(c.value().write().value(), orig, "/rootfs/diff_ids");
    }
    {
      auto c = ImageConfig::parse(orig, "config");
      ASSERT_TRUE(c.ok());
      size_t n = c.value().history().size();
      HistoryEntry h;
      h.created = "2024-01-01T00:00:00Z";
      h.created_by = "layerscope export";
      h.empty_layer = true;
      c.value().append_history(h);
      std::string w = c.value().write().value();
      expect_only_differs_at(w, orig, "/history/" + std::to_string(n));
      EXPECT_NE(w.find(R"({"created":"2024-01-01T00:00:00Z","created_by":"layerscope export","empty_layer":true})"),
                std::string::npos);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Documents, ::testing::ValuesIn(lstest::fixture_names()),
                         [](const auto& info) { return lstest::param_name(info.param); });

TEST(Documents, UnknownKeysAndOrderSurviveEveryWriter) {
  const std::string idx =
      R"({"schemaVersion":2,"zeta":1,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
      R"("digest":"sha256:)" + std::string(64, 'b') +
      R"(","size":7,"x-custom":[1,2],"annotations":{"b":"2","a":"1"},"platform":{"os":"linux","architecture":"arm64","os.features":["f"]}}],"alpha":{"k":true}})";
  auto x = parse_image_index(idx, "index.json");
  ASSERT_TRUE(x.ok()) << x.error().to_string();
  ASSERT_EQ(x.value().manifests.size(), 1u);
  auto& d = x.value().manifests[0];
  EXPECT_EQ(d.size, 7);
  ASSERT_TRUE(d.platform);
  EXPECT_EQ(d.platform->architecture, "arm64");
  ASSERT_EQ(d.annotations.size(), 2u);
  EXPECT_EQ(d.annotations[0].first, "b");
  EXPECT_EQ(write_image_index(x.value()).value(), idx);
}

TEST(Documents, NewDocumentsAreWhatToolsWrite) {
  DockerManifestEntry e;
  e.config = "blobs/sha256/" + std::string(64, 'c');
  e.repo_tags = {"x:1"};
  e.layers = {"blobs/sha256/" + std::string(64, 'd')};
  EXPECT_EQ(write_docker_manifest({e}).value(),
            R"([{"Config":"blobs/sha256/)" + std::string(64, 'c') + R"(","RepoTags":["x:1"],"Layers":["blobs/sha256/)" +
                std::string(64, 'd') + R"("]}])");
  ImageManifest m;
  m.media_type = "application/vnd.oci.image.manifest.v1+json";
  m.config = Descriptor{"application/vnd.oci.image.config.v1+json", "sha256:" + std::string(64, 'c'), 10, {}, {}, {}};
  m.layers.push_back(Descriptor{"application/vnd.oci.image.layer.v1.tar", "sha256:" + std::string(64, 'd'), 20, {}, {}, {}});
  EXPECT_EQ(write_image_manifest(m).value(),
            R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:)" +
                std::string(64, 'c') +
                R"(","size":10},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:)" +
                std::string(64, 'd') + R"(","size":20}]})");
  auto c = ImageConfig::make("linux", "amd64");
  c.set_diff_ids({"sha256:" + std::string(64, 'e')});
  EXPECT_EQ(c.write().value(), R"({"architecture":"amd64","config":{},"os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:)" +
                           std::string(64, 'e') + R"("]},"history":[]})");
}

TEST(Documents, MalformedDocumentsAreErrorsNotExceptions) {
  auto a = parse_docker_manifest("{}", "manifest.json");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, Code::kCorrupt);
  auto b = parse_image_index(R"({"manifests":[{"size":1}]})", "index.json");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().where, "index.json.manifests[0]");
  auto c = parse_image_manifest(R"({"config":{"digest":"sha256:x","size":-1}})", "m");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("byte count"), std::string::npos);
  auto d = ImageConfig::parse("[1,2", "cfg");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().code, Code::kCorrupt);
  EXPECT_NE(d.error().where.find("cfg byte"), std::string::npos);
  auto e = ImageConfig::parse(std::string(300, '[') + std::string(300, ']'), "deep");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, Code::kLimit);
}

}  // namespace

// set_history edits the entries in place: unknown keys inside an entry and
// entries that are not objects survive; an unchanged entry is written as it was.
TEST(Documents, SetHistoryKeepsUnknownKeysAndOtherEntries) {
  const std::string orig =
      R"({"os":"linux","history":[{"created":"2024-01-01T00:00:00Z","created_by":"RUN a","x-extra":{"k":1}},)"
      R"("not an entry",{"created_by":"RUN b","empty_layer":true,"zz":2},{"created_by":"RUN c"}]})";
  auto c = ImageConfig::parse(orig, "config");
  ASSERT_TRUE(c.ok());
  auto h = c.value().history();
  ASSERT_EQ(h.size(), 3u);
  // Unchanged: byte for byte the same.
  c.value().set_history(h);
  EXPECT_EQ(c.value().write().value(), orig);
  // Edit the first, drop the last, append one.
  h[0].comment = "edited";
  h[1].empty_layer = false;
  h.pop_back();
  HistoryEntry n;
  n.created_by = "RUN d";
  h.push_back(n);
  c.value().set_history(h);
  EXPECT_EQ(c.value().write().value(),
            R"({"os":"linux","history":[{"created":"2024-01-01T00:00:00Z","created_by":"RUN a","x-extra":{"k":1},"comment":"edited"},)"
            R"("not an entry",{"created_by":"RUN b","zz":2},{"created_by":"RUN d"}]})");
  EXPECT_EQ(c.value().history().size(), 3u);
}

// A string that is not UTF-8 makes a writer fail; it is never turned into U+FFFD.
TEST(Documents, WritersRefuseInvalidUtf8) {
  auto c = ImageConfig::make("linux", "amd64");
  HistoryEntry h;
  h.created_by = "RUN echo \xff\xfe";
  c.append_history(h);
  auto w = c.write();
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, Code::kInvalidArgument);
  EXPECT_EQ(w.error().where, "image config");
  DockerManifestEntry e;
  e.config = "c.json";
  e.repo_tags = {"bad\xc3:1"};
  auto m = write_docker_manifest({e});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().where, "manifest.json");
  ImageManifest im;
  im.annotations.push_back({"k\x80", "v"});
  EXPECT_FALSE(write_image_manifest(im).ok());
  ImageIndex ix;
  ix.media_type = "\xed\xa0\x80";  // a surrogate
  EXPECT_FALSE(write_image_index(ix).ok());
  // A U+FFFD of the document's own is text like any other.
  auto ok = ImageConfig::make("linux", "amd64");
  h.created_by = "RUN echo \xef\xbf\xbd";
  ok.append_history(h);
  ASSERT_TRUE(ok.write().ok());
  EXPECT_NE(ok.write().value().find("\xef\xbf\xbd"), std::string::npos);
}
