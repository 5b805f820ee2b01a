// Verifying an open archive: hashes every present blob that was not hashed
// while indexing (random access: each member on its own; a compressed archive:
// one more streaming pass), records computed digests and diff_ids, and warns
// where they differ from what the documents declare.
#pragma once

#include "image/loader.h"

namespace layerscope {

// A digest of a blob's stored bytes computed outside the core (see
// Session::verify): taken only for a present, uncompressed, unhashed blob.
struct SuppliedDigest {
  int blob = -1;
  std::string digest;
};

// Hashes every present blob and records digests; warnings for mismatches.
// `supplied` stands for the hashing of the plain blobs it names (checked first:
// a bad index or digest fails with kInvalidArgument, nothing changed).
Status verify_blobs(Loaded& l, const ProgressFn& progress, const std::vector<SuppliedDigest>& supplied = {});

// The blobs a host may hash for verify_blobs: present, stored uncompressed (as
// sniffed from their first bytes), not hashed yet, as (blob, offset, size) of
// the archive's bytes. Random access only.
struct PlainRange {
  int blob = -1;
  uint64_t offset = 0, size = 0;
};
std::vector<PlainRange> plain_ranges(const Loaded& l);

}  // namespace layerscope
