// findings/secret_text and the ContentScanner: what is a secret, where its value
// lies, and that masked text never holds it. Inputs are made up here; the
// expectations are facts about them (where each value starts and ends).
#include <gtest/gtest.h>

#include <string>

#include "findings/scanners.h"
#include "findings/secret_text.h"
#include "layerscope/findings.h"

namespace layerscope {
namespace {

const std::string kGh = "ghp_" + std::string(36, 'a') + "Z9";  // 38 characters after the prefix
const std::string kAws = "AKIA" + std::string("ABCDEFGHIJ234567");

std::string value_of(std::string_view text, const SecretHit& h) { return std::string(text.substr(h.begin, h.end - h.begin)); }

TEST(SecretText, FindsEachKindAndWhereItsValueLies) {
  std::string text = "export DB_PASSWORD='s3cr3t value' && curl https://bob:hunter2@example.com/x -H " + kGh +
                     " key=" + kAws + " done";
  auto hits = find_secrets(text);
  ASSERT_EQ(hits.size(), 4u);
  EXPECT_EQ(hits[0].kind, "assignment");
  EXPECT_EQ(value_of(text, hits[0]), "s3cr3t value");
  EXPECT_EQ(hits[0].label, "DB_PASSWORD=****");
  EXPECT_EQ(hits[1].kind, "url-password");
  EXPECT_EQ(value_of(text, hits[1]), "hunter2");
  EXPECT_EQ(hits[2].kind, "github-token");
  EXPECT_EQ(value_of(text, hits[2]), kGh.substr(4));
  EXPECT_EQ(hits[3].kind, "aws-access-key-id");
  EXPECT_EQ(value_of(text, hits[3]), kAws.substr(4));
  std::string masked = masked_excerpt(text, hits, 1000);
  for (const char* v : {"s3cr3t", "hunter2", "Z9", "ABCDEFGHIJ234567"}) EXPECT_EQ(masked.find(v), std::string::npos) << v;
  EXPECT_NE(masked.find("DB_PASSWORD='****'"), std::string::npos) << masked;
}

TEST(SecretText, LeavesNonSecretsAlone) {
  for (const char* t : {"PASSWORD=$DB_PASSWORD ./run", "TOKEN_FILE=/run/secrets/token", "PWD=/home", "--password-stdin",
                        "ghp_short", "xAKIAABCDEFGHIJ234567", "PATH=/usr/bin:/bin", "password:", "https://example.com/a:b"})
    EXPECT_TRUE(find_secrets(t).empty()) << t;
}

TEST(SecretText, JsonAndIniForms) {
  std::string docker = R"({"auths":{"r.example":{"auth":"dXNlcjpwYXNz"}}})";
  auto h = find_secrets(docker);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(value_of(docker, h[0]), "dXNlcjpwYXNz");
  std::string pypirc = "[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc\n";
  h = find_secrets(pypirc);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(value_of(pypirc, h[0]), "pypi-AgEIcHlwaS5vcmc");
  std::string npmrc = "//registry.npmjs.org/:_authToken=npm_abcdef0123456789\n";
  h = find_secrets(npmrc);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(value_of(npmrc, h[0]), "npm_abcdef0123456789");
}

TEST(SecretText, PemBodyIsTheValue) {
  std::string pem = "x\n-----BEGIN RSA PRIVATE KEY-----\nMIIEbody\n-----END RSA PRIVATE KEY-----\n";
  auto h = find_secrets(pem);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].kind, "pem-private-key");
  EXPECT_EQ(value_of(pem, h[0]), "\nMIIEbody\n");
  EXPECT_TRUE(find_secrets("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----").empty());
}

TEST(SecretText, ExcerptIsCutAroundTheFirstSecret) {
  std::string text = std::string(500, 'a') + " TOKEN=abcdef " + std::string(500, 'b');
  auto h = find_secrets(text);
  ASSERT_EQ(h.size(), 1u);
  std::string ex = masked_excerpt(text, h, 100);
  EXPECT_NE(ex.find("TOKEN=****"), std::string::npos) << ex;
  EXPECT_LE(ex.size(), 110u);
}

TEST(ContentScanner, FindsASecretSplitAcrossChunks) {
  std::string body = std::string(100000, '\0') + "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n" + std::string(7000, 'z') +
                     "\n_authToken=abc123\n";
  for (size_t chunk : {13u, 4096u, 65536u}) {
    ContentScanner s;
    for (size_t i = 0; i < body.size(); i += chunk)
      s.feed(reinterpret_cast<const uint8_t*>(body.data()) + i, std::min(chunk, body.size() - i));
    ASSERT_EQ(s.found().size(), 2u) << chunk;
    EXPECT_EQ(s.found()[0], "-----BEGIN ... PRIVATE KEY----- ****");
    EXPECT_EQ(s.found()[1], "_authToken=****");
  }
}

// An executable's prompts ("password: incorrect", "Password:\0...") are not
// assignments; a key or token inside it still is found. Text files keep the rule.
TEST(ContentScanner, ExecutablesAreSearchedForKeysAndTokensOnly) {
  std::string elf = std::string("\x7f" "ELF\x02\x01\x01", 7) + std::string(64, '\0') +
                    std::string("Password:\0\0^sP:+S:m:a:\0password: incorrect\0", 43) + "ghp_" + std::string(36, 'a') +
                    std::string(1, '\0');
  ContentScanner s;
  s.feed(reinterpret_cast<const uint8_t*>(elf.data()), elf.size());
  ASSERT_EQ(s.found().size(), 1u);
  EXPECT_EQ(s.found()[0], "ghp_****");
  std::string text = "password: incorrect\n";
  ContentScanner t;
  t.feed(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  EXPECT_EQ(t.found().size(), 1u);
  // A NUL ends a value: "Password:" followed by binary bytes is no assignment.
  EXPECT_TRUE(find_secrets(std::string_view("Password:\0\x01\x02" "abc", 15)).empty());
}

TEST(Rules, TableAndSeverities) {
  for (const Rule& r : rules()) EXPECT_EQ(find_rule(r.id), &r);
  EXPECT_EQ(find_rule("nope"), nullptr);
  Severity s;
  EXPECT_TRUE(parse_severity("HIGH", &s));
  EXPECT_EQ(s, Severity::kHigh);
  EXPECT_FALSE(parse_severity("severe", &s));
  EXPECT_LT(Severity::kMedium, Severity::kCritical);
}

}  // namespace
}  // namespace layerscope
