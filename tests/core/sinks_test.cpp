// io/sinks: ByteSink implementations (layerscope/byte_sink.h).
#include <sys/resource.h>

#include <csignal>

#include <fstream>
#include <random>

#include "archive/compress_sink.h"
#include "layerscope/byte_sink.h"
#include "test_util.h"

namespace {

using namespace layerscope;
namespace fs = std::filesystem;

std::string temp_dir() {
  std::string tmpl = (fs::temp_directory_path() / "ls-sink-XXXXXX").string();
  std::vector<char> b(tmpl.begin(), tmpl.end());
  b.push_back('\0');
  return mkdtemp(b.data());
}

std::vector<std::string> listing(const std::string& dir) {
  std::vector<std::string> out;
  for (auto& de : fs::directory_iterator(dir)) out.push_back(de.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// `in` through the gzip sink, written in pieces of `piece` bytes.
std::string gzip_of(const std::string& in, size_t piece) {
  std::vector<uint8_t> out;
  auto mem = make_memory_sink(&out);
  auto z = make_compressing_sink(mem.get(), Compression::kGzip);
  EXPECT_TRUE(z.ok());
  if (!z.ok()) return {};
  for (size_t at = 0; at < in.size(); at += piece) EXPECT_TRUE(z.value()->write(in.data() + at, std::min(piece, in.size() - at)).ok());
  EXPECT_TRUE(z.value()->finish().ok());
  return std::string(out.begin(), out.end());
}

// The gzip sink writes one gzip member that GNU gzip decodes to the input, with
// no time in its header, and the same bytes however the input is cut into
// writes: a raw deflate stream that is zlib's at level 4 (Python's zlib here),
// so the CLI and the page, which build the same zlib, write the same bytes. A
// failure of the sink after it is its error, at that write and every later one.
TEST(Sinks, GzipSinkWritesWhatGzipDecodesDeterministically) {
  std::mt19937 rng(7);
  std::string random(1 << 20, '\0');
  for (auto& c : random) c = static_cast<char>(rng());
  std::string text;
  while (text.size() < (3u << 20)) text += "usr/lib/python3/dist-packages/m" + std::to_string(text.size() % 977) + ".py\n";
  const std::string dir = temp_dir();
  int k = 0;
  for (const std::string& in : {std::string(), std::string("x"), random, text}) {
    const std::string gz = gzip_of(in, 1 << 20);
    for (size_t piece : {size_t{65537}, size_t{4097}})
      EXPECT_EQ(gzip_of(in, piece), gz) << "the same input cut into other writes, " << in.size() << " bytes";
    ASSERT_GE(gz.size(), 18u);
    EXPECT_EQ(gz.substr(0, 3), std::string("\x1f\x8b\x08", 3));
    EXPECT_EQ(gz.substr(4, 4), std::string(4, '\0')) << "no time in the header";
    if (in == text) EXPECT_LT(gz.size(), in.size() / 10);
    const std::string f = dir + "/" + std::to_string(k++) + ".gz";
    std::ofstream(f, std::ios::binary).write(gz.data(), static_cast<std::streamsize>(gz.size()));
    auto r = lstest::run("gzip -dc " + lstest::shq(f));
    EXPECT_EQ(r.status, 0);
    EXPECT_TRUE(r.out == in) << "gzip -dc gives " << r.out.size() << " bytes of " << in.size();
    const std::string raw = f + ".in";
    std::ofstream(raw, std::ios::binary).write(in.data(), static_cast<std::streamsize>(in.size()));
    auto z = lstest::run("python3 -c 'import sys, zlib; c = zlib.compressobj(4, zlib.DEFLATED, -15, 8); "
                         "sys.stdout.buffer.write(c.compress(open(sys.argv[1], \"rb\").read()) + c.flush())' " +
                         lstest::shq(raw));
    EXPECT_EQ(z.status, 0);
    EXPECT_TRUE(z.out == gz.substr(10, gz.size() - 18)) << "not zlib's level 4 deflate, " << in.size() << " bytes";
  }
  fs::remove_all(dir);
  lstest::FailingSink failing(nullptr, 1000);
  auto z = make_compressing_sink(&failing, Compression::kGzip);
  ASSERT_TRUE(z.ok());
  Status st = Status::Ok();
  for (int i = 0; i < 64 && st.ok(); ++i) st = z.value()->write(random.data(), random.size());
  if (st.ok()) st = z.value()->finish();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "no space left (test)");
  Status again = z.value()->write("x", 1);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message, "no space left (test)");
  EXPECT_FALSE(failing.finished());
}

TEST(Sinks, MemorySinkAppendsAndRefusesWritesAfterFinish) {
  std::vector<uint8_t> out{'x'};
  auto s = make_memory_sink(&out, "mem");
  ASSERT_TRUE(s->write("ab", 2).ok());
  ASSERT_TRUE(s->write("", 0).ok());
  ASSERT_TRUE(s->write("cd", 2).ok());
  ASSERT_TRUE(s->finish().ok());
  EXPECT_EQ(std::string(out.begin(), out.end()), "xabcd");
  Status st = s->write("e", 1);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, Code::kInvalidArgument);
}

