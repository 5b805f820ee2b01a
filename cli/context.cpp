// Opening an archive for a command: a Session with the command line's bounds
// and, with --progress, a progress line on stderr.
#include <chrono>
#include <cstdio>

#include "command.h"
#include "output_file.h"

namespace lscli {

std::string Args::value(const std::string& name) const {
  auto it = opts.find(name);
  return it == opts.end() || it->second.empty() ? std::string() : it->second.back();
}

std::vector<std::string> Args::values(const std::string& name) const {
  auto it = opts.find(name);
  return it == opts.end() ? std::vector<std::string>() : it->second;
}

ProgressFn Context::progress_fn() const {
  if (!progress) return {};
  auto last = std::make_shared<std::chrono::steady_clock::time_point>();
  auto start = std::chrono::steady_clock::now();
  return [last, start](const Progress& p) {
    auto now = std::chrono::steady_clock::now();
    if (now - *last < std::chrono::milliseconds(200) && p.done < p.total) return true;
    *last = now;
    double secs = std::chrono::duration<double>(now - start).count();
    std::fprintf(stderr, "\r%-6.*s %5.1f%%  %.1f MB/s  ", static_cast<int>(p.phase.size()), p.phase.data(),
                 p.total ? 100.0 * static_cast<double>(p.done) / static_cast<double>(p.total) : 0.0,
                 secs > 0 ? static_cast<double>(p.done) / 1e6 / secs : 0.0);
    return true;
  };
}

namespace {
Result<std::unique_ptr<Session>> open_with(const Context& ctx, const std::string& archive, bool verify,
                                           LayerReading layers) {
  LS_ASSIGN_OR_RETURN(auto src, open_file_source(archive));
  OpenOptions o;
  o.verify = verify;
  o.layers = layers;
  o.limits = ctx.limits;
  o.progress = ctx.progress_fn();
  o.start_thread = thread_starter();
  o.index_threads = index_threads();
  auto r = Session::open(src, o);
  if (ctx.progress) std::fprintf(stderr, "\r%40s\r", "");
  return r;
}
}  // namespace

Result<std::unique_ptr<Session>> Context::open_summary(const std::string& archive) const {
  return open_with(*this, archive, false, LayerReading::kSummary);
}

Result<std::unique_ptr<Session>> Context::open_headers(const std::string& archive) const {
  return open_with(*this, archive, false, LayerReading::kHeadersOnly);
}

Result<std::unique_ptr<Session>> Context::open(const std::string& archive, bool verify) const {
  return open_with(*this, archive, verify, LayerReading::kIndexAll);
}

}  // namespace lscli
