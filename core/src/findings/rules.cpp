// The rules table: every finding names one of these (layerscope/findings.h).
#include <cctype>

#include "layerscope/findings.h"

namespace layerscope {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::kInfo: return "info";
    case Severity::kLow: return "low";
    case Severity::kMedium: return "medium";
    case Severity::kHigh: return "high";
    case Severity::kCritical: return "critical";
  }
  return "info";
}

bool parse_severity(std::string_view name, Severity* out) {
  for (Severity s : {Severity::kInfo, Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical}) {
    std::string_view n = severity_name(s);
    bool same = n.size() == name.size();
    for (size_t i = 0; same && i < n.size(); ++i)
      same = n[i] == std::tolower(static_cast<unsigned char>(name[i]));
    if (same) {
      *out = s;
      return true;
    }
  }
  return false;
}

const std::vector<Rule>& rules() {
  static const std::vector<Rule> table{
      {"deleted-but-shipped", Severity::kLow,
       "a later layer deletes this file, but the layer that stores it still ships its bytes with every pull"},
      {"private-key-file", Severity::kHigh,
       "a file named like a private key (id_rsa, id_ed25519, *.ppk, ...); deleting it in a later layer does not "
       "remove it from the layer that stores it"},
      {"credential-file", Severity::kMedium,
       "a file that usually holds credentials (.env, .npmrc, .pypirc, .git-credentials, .netrc, "
       ".docker/config.json, cloud credential files); a later deletion does not remove it from its layer"},
      {"secret-in-history", Severity::kCritical,
       "a history step's command holds a token or password; anyone with the image can read it (docker history)"},
      {"secret-in-env", Severity::kHigh,
       "the config's Env holds a token or password; every container and anyone with the image can read it"},
      {"secret-in-label", Severity::kHigh, "a label holds a token or password; anyone with the image can read it"},
      {"secret-in-content", Severity::kCritical,
       "a file's content holds a private key, an auth token or a password (found with --content)"},
      {"setuid-file", Severity::kMedium, "a file with the set-user-ID bit: it runs with its owner's rights"},
      {"setgid-file", Severity::kMedium, "a file with the set-group-ID bit: it runs with its group's rights"},
      {"world-writable", Severity::kLow,
       "a file or directory (without the sticky bit) that every user of the container may write"},
      // Layer entries a runtime treats specially (the layer index flags them; codes as its warnings).
      {"entry-path-escapes", Severity::kHigh,
       "an entry's path climbs out of the root with '..': a path-traversal attempt; docker load refuses the layer, "
       "containerd clamps it at /"},
      {"hardlink-target-escapes", Severity::kHigh,
       "a hard link points outside the root with '..': a path-traversal attempt; docker load refuses the layer"},
      {"entry-over-limit", Severity::kMedium,
       "an entry's path or link target is longer than any runtime unpacks (PATH_MAX): the entry cannot be created"},
      {"hardlink-target-missing", Severity::kLow,
       "a hard link to a file that is not an earlier entry of its layer: unpacking the layer cannot create it"},
      {"entry-path-absolute", Severity::kLow, "an entry has an absolute path: runtimes unpack it below the root"},
      {"duplicate-entry", Severity::kLow,
       "a layer holds the same path more than once: the last entry wins, the others are shipped for nothing"},
  };
  return table;
}

const Rule* find_rule(std::string_view id) {
  for (const Rule& r : rules())
    if (id == r.id) return &r;
  return nullptr;
}

}  // namespace layerscope
