// archive/tar_writer: written with it, read back with archive/tar_reader and
// with Python's tarfile (an independent reader): bytes and metadata equal.
#include "archive/tar_reader.h"
#include "archive/tar_writer.h"
#include "layerscope/byte_sink.h"
#include "test_util.h"

namespace {

using namespace layerscope;
namespace fs = std::filesystem;

struct Item {
  TarEntryHeader h;
  std::string data;
};

std::string pattern(size_t n, uint32_t seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) {
    seed = seed * 1103515245u + 12345u;
    s[i] = static_cast<char>(seed >> 16);
  }
  return s;
}

std::vector<Item> sample(bool long_names) {
  std::vector<Item> v;
  auto add = [&](std::string path, EntryType t, uint32_t mode, std::string data = {}, std::string link = {}) {
    Item it;
    it.h.path = std::move(path);
    it.h.type = t;
    it.h.mode = mode;
    it.h.uid = 1000 + static_cast<uint32_t>(v.size());
    it.h.gid = 2000 + static_cast<uint32_t>(v.size());
    it.h.uname = "user" + std::to_string(v.size());
    it.h.gname = "group" + std::to_string(v.size());
    it.h.mtime = 1700000000 + static_cast<int64_t>(v.size()) * 3601;
    it.h.size = static_cast<int64_t>(data.size());
    it.h.link = std::move(link);
    it.data = std::move(data);
    v.push_back(std::move(it));
  };
  add("etc/", EntryType::kDir, 0755);
  add("etc/passwd", EntryType::kFile, 0644, "root:x:0:0::/root:/bin/sh\n");
  add("bin/big", EntryType::kFile, 04755, pattern(300 * 1024 + 17, 7));
  add("bin/empty", EntryType::kFile, 0600, "");
  add("bin/sh", EntryType::kSymlink, 0777, "", "/bin/busybox");
  add("bin/hard", EntryType::kHardlink, 0644, "", "etc/passwd");
  add("caf\xe9-latin1.txt", EntryType::kFile, 0644, "not utf-8 name\n");
  add("etc/.wh..wh..opq", EntryType::kFile, 0, "");
  if (long_names) {
    std::string deep;
    for (int i = 0; i < 12; ++i) deep += "directory-with-a-long-name-" + std::to_string(i) + "/";
    add(deep + "file.txt", EntryType::kFile, 0640, "deep\n");
    add("l/" + std::string(150, 'n'), EntryType::kSymlink, 0777, "", std::string(180, 't'));
  }
  return v;
}

// Writes the items, the payload in uneven chunks.
Status write_items(ByteSink* sink, const std::vector<Item>& items, TarWriterOptions opt) {
  LS_ASSIGN_OR_RETURN(auto w, TarWriter::open(sink, opt));
  for (auto& it : items) {
    LS_RETURN_IF_ERROR(w->add(it.h));
    size_t off = 0, step = 1;
    while (off < it.data.size()) {
      size_t n = std::min(step, it.data.size() - off);
      LS_RETURN_IF_ERROR(w->write(it.data.data() + off, n));
      off += n;
      step = step * 3 + 1;
    }
  }
  LS_RETURN_IF_ERROR(w->finish());
  return sink->finish();
}

void expect_read_back(const std::vector<uint8_t>& bytes, const std::vector<Item>& items, Compression c) {
  auto r = TarReader::open(make_memory_source(bytes, "written.tar"), "written.tar");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  auto& tr = *r.value();
  TarHeader h;
  for (auto& it : items) {
    auto n = tr.next(&h);
    ASSERT_TRUE(n.ok()) << n.error().to_string();
    ASSERT_TRUE(n.value()) << "missing " << it.h.path;
    EXPECT_EQ(h.path, it.h.path);
    EXPECT_EQ(h.type, it.h.type) << it.h.path;
    EXPECT_EQ(h.mode & 07777, it.h.mode) << it.h.path;
    EXPECT_EQ(h.uid, it.h.uid);
    EXPECT_EQ(h.gid, it.h.gid);
    EXPECT_EQ(h.mtime, it.h.mtime);
    if (it.h.type == EntryType::kSymlink) EXPECT_EQ(h.symlink, it.h.link);
    if (it.h.type == EntryType::kHardlink) EXPECT_EQ(h.hardlink, it.h.link);
    if (it.h.type == EntryType::kFile) {
      EXPECT_EQ(h.size, static_cast<int64_t>(it.data.size())) << it.h.path;
      std::string got;
      char buf[4096];
      for (;;) {
        auto k = tr.read(buf, sizeof buf);
        ASSERT_TRUE(k.ok());
        if (k.value() == 0) break;
        got.append(buf, k.value());
      }
      EXPECT_TRUE(got == it.data) << it.h.path;
    }
  }
  auto n = tr.next(&h);
  ASSERT_TRUE(n.ok());
  EXPECT_FALSE(n.value());
  EXPECT_EQ(tr.compression(), c);
}

