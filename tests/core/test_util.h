// Shared helpers for the native tests: where the fixtures are, their truth
// files, running independent tools (tar, python3, gzip, ...), hashing.
#pragma once

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/sha256.h"
#include "layerscope/byte_sink.h"
#include "layerscope/session.h"

#ifndef LAYERSCOPE_FIXTURES_DIR
#define LAYERSCOPE_FIXTURES_DIR "../shared/fixtures"
#endif

namespace lstest {

namespace fs = std::filesystem;
using nlohmann::json;

// The fixtures directory: $LAYERSCOPE_FIXTURES, else the compile-time default.
inline std::string fixtures_dir() {
  const char* env = std::getenv("LAYERSCOPE_FIXTURES");
  if (env && *env) return env;
  return LAYERSCOPE_FIXTURES_DIR;
}

// Every "*.tar" in the fixtures directory (base names without ".tar"), sorted.
inline std::vector<std::string> fixture_names() {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto& de : fs::directory_iterator(fixtures_dir(), ec)) {
    auto p = de.path();
    if (p.extension() == ".tar" && de.is_regular_file()) out.push_back(p.stem().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline std::string fixture_tar(const std::string& name) { return fixtures_dir() + "/" + name + ".tar"; }
inline std::string fixture_truth(const std::string& name) { return fixtures_dir() + "/" + name + ".truth.json"; }

inline std::string read_text_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline json load_truth(const std::string& name) {
  std::string t = read_text_file(fixture_truth(name));
  return json::parse(t);  // throws (and fails the test) on a bad truth file
}

// gtest parameter names allow [A-Za-z0-9_] only.
inline std::string param_name(const std::string& s) {
  std::string o;
  for (char c : s) o += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return o;
}

// Quotes a string for /bin/sh.
inline std::string shq(const std::string& s) {
  std::string o = "'";
  for (char c : s) {
    if (c == '\'') o += "'\\''";
    else o += c;
  }
  return o + "'";
}

struct CmdResult {
  int status = -1;  // exit status, or -1 if it did not exit normally
  std::string out;  // stdout bytes
};

// Runs a /bin/sh command line, capturing stdout (binary-safe).
inline CmdResult run(const std::string& cmd) {
  CmdResult r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

// sha256 of bytes, "sha256:<hex>". (Sha256 itself is checked against FIPS
// vectors in sha256_test.cpp; a wrong hash can only make a comparison with an
// independently computed truth value fail, never pass.)
inline std::string sha256_of(const std::string& bytes) { return layerscope::Sha256::digest_of(bytes); }

inline std::string hex_of(const std::string& s, size_t max = 64) {
  static const char* hx = "0123456789abcdef";
  std::string o;
  for (size_t i = 0; i < s.size() && i < max; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    o += hx[c >> 4];
    o += hx[c & 15];
  }
  if (s.size() > max) o += "...";
  return o;
}

// OpenOptions::start_thread as the CLI's (a std::thread per call), counting the threads started.
inline layerscope::StartThread counting_thread_starter(std::shared_ptr<std::atomic<int>> started) {
  return [started](std::function<void()> work) -> std::function<void()> {
    ++*started;
    auto t = std::make_shared<std::thread>(std::move(work));
    return [t] { t->join(); };
  };
}

inline std::unique_ptr<layerscope::Session> open_session(const std::string& path,
                                                         std::shared_ptr<layerscope::ByteSource>* src_out = nullptr,
                                                         layerscope::OpenOptions opt = {}) {
  auto src = layerscope::open_file_source(path);
  EXPECT_TRUE(src.ok()) << (src.ok() ? "" : src.error().to_string());
  if (!src.ok()) return nullptr;
  if (src_out) *src_out = src.value();
  auto s = layerscope::Session::open(src.value(), opt);
  EXPECT_TRUE(s.ok()) << path << ": " << (s.ok() ? "" : s.error().to_string());
  if (!s.ok()) return nullptr;
  return std::move(s).value();
}

// Reads a whole file through Session::read_file.
inline layerscope::Status read_all(const layerscope::Session& s, int image, int layer, const std::string& path,
                                   std::string* out) {
  out->clear();
  return s.read_file(image, layer, path, [out](const uint8_t* d, size_t n) {
    out->append(reinterpret_cast<const char*>(d), n);
    return true;
  });
}

// Truth helpers ---------------------------------------------------------------

// A path as the truth writes it ("srv/app", "." for the root) in our normal form.
inline std::string norm(const std::string& p) {
  std::string o;
  layerscope::normalize_path(p, &o);
  return o;
}

inline std::string basename_of(const std::string& p) {
  auto s = p.rfind('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

// A truth entry that is a whiteout marker (`.wh.<name>` or `.wh..wh..opq`).
inline bool is_marker(const json& e) { return basename_of(e.at("path").get<std::string>()).rfind(".wh.", 0) == 0; }
// A truth entry for the layer root itself ("." / "./").
inline bool is_root(const json& e) { return norm(e.at("path").get<std::string>()).empty(); }

// Truth tags: Docker manifest.json RepoTags, or the OCI ref.name annotations.
inline std::set<std::string> truth_tags(const json& img) {
  std::set<std::string> s;
  if (img.contains("repo_tags") && img.at("repo_tags").is_array())
    for (auto& t : img.at("repo_tags")) s.insert(t.get<std::string>());
  else if (img.contains("ref_names") && img.at("ref_names").is_array())
    for (auto& t : img.at("ref_names")) s.insert(t.get<std::string>());
  return s;
}

// Index of our image with the given config digest, -1 if none.
inline int find_image(const layerscope::Archive& a, const std::string& config_digest) {
  for (size_t i = 0; i < a.images.size(); ++i)
    if (a.images[i].config_digest == config_digest) return static_cast<int>(i);
  return -1;
}

// Layout id expected for the truth's layout text.
inline std::string expected_layout_id(const std::string& truth_layout) {
  if (truth_layout.rfind("docker-archive legacy", 0) == 0) return "docker-legacy";
  if (truth_layout.rfind("docker-archive flat", 0) == 0) return "docker-archive";
  if (truth_layout.rfind("docker-oci-hybrid", 0) == 0) return "docker-oci-hybrid";
  if (truth_layout.rfind("oci-archive", 0) == 0) return "oci-archive";
  return "?unknown truth layout: " + truth_layout;
}

// The archive member that holds a truth layer's bytes (symlinks resolved).
inline std::string truth_layer_member(const json& layer) {
  if (layer.contains("resolved_path") && layer.at("resolved_path").is_string())
    return layer.at("resolved_path").get<std::string>();
  return layer.at("path").get<std::string>();
}

// Extracts one file of one layer with independent tools: tar for the outer
// archive, gzip/zstd for the layer, python3's tarfile for the inner tar.
// Returns the file's bytes; *ok false if the tools failed.
inline std::string extract_with_tools(const std::string& archive, const json& layer, const std::string& path,
                                      bool* ok) {
  std::string comp = layer.value("compression", "none");
  std::string dec = comp == "gzip" ? "gzip -dc" : comp == "zstd" ? "zstd -dcq" : comp == "xz" ? "xz -dc"
                  : comp == "bzip2" ? "bzip2 -dc" : "cat";
  std::string py =
      "import sys,tarfile,os\n"
      "want=sys.argv[1]\n"
      "def n(p):\n"
      "  return '/'.join(c for c in p.split('/') if c not in ('','.'))\n"
      "data=None\n"
      "with tarfile.open(fileobj=sys.stdin.buffer, mode='r|') as t:\n"
      "  for m in t:\n"
      "    if n(m.name)==want and m.isreg():\n"
      "      data=t.extractfile(m).read()\n"
      "if data is None: sys.exit(3)\n"
      "sys.stdout.buffer.write(data)\n";
  std::string cmd = "tar -xOf " + shq(archive) + " " + shq(truth_layer_member(layer)) + " | " + dec +
                    " | python3 -c " + shq(py) + " " + shq(path);
  CmdResult r = run(cmd);
  *ok = r.status == 0;
  return r.out;
}

// A sink that fails every write after `budget` bytes (a full disk) with
// kIo "no space left (test)" at "failing sink"; passes the rest to `next`
// (nullptr: discards). finished() tells whether finish() was called.
class FailingSink final : public layerscope::ByteSink {
 public:
  FailingSink(layerscope::ByteSink* next, uint64_t budget) : next_(next), budget_(budget) {}
  layerscope::Status write(const void* d, size_t n) override {
    if (n > budget_) return layerscope::make_error(layerscope::Code::kIo, "no space left (test)", "failing sink");
    budget_ -= n;
    return next_ ? next_->write(d, n) : layerscope::Status::Ok();
  }
  layerscope::Status finish() override {
    finished_ = true;
    return next_ ? next_->finish() : layerscope::Status::Ok();
  }
  bool finished() const { return finished_; }

 private:
  layerscope::ByteSink* next_;
  uint64_t budget_;
  bool finished_ = false;
};

}  // namespace lstest
