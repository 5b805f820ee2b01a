#include "base/siphash.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <unistd.h>

namespace layerscope {
namespace {

inline uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }
inline uint64_t le64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
// One SipRound on locals v0..v3 (in members, every round would store them: the
// input's bytes may alias them as far as the compiler knows).
#define LS_SIPROUND                                                  \
  do {                                                               \
    v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);        \
    v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;                           \
    v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;                           \
    v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);        \
  } while (0)
#define LS_SIPWORD(m)  \
  do {                 \
    const uint64_t w = (m); \
    v3 ^= w;           \
    LS_SIPROUND;       \
    LS_SIPROUND;       \
    v0 ^= w;           \
  } while (0)

}  // namespace

SipHash128::SipHash128(const std::array<uint8_t, 16>& key) {
  const uint64_t k0 = le64(key.data()), k1 = le64(key.data() + 8);
  v0_ = 0x736f6d6570736575ull ^ k0;
  v1_ = 0x646f72616e646f6dull ^ k1 ^ 0xee;  // (0xee: the 128-bit output)
  v2_ = 0x6c7967656e657261ull ^ k0;
  v3_ = 0x7465646279746573ull ^ k1;
}

void SipHash128::update(const void* data, size_t n) {
  auto* p = static_cast<const uint8_t*>(data);
  total_ += n;
  uint64_t v0 = v0_, v1 = v1_, v2 = v2_, v3 = v3_;
  if (buf_len_) {
    const size_t take = std::min(8 - buf_len_, n);
    std::memcpy(buf_ + buf_len_, p, take);
    buf_len_ += take;
    p += take;
    n -= take;
    if (buf_len_ < 8) return;
    LS_SIPWORD(le64(buf_));
    buf_len_ = 0;
  }
  for (; n >= 8; p += 8, n -= 8) LS_SIPWORD(le64(p));
  std::memcpy(buf_, p, n);
  buf_len_ = n;
  v0_ = v0, v1_ = v1, v2_ = v2, v3_ = v3;
}

std::array<uint8_t, 16> SipHash128::finish() {
  uint64_t b = total_ << 56;
  for (size_t i = 0; i < buf_len_; ++i) b |= uint64_t{buf_[i]} << (8 * i);
  uint64_t v0 = v0_, v1 = v1_, v2 = v2_, v3 = v3_;
  LS_SIPWORD(b);
  v2 ^= 0xee;
  for (int i = 0; i < 4; ++i) LS_SIPROUND;
  const uint64_t out0 = v0 ^ v1 ^ v2 ^ v3;
  v1 ^= 0xdd;
  for (int i = 0; i < 4; ++i) LS_SIPROUND;
  const uint64_t out1 = v0 ^ v1 ^ v2 ^ v3;
  std::array<uint8_t, 16> out{};
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<uint8_t>(out0 >> (8 * i));
    out[8 + i] = static_cast<uint8_t>(out1 >> (8 * i));
  }
  return out;
}
#undef LS_SIPWORD
#undef LS_SIPROUND

const std::array<uint8_t, 16>& process_fingerprint_key() {
  static const std::array<uint8_t, 16> key = [] {
    std::array<uint8_t, 16> k{};
    if (getentropy(k.data(), k.size()) != 0) {
      // No entropy source: the clock and an address, still not known in advance.
      const uint64_t t = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
      const uint64_t a = reinterpret_cast<uintptr_t>(&k);
      std::memcpy(k.data(), &t, 8);
      std::memcpy(k.data() + 8, &a, 8);
    }
    return k;
  }();
  return key;
}

}  // namespace layerscope
