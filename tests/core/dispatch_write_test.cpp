// The dispatcher's "write" request (layerscope/dispatch.h): what the page's
// export dialog asks the worker for. Each output is read back with tools
// independent of the writer (GNU tar, Python tarfile) or checked against the
// fixture's truth.json; a failing sink and a cancel leave the sink unfinished.
#include "layerscope/dispatch.h"

#include "test_util.h"

using namespace layerscope;
using namespace lstest;

namespace {

const char* kDocker = "docker20-save-features";

// Scratch storage in memory whose bytes the test keeps (the helper's file in the page).
class MemoryScratch final : public Scratch {
 public:
  explicit MemoryScratch(std::vector<uint8_t>* into) : into_(into), sink_(make_memory_sink(into, "scratch")) {}
  ByteSink& sink() override { return *sink_; }
  Result<std::shared_ptr<ByteSource>> source() override { return make_memory_source(*into_, "scratch"); }

 private:
  std::vector<uint8_t>* into_;
  std::unique_ptr<ByteSink> sink_;
};

class DispatchWrite : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(fixture_tar(kDocker)));
    truth_ = load_truth(kDocker);
    auto src = open_file_source(fixture_tar(kDocker));
    ASSERT_TRUE(src.ok());
    DispatchReply r = d_.dispatch({"open", "{}", src.value(), {}});
    ASSERT_TRUE(r.ok) << r.json;
    archive_ = json::parse(r.json)["value"]["archive"].get<uint64_t>();
  }
  // Runs write with `args` (archive added) into `out`; the envelope back.
  json write(json args, std::vector<uint8_t>* out, ProgressFn progress = {}) {
    args["archive"] = archive_;
    DispatchRequest req{"write", "", nullptr, std::move(progress)};
    std::string text = args.dump();
    req.args = text;
    req.sink = std::shared_ptr<ByteSink>(make_memory_sink(out, "out.tar"));
    return json::parse(d_.dispatch(req).json);
  }
  // The output written to a temporary file, for the tools.
  std::string to_file(const std::vector<uint8_t>& bytes, const std::string& name) {
    std::string path = (fs::temp_directory_path() / ("ls-dispatch-write-" + name)).string();
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return path;
  }

  Dispatcher d_;
  json truth_;
  uint64_t archive_ = 0;
};

TEST_F(DispatchWrite, FileIsTheBytesTheLayerStores) {
  // The merged view shows layer 4's copy of config.ini; layer 0 holds the first one.
  const json& layers = truth_["images"][0]["layers"];
  for (int layer : {-1, 0}) {
    std::vector<uint8_t> out;
    json env = write({{"what", "file"}, {"layer", layer}, {"path", "/etc/app/config.ini"}}, &out);
    ASSERT_TRUE(env["ok"].get<bool>()) << env.dump();
    bool ok = false;
    std::string want = extract_with_tools(fixture_tar(kDocker), layers[layer < 0 ? 4 : 0], "etc/app/config.ini", &ok);
    ASSERT_TRUE(ok);
    EXPECT_EQ(std::string(out.begin(), out.end()), want) << "layer " << layer;
    EXPECT_EQ(env["value"]["bytes"].get<uint64_t>(), want.size());
  }
}

TEST_F(DispatchWrite, SaveOciKeepsTagsAndDiffIds) {
  std::vector<uint8_t> out;
  json env = write({{"what", "save"}, {"format", "oci"}}, &out);
  ASSERT_TRUE(env["ok"].get<bool>()) << env.dump();
  EXPECT_EQ(env["value"]["bytes"].get<uint64_t>(), out.size());
  std::string path = to_file(out, "save.tar");
  // GNU tar reads the index; the config's diff_ids are the truth's.
  CmdResult idx = run("tar -xOf " + shq(path) + " index.json");
  ASSERT_EQ(idx.status, 0) << idx.out;
  json index = json::parse(idx.out);
  EXPECT_EQ(index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"], truth_["images"][0]["repo_tags"][0]);
  std::string manifest_member = "blobs/sha256/" + index["manifests"][0]["digest"].get<std::string>().substr(7);
  json manifest = json::parse(run("tar -xOf " + shq(path) + " " + shq(manifest_member)).out);
  std::string config_member = "blobs/sha256/" + manifest["config"]["digest"].get<std::string>().substr(7);
  json config = json::parse(run("tar -xOf " + shq(path) + " " + shq(config_member)).out);
  EXPECT_EQ(config["rootfs"]["diff_ids"], truth_["images"][0]["diff_ids"]);
  fs::remove(path);
}

TEST_F(DispatchWrite, StripLeavesThePathInNoLayer) {
  std::vector<uint8_t> out;
  json env = write({{"what", "strip"}, {"paths", {"/etc/app/config.ini"}}}, &out);
  ASSERT_TRUE(env["ok"].get<bool>()) << env.dump();
  EXPECT_EQ(env["value"]["rewritten"], json({0, 4}));
  EXPECT_EQ(env["value"]["image_id"].get<std::string>().substr(0, 7), "sha256:");
  std::string path = to_file(out, "strip.tar");
  // Every layer of the docker-archive, read by Python's tarfile: no config.ini.
  std::string py =
      "import sys,tarfile,json,io\n"
      "t=tarfile.open(sys.argv[1])\n"
      "m=json.load(t.extractfile('manifest.json'))\n"
      "n=0\n"
      "for l in m[0]['Layers']:\n"
      "  with tarfile.open(fileobj=t.extractfile(l)) as lt:\n"
      "    n+=sum(1 for e in lt if e.name.strip('./')=='etc/app/config.ini')\n"
      "print(len(m[0]['Layers']), n)\n";
  CmdResult r = run("python3 -c " + shq(py) + " " + shq(path));
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out, std::to_string(truth_["images"][0]["layers"].size()) + " 0\n");
  fs::remove(path);
}

