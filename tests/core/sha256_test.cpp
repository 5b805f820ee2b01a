// SHA-256 against the FIPS 180-2 / NIST example vectors. Built twice: linked
// with the core (OpenSSL when available) and as the portable implementation
// alone (the one the wasm build uses), see tests/CMakeLists.txt.
#include <gtest/gtest.h>

#include <string>

#include "base/sha256.h"

using layerscope::Sha256;

namespace {

std::string hash_in_chunks(const std::string& data, size_t chunk) {
  Sha256 h;
  for (size_t i = 0; i < data.size(); i += chunk) h.update(data.data() + i, std::min(chunk, data.size() - i));
  return h.finish_digest();
}

const std::string kAbc = "abc";
const std::string k448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
const std::string k896 =
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

}  // namespace

TEST(Sha256, FipsAbc) {
  EXPECT_EQ(Sha256::digest_of(kAbc), "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, Empty) {
  EXPECT_EQ(Sha256::digest_of(""), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 h;
  EXPECT_EQ(h.finish_digest(), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, Fips448Bit) {
  EXPECT_EQ(Sha256::digest_of(k448), "sha256:248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, Fips896Bit) {
  EXPECT_EQ(Sha256::digest_of(k896), "sha256:cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(Sha256, OneMillionA) {
  const std::string m(1000000, 'a');
  const std::string want = "sha256:cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
  EXPECT_EQ(Sha256::digest_of(m), want);
  // Streaming in awkward chunk sizes gives the same digest.
  for (size_t chunk : {3u, 55u, 56u, 63u, 64u, 65u, 1000u, 4096u, 99991u})
    EXPECT_EQ(hash_in_chunks(m, chunk), want) << "chunk " << chunk;
}

TEST(Sha256, ByteAtATime) {
  Sha256 h;
  for (int i = 0; i < 1000; ++i) h.update("a", 1);
  // python3 -c "import hashlib; print(hashlib.sha256(b'a'*1000).hexdigest())"
  EXPECT_EQ(h.finish_digest(), "sha256:41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

// Messages whose padding lands on block edges (55, 56, 63, 64 bytes).
TEST(Sha256, PaddingBoundaries) {
  struct V {
    size_t n;
    const char* hex;
  };
  // sha256 of n bytes of 'a' (computed with sha256sum / Python hashlib).
  const V vs[] = {
      {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
      {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
      {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
      {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
  };
  for (auto& v : vs) {
    EXPECT_EQ(Sha256::digest_of(std::string(v.n, 'a')), std::string("sha256:") + v.hex) << v.n;
    EXPECT_EQ(hash_in_chunks(std::string(v.n, 'a'), 7), std::string("sha256:") + v.hex) << v.n;
  }
}

TEST(Sha256, RawFinishAndHex) {
  Sha256 h;
  h.update(kAbc.data(), kAbc.size());
  auto raw = h.finish();
  EXPECT_EQ(layerscope::to_hex(raw.data(), raw.size()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(raw[0], 0xba);
  EXPECT_EQ(raw[31], 0xad);
}

TEST(Sha256, DigestSyntax) {
  const std::string h = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  EXPECT_TRUE(layerscope::is_hex64(h));
  EXPECT_TRUE(layerscope::is_sha256_digest("sha256:" + h));
  EXPECT_FALSE(layerscope::is_sha256_digest(h));
  EXPECT_FALSE(layerscope::is_sha256_digest("sha256:" + h.substr(1)));
  EXPECT_FALSE(layerscope::is_sha256_digest("sha512:" + h));
  std::string upper = h;
  upper[0] = 'E';
  EXPECT_FALSE(layerscope::is_hex64(upper)) << "lower-case hex only";
  EXPECT_FALSE(layerscope::is_hex64(h + "0"));
  std::string bad = h;
  bad[10] = 'g';
  EXPECT_FALSE(layerscope::is_hex64(bad));
}
