// layerscope — findings: what an image ships that someone should look at.
//
// Each finding names a rule of the table (rules()), a severity, the place it
// was seen (a layer's entry, a history step, the config's Env or Labels) and a
// one-line detail. Secret values never leave the scanners: a detail shows the
// variable's name or a token's public prefix and "****" for the value.
// Scanners: core/src/findings/ (names and modes of layer entries, dead copies,
// text of history/env/labels, file contents on request).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace layerscope {

enum class Severity : uint8_t { kInfo, kLow, kMedium, kHigh, kCritical };
const char* severity_name(Severity s);  // "info", "low", "medium", "high", "critical"
// Parses a name as severity_name writes it (case-insensitive); false if unknown.
bool parse_severity(std::string_view name, Severity* out);

struct Rule {
  const char* id;  // stable, kebab-case: "deleted-but-shipped", "secret-file", ...
  Severity severity;
  const char* explanation;
};
// The rules table, in a stable order.
const std::vector<Rule>& rules();
// nullptr when `id` names no rule.
const Rule* find_rule(std::string_view id);

struct Finding {
  std::string rule;     // Rule::id
  Severity severity = Severity::kInfo;
  std::string place;    // "layer 2", "history[5]", "config.Env", "config.Labels"
  std::string path;     // the entry's path ("" when not about a file)
  int layer = -1;       // the layer storing the entry (or the history step's layer)
  int killed_by = -1;   // the layer that deleted or overwrote it; -1 when still shown
  int history = -1;     // the history step concerned (e.g. the one that deleted it); -1 unknown
  int64_t bytes = -1;   // the entry's size, when it has one
  std::string detail;   // masked: never a secret value
};

}  // namespace layerscope