// Python's tarfile lists the archive: one JSON line per member.
const char* kPyList = R"PY(
import hashlib, io, json, subprocess, sys, tarfile
raw = open(sys.argv[1], "rb").read()
if raw[:4] == b"\x28\xb5\x2f\xfd":  # zstd: this tarfile cannot decompress it, zstd(1) can
    raw = subprocess.run(["zstd", "-dc"], input=raw, capture_output=True, check=True).stdout
with tarfile.open(fileobj=io.BytesIO(raw), mode="r:*", encoding="utf-8", errors="surrogateescape") as t:
    for m in t:
        d = t.extractfile(m).read() if m.isfile() else b""
        print(json.dumps({"name": m.name.encode("utf-8", "surrogateescape").hex(),
            "type": m.type.decode(), "mode": m.mode, "uid": m.uid, "gid": m.gid,
            "uname": m.uname, "gname": m.gname, "mtime": int(m.mtime), "size": m.size,
            "link": m.linkname.encode("utf-8", "surrogateescape").hex(),
            "sha256": hashlib.sha256(d).hexdigest()}))
)PY";

std::string hex(const std::string& s) {
  static const char* d = "0123456789abcdef";
  std::string o;
  for (unsigned char c : s) { o += d[c >> 4]; o += d[c & 15]; }
  return o;
}

void expect_python_agrees(const std::string& path, const std::vector<Item>& items) {
  std::string script = path + ".py";
  std::ofstream(script) << kPyList;
  auto res = lstest::run("python3 " + lstest::shq(script) + " " + lstest::shq(path));
  ASSERT_EQ(res.status, 0) << res.out;
  std::istringstream lines(res.out);
  std::string line;
  size_t i = 0;
  while (std::getline(lines, line)) {
    ASSERT_LT(i, items.size());
    auto j = nlohmann::json::parse(line);
    const Item& it = items[i++];
    std::string path_bytes = it.h.path;
    if (it.h.type == EntryType::kDir && path_bytes.back() == '/') path_bytes.pop_back();  // tarfile strips it
    EXPECT_EQ(j["name"], hex(path_bytes));
    const char* type = it.h.type == EntryType::kDir ? "5" : it.h.type == EntryType::kSymlink ? "2"
                       : it.h.type == EntryType::kHardlink ? "1" : "0";
    EXPECT_EQ(j["type"], type) << it.h.path;
    EXPECT_EQ(j["mode"], it.h.mode) << it.h.path;
    EXPECT_EQ(j["uid"], it.h.uid);
    EXPECT_EQ(j["gid"], it.h.gid);
    EXPECT_EQ(j["uname"], it.h.uname);
    EXPECT_EQ(j["gname"], it.h.gname);
    EXPECT_EQ(j["mtime"], it.h.mtime);
    if (it.h.type == EntryType::kFile) {
      EXPECT_EQ(j["size"], it.data.size());
      EXPECT_EQ(j["sha256"], lstest::sha256_of(it.data).substr(7)) << it.h.path;
    }
    if (it.h.type == EntryType::kSymlink || it.h.type == EntryType::kHardlink) EXPECT_EQ(j["link"], hex(it.h.link));
  }
  EXPECT_EQ(i, items.size());
  fs::remove(script);
}

struct Case {
  TarFormat format;
  Compression compression;
  const char* name;
};

class TarWriterRoundTrip : public ::testing::TestWithParam<Case> {};

TEST_P(TarWriterRoundTrip, ReadsBackEqualInTarReaderAndPythonTarfile) {
  const Case& c = GetParam();
  auto items = sample(c.format != TarFormat::kUstar);
  // Memory sink -> tar_reader.
  std::vector<uint8_t> bytes;
  auto mem = make_memory_sink(&bytes, "mem.tar");
  TarWriterOptions opt{c.format, c.compression, 0};
  Status st = write_items(mem.get(), items, opt);
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  expect_read_back(bytes, items, c.compression);
  // File sink -> Python's tarfile, and the same bytes as through memory.
  std::string path = (fs::temp_directory_path() / (std::string("ls-tarwriter-") + c.name + ".tar")).string();
  auto fr = open_file_sink(path);
  ASSERT_TRUE(fr.ok()) << fr.error().to_string();
  HashingSink hashed(fr.value().get());
  ASSERT_TRUE(write_items(&hashed, items, opt).ok());
  std::string file = lstest::read_text_file(path);
  EXPECT_EQ(hashed.digest(), lstest::sha256_of(file));
  if (c.compression == Compression::kNone) EXPECT_TRUE(file == std::string(bytes.begin(), bytes.end()));
  expect_python_agrees(path, items);
  fs::remove(path);
}

