// Text operations on '/'-separated archive paths. Pure string work: nothing
// here touches a file system.
#pragma once

#include <string>

namespace layerscope {

// "a/b/c" -> "a/b"; "" when there is no '/'.
std::string dirname_of(const std::string& p);
// "a/b/c" -> "c"; the whole path when there is no '/'.
std::string basename_of(const std::string& p);
// Lexical resolution of "." and ".." (clamped at the top), empty components
// dropped: "a/./b/../c" -> "a/c". Used only for links between archive members.
std::string resolve_dots(const std::string& p);

}  // namespace layerscope
