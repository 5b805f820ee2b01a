// Re-export (issue 10): verify rows against the fixtures' truth, save to a
// memory sink and read back (tags, config digests, diff_ids against truth.json),
// deterministic bytes, and a sink failing mid-write leaving nothing behind.
#include "test_util.h"

#include "layerscope/byte_sink.h"
#include "layerscope/dispatch.h"
#include "layerscope/export.h"

namespace lstest {
namespace {

using namespace layerscope;

class ExportFixture : public ::testing::TestWithParam<std::string> {};

std::vector<uint8_t> save_to_memory(Session& s, const SaveOptions& o) {
  std::vector<uint8_t> out;
  auto sink = make_memory_sink(&out);
  Status st = s.save(o, *sink);
  EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().to_string());
  EXPECT_TRUE(sink->finish().ok());
  return out;
}

// Every image of the truth: its config digest, tags and diff_ids in the re-read archive.
void expect_truth_images(const Archive& a, const json& truth) {
  ASSERT_EQ(a.images.size(), truth.at("images").size());
  for (const json& ti : truth.at("images")) {
    int i = find_image(a, ti.at("config_digest").get<std::string>());
    ASSERT_GE(i, 0) << ti.at("config_digest");
    const Image& img = a.images[i];
    std::set<std::string> tags(img.tags.begin(), img.tags.end());
    EXPECT_EQ(tags, truth_tags(ti));
    ASSERT_EQ(img.layers.size(), ti.at("diff_ids").size());
    for (size_t k = 0; k < img.layers.size(); ++k) {
      EXPECT_EQ(img.layers[k].diff_id, ti.at("diff_ids")[k].get<std::string>());
      const Blob& b = a.blobs[img.layers[k].blob];
      EXPECT_EQ(b.computed_diff_id, ti.at("diff_ids")[k].get<std::string>()) << "layer " << k;
    }
  }
}

TEST_P(ExportFixture, VerifyRowsAllOkAndCoverEveryTruthLayer) {
  auto s = open_session(fixture_tar(GetParam()));
  ASSERT_TRUE(s);
  auto rep = s->verify_report();
  ASSERT_TRUE(rep.ok()) << rep.error().to_string();
  EXPECT_TRUE(rep->ok());
  std::set<std::string> truth_diff_ids, row_diff_ids;
  const json truth = load_truth(GetParam());  // not a temporary: the loop keeps references into it
  for (const json& ti : truth.at("images"))
    for (auto& d : ti.at("diff_ids")) truth_diff_ids.insert(d.get<std::string>());
  for (const VerifyRow& r : rep->rows) {
    EXPECT_EQ(r.state, VerifyState::kOk) << r.kind << " " << r.where;
    if (r.kind == "layer") row_diff_ids.insert(r.actual_diff_id);
  }
  EXPECT_EQ(row_diff_ids, truth_diff_ids);
}

TEST_P(ExportFixture, SaveBothFormatsReadsBackAsTheTruthDeterministically) {
  auto s = open_session(fixture_tar(GetParam()));
  ASSERT_TRUE(s);
  const json truth = load_truth(GetParam());
  for (SaveFormat f : {SaveFormat::kDocker, SaveFormat::kOci}) {
    SaveOptions o;
    o.format = f;
    std::vector<uint8_t> a = save_to_memory(*s, o);
    std::vector<uint8_t> b = save_to_memory(*s, o);
    EXPECT_EQ(a, b) << "same input and options, different bytes";
    OpenOptions oo;
    oo.verify = true;
    auto back = Session::open(make_memory_source(std::move(a), "saved"), oo);
    ASSERT_TRUE(back.ok()) << back.error().to_string();
    const Archive& ar = back.value()->archive();
    EXPECT_EQ(ar.layout, f == SaveFormat::kDocker ? Layout::kDockerOciHybrid : Layout::kOciArchive);
    expect_truth_images(ar, truth);
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ExportFixture, ::testing::ValuesIn(fixture_names()),
                         [](const auto& info) { return param_name(info.param); });

TEST(ExportSink, FailingMidWriteLeavesNoFile) {
  auto s = open_session(fixture_tar("docker20-save-features"));
  ASSERT_TRUE(s);
  fs::path dir = fs::temp_directory_path() / ("ls-export-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (bool recompress : {false, true}) {
    {
      auto file = open_file_sink((dir / "out.tar").string());
      ASSERT_TRUE(file.ok());
      lstest::FailingSink failing(file.value().get(), 1 << 20);
      SaveOptions o;
      o.recompress = recompress;
      o.compression = Compression::kGzip;
      Status st = s->save(o, failing);
      ASSERT_FALSE(st.ok());
      EXPECT_EQ(st.error().code, Code::kIo) << st.error().to_string();
    }  // the file sink is abandoned here
    EXPECT_TRUE(fs::is_empty(dir)) << "a failed save left a file behind";
  }
  fs::remove_all(dir);
}

// An oci-archive save with every layer recompressed as `c`.
SaveOptions oci_recompressed(Compression c) {
  SaveOptions o;
  o.format = SaveFormat::kOci;
  o.recompress = true;
  o.compression = c;
  return o;
}

TEST(ExportSave, RecompressKeepsDiffIdsAndIsDeterministic) {
  auto s = open_session(fixture_tar("docker20-save-features"));
  ASSERT_TRUE(s);
  for (Compression c : {Compression::kGzip, Compression::kZstd}) {
    SaveOptions o = oci_recompressed(c);
    std::vector<uint8_t> a = save_to_memory(*s, o);
    EXPECT_EQ(a, save_to_memory(*s, o));
    OpenOptions oo;
    oo.verify = true;
    auto back = Session::open(make_memory_source(std::move(a), "saved"), oo);
    ASSERT_TRUE(back.ok()) << back.error().to_string();
    for (const Blob& b : back.value()->archive().blobs) EXPECT_EQ(b.compression, c);
    expect_truth_images(back.value()->archive(), load_truth("docker20-save-features"));
    auto rep = back.value()->verify_report();
    ASSERT_TRUE(rep.ok());
    EXPECT_TRUE(rep->ok());
  }
}

// With scratch storage a recompressed layer is compressed once and copied from
// the scratch: the output is byte for byte the two-pass one, and every scratch
// file is gone afterwards (unlinked at creation); a scratch that cannot be made
// fails the save with its own error.
TEST(ExportSave, ScratchGivesTheSameBytesAndLeavesNothing) {
  auto s = open_session(fixture_tar("docker20-save-features"));
  ASSERT_TRUE(s);
  fs::path dir = fs::temp_directory_path() / "ls-export-scratch";
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (Compression c : {Compression::kGzip, Compression::kZstd}) {
    SaveOptions o = oci_recompressed(c);
    std::vector<uint8_t> twice = save_to_memory(*s, o);
    int made = 0;
    o.scratch = [&](const std::string& name) {
      ++made;
      return open_temp_scratch(name, dir.string());
    };
    EXPECT_EQ(save_to_memory(*s, o), twice) << compression_name(c);
    EXPECT_EQ(made, static_cast<int>(load_truth("docker20-save-features")["images"][0]["layers"].size()));
  }
  EXPECT_TRUE(fs::is_empty(dir));
  SaveOptions o;
  o.recompress = true;
  o.compression = Compression::kGzip;
  o.scratch = [](const std::string& name) -> Result<std::unique_ptr<Scratch>> {
    return make_error(Code::kIo, "no space for scratch (test)", name);
  };
  std::vector<uint8_t> out;
  auto sink = make_memory_sink(&out);
  Status st = s->save(o, *sink);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "no space for scratch (test)");
  fs::remove_all(dir);
}

// The dispatcher's verifyRows: the verify document, one layer row per truth diff_id.
TEST(ExportDispatch, VerifyRowsIsTheVerifyDocument) {
  const char* name = "skopeo-oci-archive-zstd-features";
  auto src = open_file_source(fixture_tar(name));
  ASSERT_TRUE(src.ok());
  Dispatcher d;
  DispatchReply open = d.dispatch({"open", "{}", src.value(), {}});
  ASSERT_TRUE(open.ok) << open.json;
  uint64_t h = json::parse(open.json).at("value").at("archive");
  DispatchReply r = d.dispatch({"verifyRows", "{\"archive\":" + std::to_string(h) + "}", nullptr, {}});
  ASSERT_TRUE(r.ok) << r.json;
  json v = json::parse(r.json).at("value");
  EXPECT_EQ(v.at("schema_version"), kVerifySchemaVersion);
  EXPECT_TRUE(v.at("ok").get<bool>());
  std::vector<std::string> diff_ids;
  for (auto& row : v.at("rows"))
    if (row.at("kind") == "layer") diff_ids.push_back(row.at("actual_diff_id"));
  std::vector<std::string> want;
  const json truth = load_truth(name);
  for (auto& x : truth.at("images")[0].at("diff_ids")) want.push_back(x);
  EXPECT_EQ(diff_ids, want);
  DispatchReply bad = d.dispatch({"verifyRows", "{\"archive\":999}", nullptr, {}});
  EXPECT_FALSE(bad.ok);
}

}  // namespace
}  // namespace lstest