TEST_F(DispatchWrite, ExportOfADirectoryIsAPlainTar) {
  std::vector<uint8_t> out;
  json env = write({{"what", "export"}, {"path", "/etc/app"}}, &out);
  ASSERT_TRUE(env["ok"].get<bool>()) << env.dump();
  std::string path = to_file(out, "export.tar");
  CmdResult r = run("tar -xOf " + shq(path) + " etc/app/config.ini | sha256sum");
  ASSERT_EQ(r.status, 0);
  std::string want;
  for (const json& e : truth_["images"][0]["layers"][4]["entries"])
    if (e["path"] == "etc/app/config.ini") want = e["sha256"].get<std::string>().substr(7);
  EXPECT_EQ(r.out.substr(0, 64), want);
  fs::remove(path);
}

TEST_F(DispatchWrite, AFailingSinkIsNeverFinished) {
  auto failing = std::make_shared<FailingSink>(nullptr, 4096);
  json args = {{"archive", archive_}, {"what", "save"}};
  std::string text = args.dump();
  DispatchRequest req{"write", text, nullptr, {}};
  req.sink = failing;
  json env = json::parse(d_.dispatch(req).json);
  EXPECT_FALSE(env["ok"].get<bool>());
  EXPECT_EQ(env["code"], "io");
  EXPECT_EQ(env["message"], "no space left (test)");
  EXPECT_FALSE(failing->finished());
}

TEST_F(DispatchWrite, CancelLeavesTheSinkUnfinished) {
  auto failing = std::make_shared<FailingSink>(nullptr, ~0ull);
  json args = {{"archive", archive_}, {"what", "export"}};
  std::string text = args.dump();
  int calls = 0;
  DispatchRequest req{"write", text, nullptr, [&](const Progress&) { return ++calls < 2; }};
  req.sink = failing;
  json env = json::parse(d_.dispatch(req).json);
  EXPECT_EQ(env["code"], "cancelled") << env.dump();
  EXPECT_EQ(calls, 2);
  EXPECT_FALSE(failing->finished());
}

TEST_F(DispatchWrite, BadArguments) {
  std::vector<uint8_t> out;
  auto where = [&](json args) { return write(std::move(args), &out); };
  EXPECT_EQ(where({{"what", "burn"}})["where"], "write.what");
  EXPECT_EQ(where({{"what", "save"}, {"format", "zip"}})["where"], "write.format");
  EXPECT_EQ(where({{"what", "save"}, {"compress", "lz4"}})["where"], "write.compress");
  EXPECT_EQ(where({{"what", "save"}, {"images", {-1}}})["where"], "write.images");
  EXPECT_EQ(where({{"what", "strip"}})["where"], "write.paths");
  EXPECT_EQ(where({{"what", "strip"}, {"paths", {"/no/such/path"}}})["code"], "not-found");
  EXPECT_EQ(where({{"what", "file"}, {"path", "/etc/app"}})["code"], "invalid-argument");
  EXPECT_TRUE(out.empty());
  DispatchReply r = d_.dispatch({"write", json({{"archive", archive_}, {"what", "save"}}).dump(), nullptr, {}});
  EXPECT_EQ(json::parse(r.json)["where"], "write.sink");
}

