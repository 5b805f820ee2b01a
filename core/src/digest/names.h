// Digests as names: where a digest's blob lives in an OCI layout, and which
// digest a member's file name implies. Pure string work.
#pragma once

#include <string>

namespace layerscope {

// "sha256:<hex>" -> "blobs/sha256/<hex>", or "" when the digest is malformed.
std::string blob_path(const std::string& digest);

// Digest implied by a member name: blobs/sha256/<hex>, <hex>.tar, <hex>.tar.gz,
// sha256:<hex>; "" when the name implies none.
std::string digest_from_name(const std::string& path);

}  // namespace layerscope
