// api/json_text — how every JSON document of the api is written: archive bytes
// as text (invalid UTF-8 as the four characters "\xNN") and one serialiser
// (DEL and C1 controls escaped for terminals).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace layerscope {

using OJson = nlohmann::ordered_json;

std::string dump(const OJson& j, int indent = -1);
std::string text(const std::string& s);

}  // namespace layerscope