// The page's parallel export (wasm/parallel.ts exportInParallel): writePlan
// names the layers a write compresses anew; other dispatchers (each its own
// open of the same archive, as helper workers are) compress them with
// "recompress" into their scratch; the write takes those bytes (args
// "recompressed" + kept) and writes byte for byte what it writes alone,
// without compressing any layer itself.
TEST_F(DispatchWrite, LayersCompressedElsewhereGiveTheSameBytes) {
  for (std::string compress : {"gzip", "zstd"}) {
    for (json what : {json{{"what", "save"}, {"format", "oci"}},
                      json{{"what", "strip"}, {"paths", {"/etc/app/config.ini"}}, {"format", "docker"}}}) {
      what["compress"] = compress;
      SCOPED_TRACE(what.dump());
      std::vector<uint8_t> alone;
      json env = write(what, &alone);
      ASSERT_TRUE(env["ok"].get<bool>()) << env.dump();
      json plan_args = what;
      plan_args["archive"] = archive_;
      json plan = json::parse(d_.dispatch({"writePlan", plan_args.dump(), nullptr, {}}).json);
      ASSERT_TRUE(plan["ok"].get<bool>()) << plan.dump();
      const json& layers = plan["value"]["layers"];
      // save: every layer of the fixture (all stored plain), largest first; strip:
      // all but the layers holding the path (0 and 4), which it rewrites.
      const size_t n = truth_["images"][0]["layers"].size();
      size_t want = what["what"] == "save" ? n : n - 2;
      ASSERT_EQ(layers.size(), want) << plan.dump();
      for (size_t k = 1; k < layers.size(); ++k)
        EXPECT_GE(layers[k - 1]["size"].get<uint64_t>(), layers[k]["size"].get<uint64_t>());
      // Each layer blob's stored digest, as verify computes it.
      std::map<std::string, json> stored;
      json rows = json::parse(d_.dispatch({"verifyRows", json{{"archive", archive_}}.dump(), nullptr, {}}).json);
      for (const json& row : rows["value"]["rows"])
        if (row["kind"] == "layer") stored[row["member"].get<std::string>()] = row["actual"];
      // Two "helpers", the layers dealt between them.
      std::vector<uint8_t> kept;
      json recompressed = json::array();
      Dispatcher helpers[2];
      uint64_t handles[2];
      for (int h = 0; h < 2; ++h) {
        auto src = open_file_source(fixture_tar(kDocker));
        ASSERT_TRUE(src.ok());
        DispatchReply r = helpers[h].dispatch({"open", "{\"layers\":\"headers\"}", src.value(), {}});
        ASSERT_TRUE(r.ok) << r.json;
        handles[h] = json::parse(r.json)["value"]["archive"].get<uint64_t>();
      }
      for (size_t k = 0; k < layers.size(); ++k) {
        std::vector<uint8_t> bytes;
        DispatchRequest req{"recompress", "", nullptr, {}};
        std::string text =
            json{{"archive", handles[k % 2]}, {"member", layers[k]["member"]}, {"compress", compress}}.dump();
        req.args = text;
        req.scratch = [&](const std::string& name) -> Result<std::unique_ptr<Scratch>> {
          EXPECT_EQ(name, layers[k]["member"].get<std::string>());
          return std::unique_ptr<Scratch>(std::make_unique<MemoryScratch>(&bytes));
        };
        json r = json::parse(helpers[k % 2].dispatch(req).json);
        ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
        EXPECT_EQ(r["value"]["member"], layers[k]["member"]);
        EXPECT_EQ(r["value"]["size"].get<uint64_t>(), bytes.size());
        // The fixture's layers are stored plain: the decoded layer's digest (one of the
        // truth's diff_ids) is the stored blob's, which the page hands to verify.
        EXPECT_TRUE(layers[k]["plain"].get<bool>());
        EXPECT_GE(layers[k]["blob"].get<int>(), 0);
        EXPECT_EQ(r["value"]["diff_id"], stored[layers[k]["member"].get<std::string>()]) << r.dump();
        recompressed.push_back({{"member", layers[k]["member"]}, {"digest", r["value"]["digest"]},
                                {"size", r["value"]["size"]}, {"at", kept.size()}});
        kept.insert(kept.end(), bytes.begin(), bytes.end());
      }
      json args = what;
      args["recompressed"] = recompressed;
      args["archive"] = archive_;
      std::string text = args.dump();
      std::vector<uint8_t> out;
      DispatchRequest req{"write", text, nullptr, {}};
      req.sink = std::shared_ptr<ByteSink>(make_memory_sink(&out, "out.tar"));
      req.kept = make_memory_source(kept, "kept");
      int compressed_here = 0;  // layers the write still compresses itself (into its scratch)
      req.scratch = [&](const std::string& name) {
        ++compressed_here;
        return open_temp_scratch(name);
      };
      env = json::parse(d_.dispatch(req).json);
      ASSERT_TRUE(env["ok"].get<bool>()) << env.dump();
      EXPECT_EQ(compressed_here, 0);
      EXPECT_TRUE(out == alone) << "the output differs from the write's own";
      // One layer left out: the write compresses that one itself, same bytes.
      args["recompressed"].erase(0);
      text = args.dump();
      req.args = text;
      out.clear();
      req.sink = std::shared_ptr<ByteSink>(make_memory_sink(&out, "out.tar"));
      env = json::parse(d_.dispatch(req).json);
      ASSERT_TRUE(env["ok"].get<bool>()) << env.dump();
      EXPECT_EQ(compressed_here, 1);
      EXPECT_TRUE(out == alone);
    }
  }
}

