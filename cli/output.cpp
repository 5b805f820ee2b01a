#include "output.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <optional>

#include "layerscope/text.h"

namespace lscli {

int fail(const Error& e) {
  // Messages and places quote archive bytes: escaped like everything else printed.
  Error shown{e.code, escape_text(e.message), escape_text(e.where)};
  std::fprintf(stderr, "layerscope: error: %s\n", shown.to_string().c_str());
  if (e.code == Code::kLimit)
    std::fprintf(stderr, "layerscope: a bound was reached; if the archive is trusted, raise it with --limit NAME=N "
                         "(see --help)\n");
  return 1;
}

namespace {
int g_stdout_errno = 0;  // errno of the first failed write_stdout
}  // namespace

void write_stdout(std::string_view bytes) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size() && !g_stdout_errno) g_stdout_errno = errno;
}

int write_failed(int err) {
  std::fprintf(stderr, "layerscope: error: cannot write to standard output: %s\n",
               err ? std::strerror(err) : "write error");
  return 1;
}

int finish_stdout(int rc) {
  errno = 0;
  bool flushed = std::fflush(stdout) == 0;
  int err = errno ? errno : g_stdout_errno;
  if (rc != 0 || (flushed && !std::ferror(stdout))) return rc;  // a failed command has said why already
  return write_failed(err);
}

int usage_error(const std::string& message, const std::string& command) {
  if (command.empty())
    std::fprintf(stderr, "layerscope: %s\nRun 'layerscope --help' for usage.\n", message.c_str());
  else
    std::fprintf(stderr, "layerscope: %s\nRun 'layerscope %s --help' for its options.\n", message.c_str(),
                 command.c_str());
  return 2;
}

std::string human_size(int64_t n) {
  // docker's units: 1000-based, 3 significant digits.
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1000.0 && u < 4) { v /= 1000.0; ++u; }
  char b[32];
  if (u == 0) std::snprintf(b, sizeof b, "%lldB", static_cast<long long>(n));
  else std::snprintf(b, sizeof b, "%.3g%s", v, units[u]);
  return b;
}

namespace {
std::optional<std::time_t> parse_time(const std::string& s) {
  if (s.size() < 19) return std::nullopt;
  std::tm tm{};
  if (!strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return std::nullopt;
  return timegm(&tm);
}
}  // namespace

std::string ago(const std::string& created) {
  auto t = parse_time(created);
  if (!t) return created.empty() ? "N/A" : escape_text(created);
  long long d = static_cast<long long>(std::time(nullptr) - *t);
  if (d < 0) return "in the future";
  auto unit = [](long long v, const char* u) {
    return std::to_string(v) + " " + u + (v == 1 ? "" : "s") + " ago";
  };
  if (d < 60) return "Less than a minute ago";
  if (d < 3600) return unit(d / 60, "minute");
  if (d < 86400 * 2) return unit(d / 3600, "hour");
  if (d < 86400 * 14) return unit(d / 86400, "day");
  if (d < 86400 * 60) return unit(d / (86400 * 7), "week");
  if (d < 86400 * 365 * 2) return unit(d / (86400 * 30), "month");
  return unit(d / (86400 * 365), "year");
}

std::string mode_string(EntryType t, uint32_t mode) {
  char s[11];
  s[0] = t == EntryType::kDir ? 'd' : t == EntryType::kSymlink ? 'l' : t == EntryType::kHardlink ? 'h'
       : t == EntryType::kCharDev ? 'c' : t == EntryType::kBlockDev ? 'b' : t == EntryType::kFifo ? 'p'
       : t == EntryType::kSocket ? 's' : '-';
  const char* rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; ++i) s[1 + i] = (mode & (1u << (8 - i))) ? rwx[i] : '-';
  if (mode & 04000) s[3] = (mode & 0100) ? 's' : 'S';
  if (mode & 02000) s[6] = (mode & 010) ? 's' : 'S';
  if (mode & 01000) s[9] = (mode & 01) ? 't' : 'T';
  s[10] = 0;
  return s;
}

std::string short_id(const std::string& digest, bool no_trunc) {
  if (digest.empty()) return "<none>";
  if (no_trunc) return escape_text(digest);
  return escape_text(digest.size() > 19 ? digest.substr(7, 12) : digest);
}

void split_tag(const std::string& tag, std::string* repo, std::string* t) {
  auto slash = tag.rfind('/');
  auto colon = tag.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    *repo = tag.substr(0, colon);
    *t = tag.substr(colon + 1);
  } else {
    *repo = tag;
    *t = "<none>";
  }
}

void print_warnings(const std::vector<Warning>& warnings) {
  for (auto& w : warnings)
    std::fprintf(stderr, "layerscope: warning: [%s] %s%s%s%s\n", escape_text(w.code).c_str(),
                 escape_text(w.message).c_str(), w.where.empty() ? "" : " (at ", escape_text(w.where).c_str(),
                 w.where.empty() ? "" : ")");
}

bool incomplete(const std::vector<Warning>& warnings) {
  for (auto& w : warnings)
    if (w.code == "incomplete-image") return true;
  return false;
}

void print_document(const std::string& doc) {
  write_stdout(doc);
  write_stdout("\n");
}

}  // namespace lscli
