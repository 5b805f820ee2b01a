// findings/scanners — the scanners behind layerscope/findings.h, over what an
// open costs nothing to know: the layer indexes (names, modes, dead copies),
// the history and the config's Env and Labels (handed in as plain strings by
// the api, which parses the config). File contents: ContentScanner, fed by the
// api's reader one chunk at a time.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "findings/secret_text.h"
#include "layerscope/findings.h"
#include "layerscope/model.h"
#include "layerscope/tree.h"

namespace layerscope {

struct ImageFacts {
  const PathTable* paths = nullptr;
  std::vector<const LayerIndex*> layers;  // nullptr: an absent layer
  // Per layer, the odd entries its index flagged (the model keeps them as the
  // archive's warnings; the api hands in those of each layer's blob).
  std::vector<std::vector<EntryIssue>> issues;
  std::vector<HistoryEntry> history;
  std::vector<std::string> env;  // "KEY=VALUE" as stored
  std::vector<std::pair<std::string, std::string>> labels;
};

// Every finding of the rules that need no file content, grouped by rule in
// the order of rules(), then by layer and entry.
std::vector<Finding> scan_image(const ImageFacts& facts);

// The history step that produced `layer` (-1 when none maps to it).
int history_step_of(const std::vector<HistoryEntry>& history, int layer);

// The secrets in one file's bytes, fed in order in chunks of any size; a
// secret split across chunks is still found (a window of the last bytes is
// kept). Reports each kind once per file. Memory: one chunk plus the window.
class ContentScanner {
 public:
  void feed(const uint8_t* data, size_t n);
  // The masked labels of the kinds found ("ghp_****", "-----BEGIN ... PRIVATE KEY----- ****").
  const std::vector<std::string>& found() const { return labels_; }

 private:
  static constexpr size_t kKeep = 4096;  // longest secret we look for, with its name
  std::string window_;
  bool started_ = false;
  // An executable (ELF) holds prompts such as "password: %s" in its strings:
  // NAME=VALUE assignments are not looked for there, keys and tokens are.
  bool executable_ = false;
  std::set<std::string> kinds_;
  std::vector<std::string> labels_;
};

}  // namespace layerscope