TEST(Sinks, CountingAndHashingForwardAndMeasure) {
  std::vector<uint8_t> out;
  auto mem = make_memory_sink(&out);
  HashingSink hash(mem.get());
  CountingSink count(&hash);
  ASSERT_TRUE(count.write("a", 1).ok());
  ASSERT_TRUE(count.write("bc", 2).ok());
  EXPECT_TRUE(hash.digest().empty());
  ASSERT_TRUE(count.finish().ok());
  EXPECT_EQ(count.count(), 3u);
  EXPECT_EQ(hash.count(), 3u);
  // FIPS 180-4 example "abc".
  EXPECT_EQ(hash.digest(), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(std::string(out.begin(), out.end()), "abc");
}

TEST(Sinks, HashingWithoutNextHashesOnly) {
  HashingSink hash;
  ASSERT_TRUE(hash.finish().ok());
  EXPECT_EQ(hash.digest(), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sinks, TempScratchReadsBackWhatWasWrittenAndLeavesNoFile) {
  fs::path dir = fs::temp_directory_path() / "ls-scratch-test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto sc = open_temp_scratch("layer 3", dir.string());
  ASSERT_TRUE(sc.ok()) << sc.error().to_string();
  EXPECT_TRUE(fs::is_empty(dir));  // unlinked at once
  Scratch& s = *sc.value();
  EXPECT_EQ(s.source().error().code, Code::kInternal);  // not finished yet
  std::string body(3 << 20, 'x');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>(i * 7);
  ASSERT_TRUE(s.sink().write(body.data(), body.size()).ok());
  ASSERT_TRUE(s.sink().finish().ok());
  auto src = s.source();
  ASSERT_TRUE(src.ok());
  EXPECT_EQ(src.value()->size(), body.size());
  EXPECT_EQ(src.value()->name(), "layer 3");
  std::string back(body.size(), '\0');
  ASSERT_TRUE(read_exact(*src.value(), 0, back.data(), back.size()).ok());
  EXPECT_EQ(back, body);
  auto missing = open_temp_scratch("x", (dir / "no-such-dir").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Code::kIo);
  fs::remove_all(dir);
}

TEST(Sinks, FileSinkPublishesOnlyOnFinish) {
  std::string dir = temp_dir();
  std::string target = dir + "/out.tar";
  {
    auto r = open_file_sink(target);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    auto& s = *r.value();
    ASSERT_TRUE(s.write("hello ", 6).ok());
    ASSERT_TRUE(s.write("world", 5).ok());
    EXPECT_FALSE(fs::exists(target));          // not before finish
    EXPECT_EQ(listing(dir).size(), 1u);        // only the temporary
    ASSERT_TRUE(s.finish().ok());
  }
  EXPECT_EQ(lstest::read_text_file(target), "hello world");
  EXPECT_EQ(listing(dir), std::vector<std::string>{"out.tar"});
  fs::remove_all(dir);
}

TEST(Sinks, FileSinkAbandonedLeavesNothingAndKeepsTheOldFile) {
  std::string dir = temp_dir();
  std::string target = dir + "/out.tar";
  std::ofstream(target) << "previous";
  {
    auto r = open_file_sink(target);
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(r.value()->write("partial", 7).ok());
    // destroyed unfinished
  }
  EXPECT_EQ(lstest::read_text_file(target), "previous");
  EXPECT_EQ(listing(dir), std::vector<std::string>{"out.tar"});
  fs::remove_all(dir);
}

TEST(Sinks, FileSinkOntoADirectoryIsAClearError) {
  std::string dir = temp_dir();
  auto r = open_file_sink(dir);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::kInvalidArgument);
  EXPECT_NE(r.error().message.find("directory"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().where, dir);
  EXPECT_TRUE(listing(dir).empty());
  fs::remove_all(dir);
}

TEST(Sinks, FileSinkInAMissingDirectoryIsAnIoError) {
  auto r = open_file_sink("/nonexistent-dir-of-layerscope/x.tar");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Code::kIo);
  EXPECT_NE(r.error().message.find("No such file"), std::string::npos) << r.error().message;
}

TEST(Sinks, FailingWriteIsAnErrorValueAndRemovesTheTemporary) {
  // A file size limit makes write() fail with EFBIG (SIGXFSZ ignored): a disk
  // that fills up mid-write, without needing one.
  std::string dir = temp_dir();
  std::string target = dir + "/big.tar";
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit old{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
  rlimit lim = old;
  lim.rlim_cur = 4096;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &lim), 0);
  Status st = Status::Ok(), again = Status::Ok(), fin = Status::Ok();
  {
    auto r = open_file_sink(target);
    if (r.ok()) {
      std::string chunk(3000, 'x');
      st = r.value()->write(chunk.data(), chunk.size());
      if (st.ok()) st = r.value()->write(chunk.data(), chunk.size());
      again = r.value()->write("y", 1);
      fin = r.value()->finish();
    }
  }
  setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, Code::kIo);
  EXPECT_NE(st.error().message.find("write failed"), std::string::npos) << st.error().message;
  EXPECT_EQ(st.error().where, target);
  EXPECT_FALSE(again.ok());  // the sink stays failed
  EXPECT_FALSE(fin.ok());
  EXPECT_FALSE(fs::exists(target));
  EXPECT_TRUE(listing(dir).empty());
  fs::remove_all(dir);
}

}  // namespace
