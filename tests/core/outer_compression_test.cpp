// A whole `docker save` compressed as one stream (`docker save | gzip`, and
// zstd/xz/bzip2, all accepted by `docker load`): readable in one pass only.
// The compressed copies are made by the real tools in a temp dir.
#include <cstdlib>
#include <set>

#include "test_util.h"

using namespace layerscope;
using namespace lstest;

namespace {

struct Outer {
  const char* tool;  // command writing the compressed stream to stdout
  const char* ext;
  Compression comp;
};

class OuterCompressionTest : public ::testing::TestWithParam<Outer> {
 protected:
  void SetUp() override {
    src_tar_ = fixture_tar("docker20-save-features");
    ASSERT_TRUE(fs::exists(src_tar_)) << src_tar_;
    truth_ = load_truth("docker20-save-features");
    char tmpl[] = "/tmp/layerscope-outer-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/x.tar." + GetParam().ext;
    auto r = run(std::string(GetParam().tool) + " < " + shq(src_tar_) + " > " + shq(path_) + "; echo $?");
    ASSERT_EQ(r.out, "0\n") << GetParam().tool << " failed";
    ASSERT_GT(fs::file_size(path_), 0u);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  std::string src_tar_, dir_, path_;
  json truth_;
};

}  // namespace

TEST_P(OuterCompressionTest, SameImageFactsInOnePass) {
  std::shared_ptr<ByteSource> src;
  auto s = open_session(path_, &src);
  ASSERT_TRUE(s != nullptr);
  const Archive& a = s->archive();
  uint64_t csize = fs::file_size(path_);
  std::printf("[ bytes    ] %s: open read %llu of %llu bytes in %llu calls\n", path_.c_str(),
              static_cast<unsigned long long>(src->bytes_read()), static_cast<unsigned long long>(csize),
              static_cast<unsigned long long>(src->read_calls()));
  EXPECT_EQ(a.outer_compression, GetParam().comp) << compression_name(a.outer_compression);
  EXPECT_EQ(layout_id(a.layout), expected_layout_id(truth_.at("layout").get<std::string>()));
  std::string w;
  for (auto& x : a.warnings) w += "\n  [" + x.code + "] " + x.message + " @ " + x.where;
  EXPECT_TRUE(a.warnings.empty()) << w;
  // One pass: no byte of the compressed stream is read twice (a small sniff is tolerated).
  EXPECT_LE(src->bytes_read(), csize + 4096) << "read " << src->bytes_read() << " bytes of a " << csize
                                             << "-byte stream: more than one pass";
  ASSERT_EQ(a.images.size(), truth_.at("images").size());
  for (auto& ti : truth_.at("images")) {
    int im = find_image(a, ti.at("config_digest").get<std::string>());
    ASSERT_GE(im, 0) << ti.at("config_digest");
    const Image& img = a.images[im];
    std::set<std::string> tags(img.tags.begin(), img.tags.end());
    EXPECT_EQ(tags, truth_tags(ti));
    EXPECT_EQ(img.history.size(), ti.at("history_count").get<size_t>());
    ASSERT_EQ(img.layers.size(), ti.at("layers").size());
    for (size_t i = 0; i < img.layers.size(); ++i) {
      const json& tl = ti.at("layers")[i];
      EXPECT_EQ(img.layers[i].diff_id, tl.at("config_diff_id").get<std::string>());
      const LayerIndex* idx = s->layer_index(im, static_cast<int>(i));
      ASSERT_NE(idx, nullptr) << "layer " << i << " not indexed: " << a.blobs[img.layers[i].blob].error;
      uint32_t markers = 0;
      for (auto& e : tl.at("entries")) markers += is_marker(e);
      EXPECT_EQ(idx->counts.total, tl.at("entry_count").get<uint32_t>() - markers) << "layer " << i;
      EXPECT_EQ(idx->counts.whiteouts, tl.at("whiteout_count").get<uint32_t>()) << "layer " << i;
      EXPECT_EQ(idx->counts.opaque_dirs, tl.at("opaque_dir_count").get<uint32_t>()) << "layer " << i;
      EXPECT_EQ(a.blobs[img.layers[i].blob].uncompressed_size, tl.at("uncompressed_size").get<int64_t>());
    }
    auto r = s->list(im, ListOptions{.layer = -1, .merged = true});
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    std::set<std::string> got, want;
    for (auto& e : r.value()) got.insert(e.path);
    for (auto& p : ti.at("merged_fs").at("paths")) want.insert(p.at("path").get<std::string>());
    EXPECT_EQ(got, want);
    // Reading a file needs a second pass over the stream, and works.
    std::string data;
    Status st = read_all(*s, im, -1, "etc/app/config.ini", &data);
    ASSERT_TRUE(st.ok()) << st.error().to_string();
    for (auto& p : ti.at("merged_fs").at("paths"))
      if (p.at("path") == "etc/app/config.ini") EXPECT_EQ(sha256_of(data), p.at("sha256").get<std::string>());
  }
}

INSTANTIATE_TEST_SUITE_P(Outer, OuterCompressionTest,
                         ::testing::Values(Outer{"gzip -c", "gz", Compression::kGzip},
                                           Outer{"zstd -q -c", "zst", Compression::kZstd},
                                           Outer{"xz -0 -T1 -c", "xz", Compression::kXz},
                                           Outer{"bzip2 -c", "bz2", Compression::kBzip2}),
                         [](const ::testing::TestParamInfo<Outer>& i) { return std::string(i.param.ext); });
