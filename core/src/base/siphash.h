// SipHash-2-4 with a 128-bit output (Aumasson & Bernstein; the reference's
// vectors in tests/core/siphash_test.cpp), streaming. A keyed fingerprint for
// telling byte strings apart when the key is unknown to whoever wrote them:
// compare's same-size files (api/file_readers.cpp fingerprint_entries), 4x the
// portable SHA-256's speed in wasm, where the page has no SHA extensions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace layerscope {

// A SipHash-128 result, kept as its 16 bytes (a compare holds one per pending
// copy: 16 bytes each, where a hex string cost ~80 with its allocation).
using Fingerprint = std::array<uint8_t, 16>;

class SipHash128 {
 public:
  explicit SipHash128(const std::array<uint8_t, 16>& key);
  void update(const void* data, size_t n);
  // The 16 bytes as the reference writes them (two little-endian words).
  std::array<uint8_t, 16> finish();

 private:
  uint64_t v0_, v1_, v2_, v3_;
  uint8_t buf_[8];
  size_t buf_len_ = 0;
  uint64_t total_ = 0;
};

// A key drawn once per process from the system's entropy (getentropy), so
// an archive cannot be made to collide with one chosen in advance.
const std::array<uint8_t, 16>& process_fingerprint_key();

}  // namespace layerscope
