// strip and import (issue 10) on archives built here (tests/core/archive_builder.h):
// the removed entries' bytes are gone, hard links to a removed file stay valid,
// digests and history line up; import keeps the rootfs byte for byte and applies
// the Dockerfile instructions as docker does.
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "archive_builder.h"
#include "export/dockerfile_changes.h"
#include "layerscope/byte_sink.h"
#include "layerscope/export.h"
#include "test_util.h"

namespace lstest {
namespace {

using namespace layerscope;

const std::string kSecret = "TOPSECRET-4f1c9a";
const std::string kSecond = "SECOND-COPY-77ab0e";

std::vector<uint8_t> secret_archive() {
  TImage img{{"test/strip:1"},
             {TLayer{{D("etc"), F("etc/secret", kSecret), H("etc/a-link", "etc/secret"), H("etc/b-link", "etc/secret"),
                      F("etc/keep", "k"), D("dir"), F("dir/x", "x")}},
              TLayer{{F("app", "a"), F("etc/secret", kSecond)}, Filter::kGzip},
              TLayer{{F("untouched", "u")}}}};
  return build_docker_legacy({img});
}

std::unique_ptr<Session> reopen(std::vector<uint8_t> bytes) {
  OpenOptions oo;
  oo.verify = true;
  auto s = Session::open(make_memory_source(std::move(bytes), "out"), oo);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().to_string());
  return s.ok() ? std::move(s).value() : nullptr;
}

bool contains(const std::vector<uint8_t>& hay, const std::string& needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}

TEST(ExportStrip, RemovesTheBytesAndKeepsHardLinksValid) {
  auto s = Session::open(make_memory_source(secret_archive(), "in"));
  ASSERT_TRUE(s.ok());
  StripOptions o;
  o.paths = {"/etc/secret/", "dir"};
  std::vector<uint8_t> out;
  auto sink = make_memory_sink(&out);
  auto w = s.value()->strip(o, *sink);
  ASSERT_TRUE(w.ok()) << w.error().to_string();
  EXPECT_EQ(w->rewritten, (std::vector<int>{0, 1}));
  EXPECT_FALSE(contains(out, kSecond)) << "layer 1's copy must be gone (no whiteout on top)";
  auto back = reopen(out);
  ASSERT_TRUE(back);
  ASSERT_TRUE(back->verify_report().ok());
  EXPECT_TRUE(back->verify_report()->ok());
  const Image& img = back->archive().images.at(0);
  EXPECT_EQ(img.tags, std::vector<std::string>{"test/strip:1"});
  EXPECT_EQ(w->image_id, img.config_digest);
  ListOptions lo;
  lo.layer = 0;
  auto l0 = back->list(0, lo);
  ASSERT_TRUE(l0.ok());
  std::map<std::string, ListedEntry> by;
  for (const ListedEntry& e : l0.value()) by[e.path] = e;
  EXPECT_EQ(by.count("etc/secret") + by.count("dir") + by.count("dir/x"), 0u);
  ASSERT_EQ(by.count("etc/a-link"), 1u);
  EXPECT_EQ(by["etc/a-link"].type, EntryType::kFile) << "the first surviving link holds the content";
  EXPECT_EQ(by["etc/b-link"].type, EntryType::kHardlink);
  EXPECT_EQ(by["etc/b-link"].link, "etc/a-link");
  std::string a, b;
  ASSERT_TRUE(read_all(*back, 0, 0, "etc/a-link", &a).ok());
  ASSERT_TRUE(read_all(*back, 0, 0, "etc/b-link", &b).ok());
  EXPECT_EQ(a, kSecret);
  EXPECT_EQ(b, kSecret);
  // History: one empty-layer step after each rewritten layer's step; non-empty steps = layers.
  json cfg = json::parse(img.config_json);
  int non_empty = 0, notes = 0;
  for (auto& h : cfg.at("history")) {
    bool empty = h.value("empty_layer", false);
    non_empty += !empty;
    if (h.value("created_by", "").rfind("layerscope strip /etc/secret /dir", 0) == 0) notes += empty;
  }
  EXPECT_EQ(non_empty, 3);
  EXPECT_EQ(notes, 2);
  EXPECT_EQ(back->archive().blobs[img.layers[1].blob].compression, Compression::kGzip) << "kept as its source";
}

// With --compress, the layers strip rewrites are compressed only as rewritten:
// only the untouched layer goes through the scratch (it was compressed and
// kept there too, then thrown away), and the output is the one without scratch.
TEST(ExportStrip, OnlyTheLayersKeptAsTheyAreAreRecompressedIntoScratch) {
  auto s = Session::open(make_memory_source(secret_archive(), "in"));
  ASSERT_TRUE(s.ok());
  StripOptions o;
  o.paths = {"/etc/secret/", "dir"};  // layers 0 and 1
  o.recompress = true;
  o.compression = Compression::kZstd;
  std::vector<uint8_t> twice;
  auto sink = make_memory_sink(&twice);
  auto w = s.value()->strip(o, *sink);
  ASSERT_TRUE(w.ok()) << w.error().to_string();
  EXPECT_EQ(w->rewritten, (std::vector<int>{0, 1}));
  std::vector<std::string> kept;
  o.scratch = [&](const std::string& name) {
    kept.push_back(name);
    return open_temp_scratch(name);
  };
  std::vector<uint8_t> once;
  auto sink2 = make_memory_sink(&once);
  w = s.value()->strip(o, *sink2);
  ASSERT_TRUE(w.ok()) << w.error().to_string();
  EXPECT_EQ(once, twice);
  const Image& img = s.value()->archive().images.at(0);
  EXPECT_EQ(kept, std::vector<std::string>{s.value()->archive().blobs[img.layers[2].blob].member});
  auto back = reopen(once);
  ASSERT_TRUE(back);
  for (const Layer& l : back->archive().images.at(0).layers)
    EXPECT_EQ(back->archive().blobs[l.blob].compression, Compression::kZstd);
}

TEST(ExportStrip, APathNoLayerHoldsFailsBeforeWriting) {
  auto s = Session::open(make_memory_source(secret_archive(), "in"));
  ASSERT_TRUE(s.ok());
  StripOptions o;
  o.paths = {"etc/secret", "/no/such"};
  std::vector<uint8_t> out;
  auto sink = make_memory_sink(&out);
  auto w = s.value()->strip(o, *sink);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, Code::kNotFound);
  EXPECT_EQ(w.error().where, "/no/such");
  EXPECT_TRUE(out.empty());
  o.paths = {"/"};
  EXPECT_EQ(s.value()->strip(o, *sink).error().code, Code::kInvalidArgument);
}

