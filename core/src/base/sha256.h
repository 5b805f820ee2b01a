// Streaming SHA-256 (FIPS 180-4), a base-level primitive: io/ (the hashing
// sink) and archive/ (layer digests while decoding) hash below digest/.
// Natively it uses OpenSSL's EVP (SHA-NI where the CPU has it) when
// LAYERSCOPE_HAVE_OPENSSL is defined; the portable implementation serves the
// wasm build and is checked against the same vectors.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace layerscope {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, size_t n);
  std::array<uint8_t, 32> finish();
  // "sha256:<64 hex>"
  std::string finish_digest();
  static std::string digest_of(std::string_view bytes);

 private:
  void block(const uint8_t* p);
  uint32_t h_[8];
  uint8_t buf_[64];
  size_t buf_len_ = 0;
  uint64_t total_ = 0;
  [[maybe_unused]] void* evp_ = nullptr;  // EVP_MD_CTX* when OpenSSL is used
};

std::string to_hex(const uint8_t* p, size_t n);
// True for "sha256:" + 64 lower-case hex digits.
bool is_sha256_digest(std::string_view s);
// True for 64 lower-case hex digits.
bool is_hex64(std::string_view s);

}  // namespace layerscope
