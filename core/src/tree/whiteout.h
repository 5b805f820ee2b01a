// OCI whiteout rules (image-spec "layer changesets"), as pure functions on
// entry names, for the layer indexer and for any writer that must produce
// markers (an export that squashes or filters layers).
//
//   dir/.wh.name        deletes dir/name (and below) from the layers beneath;
//   dir/.wh..wh..opq    makes dir opaque: lower content of dir hidden, the
//                       layer's own entries kept; applies first wherever it
//                       stands in the tar; must match exactly;
//   .wh. / .wh.. / .wh...  name nothing: neither a file nor a deletion;
//   .wh..wh.<other>     aufs metadata (.wh..wh.plnk, .wh..wh.aufs): ignored.
// Markers are never files.
#pragma once

#include <string>
#include <string_view>

namespace layerscope {

inline constexpr std::string_view kWhiteoutPrefix = ".wh.";
inline constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";

enum class MarkerKind {
  kNone,      // an ordinary entry
  kWhiteout,  // deletes `target` in the same directory
  kOpaque,    // makes the containing directory opaque
  kIgnored,   // a marker that names nothing (or aufs metadata): dropped
};

struct Marker {
  MarkerKind kind = MarkerKind::kNone;
  std::string_view target;  // kWhiteout: the name deleted (a view into the argument)
};

// Classifies an entry by its base name (the last path component).
Marker classify_marker(std::string_view base_name);

// The marker entry that deletes `name` ("x" -> ".wh.x"), for writers.
std::string whiteout_marker_for(std::string_view name);

}  // namespace layerscope