std::string rootfs_tar(Filter f) {
  TEntry old = F("bin/tool", "#!/bin/sh\n", 0755);
  old.mtime = 1600000000;
  return make_tar({D("bin"), old, L("bin/alias", "tool"), F("etc/os-release", "ID=t\n"),
                   H("etc/copy", "etc/os-release")}, f);
}

TEST(ExportImport, EachCompressionGivesTheSameImageAndLayerBytes) {
  const std::string plain = rootfs_tar(Filter::kNone);
  std::vector<uint8_t> first;
  for (Filter f : {Filter::kNone, Filter::kGzip, Filter::kZstd, Filter::kXz, Filter::kBzip2}) {
    ImportOptions o;
    o.source_name = "rootfs.tar";
    o.tag = "test/imp";
    o.changes = {"ENV A=1 B=\"two words\"", "cmd [\"/bin/tool\"]", "EXPOSE 8000-8001/udp"};
    std::vector<uint8_t> out;
    auto sink = make_memory_sink(&out);
    auto w = import_image(make_memory_source(to_bytes(rootfs_tar(f)), "rootfs"), o, *sink);
    ASSERT_TRUE(w.ok()) << w.error().to_string();
    if (first.empty()) first = out;
    EXPECT_EQ(out, first) << "the image does not depend on how the rootfs was compressed";
  }
  auto back = reopen(first);
  ASSERT_TRUE(back);
  const Image& img = back->archive().images.at(0);
  EXPECT_EQ(img.tags, std::vector<std::string>{"test/imp:latest"});
  ASSERT_EQ(img.layers.size(), 1u);
  EXPECT_EQ(img.layers[0].diff_id, sha256_of(plain)) << "the layer is the rootfs tar byte for byte";
  json cfg = json::parse(img.config_json);
  EXPECT_EQ(cfg.at("created"), "2023-11-14T22:13:20Z");  // the newest mtime (1700000000)
  EXPECT_EQ(cfg.at("config").at("Env"), json({"A=1", "B=two words"}));
  EXPECT_EQ(cfg.at("config").at("Cmd"), json({"/bin/tool"}));
  EXPECT_EQ(cfg.at("config").at("ExposedPorts"), json({{"8000/udp", json::object()}, {"8001/udp", json::object()}}));
  EXPECT_EQ(cfg.at("history"), json::parse(R"([{"created":"2023-11-14T22:13:20Z","comment":"Imported from rootfs.tar"}])"));
}

