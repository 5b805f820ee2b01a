// `ci` rules: the three thresholds of dive's `.dive-ci` file
//   rules:
//     lowestEfficiency: 0.95          # fail when efficiency < this
//     highestWastedBytes: 20MB        # fail when wasted bytes > this (B, kB/KB, MB, GiB, ...)
//     highestUserWastedPercent: 0.1   # fail when user_wasted_percent (a ratio) > this
// with "disabled" for a rule that must not run. Read with libyaml (no
// exceptions); a bad file or value is an error naming the file and line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "layerscope/status.h"

namespace lscli {

using namespace layerscope;

struct CiThreshold {
  bool disabled = false;
  double value = 0;    // a ratio, or bytes for highestWastedBytes
  std::string origin;  // "default", "FILE:LINE", "--flag"
};

struct CiRules {
  // dive's defaults when neither a file nor a flag sets a rule.
  CiThreshold lowest_efficiency{false, 0.9, "default"};
  CiThreshold highest_wasted_bytes{true, 0, "default"};
  CiThreshold highest_user_wasted_percent{false, 0.1, "default"};
};

// A ratio ("0.95"): finite, >= 0.
Result<double> parse_ratio(std::string_view text);
// Bytes as dive (go-humanize) writes them: "20MB" = 20,000,000, "20MiB" =
// 20 * 2^20, "1.5 GB", "512" (case-insensitive; K/M/G/T/P/E with or without B).
Result<double> parse_bytes(std::string_view text);
// Sets `which` from `text` ("disabled", or what `parse` accepts); `origin` names
// the place in errors.
Status set_threshold(CiThreshold* which, std::string_view text, bool bytes, const std::string& origin);
// Reads a .dive-ci file into `rules` (keys it does not know are ignored).
Status read_dive_ci(const std::string& path, CiRules* rules);

}  // namespace lscli
