// The outer archive's member table: one record per tar member of the saved
// archive (normalised path, type, size, where its bytes start), and the rules
// for following links between members. Loaded::resolve/read_member/
// member_source (image/loader.h) are defined in members.cpp on top of these.
#pragma once

#include <cstdint>
#include <string>

#include "layerscope/model.h"
#include "layerscope/status.h"

namespace layerscope {

struct Member {
  std::string path;   // normalised
  EntryType type = EntryType::kOther;
  uint64_t size = 0;
  uint64_t data_offset = 0;  // in the (uncompressed) outer stream
  std::string link;   // symlink target (raw) or hardlink target (normalised)
};

struct Loaded;

// Where a link between outer members points next (symlink targets are relative
// to the link's directory; hardlink targets are archive paths).
std::string member_link_target(const std::string& at, const Member& m);

// Why `path` does not resolve to a member: absent, a link loop, or a link to
// a path the archive does not hold. (Never the host's file system: members are
// looked up by name only.)
Error unresolved_member(const Loaded& L, const std::string& path);

// Names that hold small JSON documents a streaming pass must keep.
bool is_json_name(const std::string& p);
// Stray files no image tool writes (macOS AppleDouble, .DS_Store, Thumbs.db).
bool is_junk(const std::string& p);

}  // namespace layerscope