TEST(ExportImport, ACorruptRootfsFailsWithItsName) {
  std::string gz = rootfs_tar(Filter::kGzip);
  gz.resize(gz.size() / 2);
  ImportOptions o;
  o.source_name = "cut.tar.gz";
  std::vector<uint8_t> out;
  auto sink = make_memory_sink(&out);
  auto w = import_image(make_memory_source(to_bytes(gz), "cut"), o, *sink);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.error().where.find("cut.tar.gz"), std::string::npos) << w.error().to_string();
  EXPECT_TRUE(out.empty());
}

OrderedJson applied(const std::vector<std::string>& changes) {
  OrderedJson c = OrderedJson::object();
  for (const std::string& x : changes) EXPECT_TRUE(apply_dockerfile_change(x, &c).ok()) << x;
  return c;
}

TEST(DockerfileChanges, FormsAsDockerParsesThem) {
  EXPECT_EQ(applied({"ENV K=1", "ENV K=2 L='a b' M=c\\ d"}).at("Env"), OrderedJson({"K=2", "L=a b", "M=c d"}));
  EXPECT_EQ(applied({"ENV PATH /usr/bin:/bin  extra"}).at("Env"), OrderedJson({"PATH=/usr/bin:/bin  extra"}));
  EXPECT_EQ(applied({"ENTRYPOINT echo \"hi there\""}).at("Entrypoint"),
            OrderedJson({"/bin/sh", "-c", "echo \"hi there\""}));
  EXPECT_EQ(applied({"CMD [\"a\", \"b c\"]"}).at("Cmd"), OrderedJson({"a", "b c"}));
  EXPECT_EQ(applied({"CMD [not json"}).at("Cmd"), OrderedJson({"/bin/sh", "-c", "[not json"}));
  EXPECT_EQ(applied({"WORKDIR /a", "WORKDIR b/../c"}).at("WorkingDir"), "/a/c");
  EXPECT_EQ(applied({"VOLUME /x /y"}).at("Volumes"), OrderedJson({{"/x", OrderedJson::object()}, {"/y", OrderedJson::object()}}));
  EXPECT_EQ(applied({"LABEL a=b", "LABEL c d e"}).at("Labels"), OrderedJson({{"a", "b"}, {"c", "d e"}}));
  EXPECT_EQ(applied({"onbuild RUN make"}).at("OnBuild"), OrderedJson({"RUN make"}));
  EXPECT_EQ(applied({"STOPSIGNAL 9"}).at("StopSignal"), "9");
  OrderedJson c = OrderedJson::object();
  for (const char* bad : {"RUN x", "HEALTHCHECK NONE", "ENV", "ENV =x", "EXPOSE 0", "EXPOSE 80/icmp", "EXPOSE 9-8",
                          "USER a b", "ONBUILD FROM x", "LABEL \"unterminated", "VOLUME \"\""}) {
    Status st = apply_dockerfile_change(bad, &c);
    EXPECT_FALSE(st.ok()) << bad;
    if (!st.ok()) EXPECT_EQ(st.error().code, Code::kInvalidArgument) << bad;
  }
}

// -o /dev/full: a device is written in place (the write fails), never replaced by a rename.
TEST(FileSinkDevice, DevFullFailsAndStaysADevice) {
  struct stat st {};
  if (::stat("/dev/full", &st) != 0 || !S_ISCHR(st.st_mode)) GTEST_SKIP() << "no /dev/full device";
  {
    auto sink = open_file_sink("/dev/full");
    ASSERT_TRUE(sink.ok()) << sink.error().to_string();
    Status w = sink.value()->write("x", 1);
    Status f = w.ok() ? sink.value()->finish() : w;
    EXPECT_FALSE(f.ok());
  }
  ASSERT_EQ(::stat("/dev/full", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "/dev/full was replaced";
}

}  // namespace
}  // namespace lstest
