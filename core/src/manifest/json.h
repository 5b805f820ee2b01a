// No-throw JSON for manifests, indexes and configs (nlohmann::json used
// without exceptions). parse_json() first validates with a SAX pass that
// bounds nesting depth and reports the byte position of a syntax error, so a
// hostile document gets a precise error instead of a crash or a deep tree.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "layerscope/status.h"

namespace layerscope {

using Json = nlohmann::json;
// Keeps object keys in document order (for documents that are edited and written back).
using OrderedJson = nlohmann::ordered_json;

Result<Json> parse_json(std::string_view text, std::string_view where, uint32_t max_depth);
// The same checks, keys kept in document order.
Result<OrderedJson> parse_ordered_json(std::string_view text, std::string_view where, uint32_t max_depth);

// Accessors that never throw: a missing key or a value of another type gives
// nullptr / the fallback.
const Json* jget(const Json& j, std::string_view key);
std::string jstr(const Json& j, std::string_view key, std::string fallback = {});
bool jbool(const Json& j, std::string_view key, bool fallback = false);
int64_t jint(const Json& j, std::string_view key, int64_t fallback = -1);
std::vector<std::string> jstrings(const Json& j, std::string_view key);  // array of strings (others skipped)
// Compact dump that never throws (invalid UTF-8 replaced).
std::string jdump(const Json& j, int indent = -1);
std::string jdump(const OrderedJson& j, int indent = -1);
// Compact dump for a document that is written out: a key or string that is not
// UTF-8 is an invalid-argument error at `where`, never silently replaced.
Result<std::string> jdump_document(const OrderedJson& j, std::string_view where);

}  // namespace layerscope