INSTANTIATE_TEST_SUITE_P(Formats, TarWriterRoundTrip,
                         ::testing::Values(Case{TarFormat::kPax, Compression::kNone, "pax"},
                                           Case{TarFormat::kGnu, Compression::kNone, "gnu"},
                                           Case{TarFormat::kUstar, Compression::kNone, "ustar"},
                                           Case{TarFormat::kPax, Compression::kGzip, "pax_gzip"},
                                           Case{TarFormat::kPax, Compression::kZstd, "pax_zstd"}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(TarWriter, PlainTarIsWholeRecordsAndGnuTarListsIt) {
  std::vector<uint8_t> bytes;
  auto mem = make_memory_sink(&bytes);
  auto items = sample(true);
  ASSERT_TRUE(write_items(mem.get(), items, {}).ok());
  EXPECT_EQ(bytes.size() % 512, 0u);
  std::string path = (fs::temp_directory_path() / "ls-tarwriter-gnutar.tar").string();
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  auto res = lstest::run("tar -tvf " + lstest::shq(path) + " 2>&1");
  EXPECT_EQ(res.status, 0) << res.out;
  EXPECT_NE(res.out.find("-rwsr-xr-x user2/group2"), std::string::npos) << res.out;
  EXPECT_NE(res.out.find("bin/sh -> /bin/busybox"), std::string::npos) << res.out;
  EXPECT_NE(res.out.find("bin/hard link to etc/passwd"), std::string::npos) << res.out;
  EXPECT_NE(res.out.find("directory-with-a-long-name-11/file.txt"), std::string::npos) << res.out;
  fs::remove(path);
}

TEST(TarWriter, PayloadShorterOrLongerThanTheHeaderIsAnError) {
  std::vector<uint8_t> bytes;
  auto mem = make_memory_sink(&bytes);
  {
    auto w = TarWriter::open(mem.get());
    ASSERT_TRUE(w.ok());
    TarEntryHeader h;
    h.path = "a";
    h.size = 4;
    ASSERT_TRUE(w.value()->add(h).ok());
    ASSERT_TRUE(w.value()->write("ab", 2).ok());
    Status st = w.value()->finish();
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, Code::kInvalidArgument);
    EXPECT_NE(st.error().message.find("2 bytes shorter"), std::string::npos) << st.error().message;
    EXPECT_NE(st.error().where.find("a"), std::string::npos);
  }
  {
    auto w = TarWriter::open(mem.get());
    ASSERT_TRUE(w.ok());
    TarEntryHeader h;
    h.path = "b";
    h.size = 1;
    ASSERT_TRUE(w.value()->add(h).ok());
    Status st = w.value()->write("xyz", 3);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("longer"), std::string::npos);
  }
}

TEST(TarWriter, ASinkErrorComesBackUnchanged) {
  lstest::FailingSink sink(nullptr, 1024);  // a sink that fails after a few bytes: the error comes back as its own
  auto items = sample(false);
  Status st = write_items(&sink, items, {});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, Code::kIo);
  EXPECT_EQ(st.error().message, "no space left (test)");
}

TEST(TarWriter, AbandonedWriterDoesNotPublish) {
  std::string dir = (fs::temp_directory_path() / "ls-tarwriter-abandon").string();
  fs::create_directories(dir);
  {
    auto fr = open_file_sink(dir + "/x.tar");
    ASSERT_TRUE(fr.ok());
    auto w = TarWriter::open(fr.value().get());
    ASSERT_TRUE(w.ok());
    TarEntryHeader h;
    h.path = "a";
    h.size = 3;
    ASSERT_TRUE(w.value()->add(h).ok());
  }
  EXPECT_TRUE(fs::is_empty(dir));
  fs::remove_all(dir);
}

}  // namespace

// libarchive takes C strings: a NUL inside a name or link target would cut it
// short silently; a hard link needs a target. All are refused, and the writer
// goes on with the next entry.
TEST(TarWriter, NulInNamesAndEmptyHardlinkTargetsAreRefused) {
  std::vector<uint8_t> bytes;
  auto mem = make_memory_sink(&bytes);
  auto w = TarWriter::open(mem.get());
  ASSERT_TRUE(w.ok());
  auto refused = [&](TarEntryHeader h, const std::string& message) {
    Status st = w.value()->add(h);
    ASSERT_FALSE(st.ok()) << message;
    EXPECT_EQ(st.error().code, Code::kInvalidArgument);
    EXPECT_EQ(st.error().message, message);
  };
  TarEntryHeader f;
  f.path = std::string("etc/pass\0wd", 11);
  refused(f, "entry path holds a NUL byte");
  TarEntryHeader s;
  s.path = "link";
  s.type = EntryType::kSymlink;
  s.link = std::string("tar\0get", 7);
  refused(s, "link target holds a NUL byte");
  TarEntryHeader hl;
  hl.path = "hard";
  hl.type = EntryType::kHardlink;
  refused(hl, "hard link with an empty target");
  hl.link = std::string("a\0b", 3);
  refused(hl, "link target holds a NUL byte");
  TarEntryHeader u;
  u.path = "owned";
  u.uname = std::string("ro\0ot", 5);
  refused(u, "owner or group name holds a NUL byte");
  TarEntryHeader ok;
  ok.path = "fine";
  ASSERT_TRUE(w.value()->add(ok).ok());
  ASSERT_TRUE(w.value()->finish().ok());
}