// An archive compressed as a whole has no layer to compress on its own (its
// writes are refused: nothing to read by offset): writePlan names none, so the
// page starts no helper that would decompress it all in vain.
TEST_F(DispatchWrite, NoLayerToCompressElsewhereInAnArchiveCompressedAsAWhole) {
  std::string gz = (fs::temp_directory_path() / "ls-dispatch-write-whole.tar.gz").string();
  ASSERT_EQ(std::system(("gzip -c " + shq(fixture_tar(kDocker)) + " > " + shq(gz)).c_str()), 0);
  auto src = open_file_source(gz);
  ASSERT_TRUE(src.ok());
  Dispatcher d;
  DispatchReply r = d.dispatch({"open", "{}", src.value(), {}});
  ASSERT_TRUE(r.ok) << r.json;
  uint64_t h = json::parse(r.json)["value"]["archive"].get<uint64_t>();
  json plan = json::parse(d.dispatch({"writePlan", json{{"archive", h}, {"what", "save"}, {"compress", "zstd"}}.dump(), nullptr, {}}).json);
  ASSERT_TRUE(plan["ok"].get<bool>()) << plan.dump();
  EXPECT_EQ(plan["value"]["layers"], json::array());
  // (the plain archive has layers to compress: the check is for the outer compression)
  json plain = json::parse(d_.dispatch({"writePlan", json{{"archive", archive_}, {"what", "save"}, {"compress", "zstd"}}.dump(), nullptr, {}}).json);
  EXPECT_FALSE(plain["value"]["layers"].empty());
  fs::remove(gz);
}

// What the writer is handed is checked before anything is written: bytes
// that lie past the kept bytes, a digest that is none, no kept bytes at all.
TEST_F(DispatchWrite, RecompressedLayersOutsideTheKeptBytesAreRefused) {
  std::vector<uint8_t> kept(100, 0);
  auto refuse = [&](json layer, bool with_kept = true) {
    json args = {{"archive", archive_}, {"what", "save"}, {"compress", "gzip"}, {"recompressed", {layer}}};
    std::string text = args.dump();
    std::vector<uint8_t> out;
    DispatchRequest req{"write", text, nullptr, {}};
    req.sink = std::shared_ptr<ByteSink>(make_memory_sink(&out, "out.tar"));
    if (with_kept) req.kept = make_memory_source(kept, "kept");
    json env = json::parse(d_.dispatch(req).json);
    EXPECT_TRUE(out.empty());
    return env;
  };
  std::string digest = "sha256:" + std::string(64, 'a');
  json l = {{"member", "x"}, {"digest", digest}, {"size", 60}, {"at", 50}};
  json e = refuse(l);
  EXPECT_EQ(e["code"], "invalid-argument");
  EXPECT_EQ(e["where"], "write.recompressed[0].at");
  l["at"] = 40;
  l["digest"] = "md5:0";
  EXPECT_EQ(refuse(l)["where"], "write.recompressed[0].digest");
  l["digest"] = digest;
  EXPECT_EQ(refuse(l, false)["where"], "write.recompressed[0].at");
  EXPECT_EQ(refuse(json(3))["where"], "write.recompressed[0]");
  // recompress: only a layer's member, and only into scratch.
  std::string args = json{{"archive", archive_}, {"member", "manifest.json"}, {"compress", "gzip"}}.dump();
  DispatchRequest req{"recompress", args, nullptr, {}};
  json r = json::parse(d_.dispatch(req).json);
  EXPECT_EQ(r["where"], "recompress.scratch");
  std::vector<uint8_t> bytes;
  req.scratch = [&](const std::string&) -> Result<std::unique_ptr<Scratch>> {
    return std::unique_ptr<Scratch>(std::make_unique<MemoryScratch>(&bytes));
  };
  r = json::parse(d_.dispatch(req).json);
  EXPECT_EQ(r["code"], "not-found") << r.dump();
  EXPECT_EQ(r["where"], "manifest.json");
  EXPECT_TRUE(bytes.empty());
}

}  // namespace
