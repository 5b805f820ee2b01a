#include "findings/secret_text.h"

#include <algorithm>
#include <cctype>

namespace layerscope {
namespace {

bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool name_char(char c) { return alnum(c) || c == '_' || c == '-' || c == '.'; }
bool space(char c) { return c == ' ' || c == '\t'; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ends_with(std::string_view s, std::string_view suf) {
  return s.size() >= suf.size() && s.substr(s.size() - suf.size()) == suf;
}

// Does a variable name say it holds a secret?
bool secret_name(std::string_view name) {
  std::string n = lower(name);
  for (std::string_view suf : {"_file", "_path", "_dir", "_url", "_uri", "_name", "_user", "_username"})
    if (ends_with(n, suf)) return false;
  for (std::string_view w : {"password", "passwd", "secret", "token", "apikey", "api_key", "api-key", "access_key",
                             "accesskey", "private_key", "privatekey"})
    if (n.find(w) != std::string::npos) return true;
  return n == "auth" || n == "_auth" || ends_with(n, "_auth") || n == "pass" || ends_with(n, "_pass");
}

// Length of the run of bytes from `at` accepted by `ok`.
template <typename F>
size_t run_of(std::string_view t, size_t at, F ok) {
  size_t n = 0;
  while (at + n < t.size() && ok(t[at + n])) ++n;
  return n;
}

struct Token {
  std::string_view prefix;
  size_t min_len, max_len;  // of the part after the prefix
  bool upper_only;          // [A-Z0-9] (AWS) rather than [A-Za-z0-9_-]
  const char* kind;
};
const Token kTokens[] = {
    {"AKIA", 16, 16, true, "aws-access-key-id"},  {"ASIA", 16, 16, true, "aws-access-key-id"},
    {"ghp_", 36, 255, false, "github-token"},     {"gho_", 36, 255, false, "github-token"},
    {"ghu_", 36, 255, false, "github-token"},     {"ghs_", 36, 255, false, "github-token"},
    {"ghr_", 36, 255, false, "github-token"},     {"github_pat_", 22, 255, false, "github-token"},
    {"glpat-", 20, 255, false, "gitlab-token"},
};

bool token_at(std::string_view t, size_t i, SecretHit* hit) {
  if (i > 0 && (alnum(t[i - 1]) || t[i - 1] == '_')) return false;
  for (const Token& k : kTokens) {
    if (t.compare(i, k.prefix.size(), k.prefix) != 0) continue;
    size_t at = i + k.prefix.size();
    size_t n = k.upper_only ? run_of(t, at, [](char c) { return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)); })
                            : run_of(t, at, [](char c) { return alnum(c) || c == '_' || c == '-'; });
    if (n < k.min_len || n > k.max_len || (at + n < t.size() && alnum(t[at + n]))) continue;
    *hit = SecretHit{at, at + n, k.kind, std::string(k.prefix) + "****"};
    return true;
  }
  return false;
}

bool pem_at(std::string_view t, size_t i, SecretHit* hit) {
  static constexpr std::string_view kBegin = "-----BEGIN ";
  if (t.compare(i, kBegin.size(), kBegin) != 0) return false;
  size_t close = t.find("-----", i + kBegin.size());
  if (close == std::string_view::npos || close - i > 80) return false;
  if (!ends_with(t.substr(i, close - i), "PRIVATE KEY")) return false;
  // The body: base64 and line breaks, up to "-----END" (or whatever else ends it).
  size_t body = close + 5;
  size_t end = body + run_of(t, body, [](char c) {
    return alnum(c) || c == '+' || c == '/' || c == '=' || c == '\n' || c == '\r' || space(c);
  });
  *hit = SecretHit{body, end, "pem-private-key", "-----BEGIN ... PRIVATE KEY----- ****"};
  return true;
}

// scheme://user:PASSWORD@host
bool url_password_at(std::string_view t, size_t i, SecretHit* hit) {
  if (t.compare(i, 3, "://") != 0) return false;
  auto userinfo = [](char c) { return !space(c) && c != ':' && c != '/' && c != '@' && c != '\n' && c != '"' && c != '\''; };
  size_t u = run_of(t, i + 3, userinfo);
  size_t colon = i + 3 + u;
  if (u == 0 || colon >= t.size() || t[colon] != ':') return false;
  size_t p = run_of(t, colon + 1, userinfo);
  size_t at = colon + 1 + p;
  if (p == 0 || at >= t.size() || t[at] != '@') return false;
  *hit = SecretHit{colon + 1, at, "url-password", "://user:****@"};
  return true;
}

// NAME=VALUE, NAME: VALUE, "NAME": "VALUE", NAME = 'VALUE'.
bool assignment_at(std::string_view t, size_t i, SecretHit* hit) {
  if (i > 0 && name_char(t[i - 1])) return false;
  size_t n = run_of(t, i, name_char);
  if (n == 0 || !secret_name(t.substr(i, n))) return false;
  size_t k = i + n;
  if (k < t.size() && (t[k] == '"' || t[k] == '\'')) ++k;
  k += run_of(t, k, space);
  if (k >= t.size() || (t[k] != '=' && t[k] != ':')) return false;
  ++k;
  k += run_of(t, k, space);
  size_t vb = k, ve;
  if (k < t.size() && (t[k] == '"' || t[k] == '\'')) {
    char q = t[k];
    vb = k + 1;
    ve = t.find(q, vb);
    if (ve == std::string_view::npos) ve = t.size();
  } else {
    // A value is printable text: a control byte (NUL in a binary's string table) ends it.
    ve = vb + run_of(t, vb, [](char c) {
      const auto u = static_cast<unsigned char>(c);
      return u > 0x20 && u != 0x7f && c != ';' && c != '&' && c != '|' && c != ')' && c != ',' && c != '}' &&
             c != '"' && c != '\'';
    });
  }
  if (ve == vb || t[vb] == '$') return false;
  std::string name(t.substr(i, std::min<size_t>(n, 64)));
  *hit = SecretHit{vb, ve, "assignment", name + "=****"};
  return true;
}

}  // namespace

std::vector<SecretHit> find_secrets(std::string_view t) {
  std::vector<SecretHit> hits;
  SecretHit h;
  for (size_t i = 0; i < t.size();) {
    if (pem_at(t, i, &h) || token_at(t, i, &h) || url_password_at(t, i, &h) || assignment_at(t, i, &h)) {
      hits.push_back(h);
      i = std::max(h.end, i + 1);
      continue;
    }
    ++i;
  }
  return hits;
}

std::string masked_excerpt(std::string_view t, const std::vector<SecretHit>& hits, size_t width) {
  std::string out;
  size_t first = 0, at = 0;
  for (size_t k = 0; k < hits.size(); ++k) {
    const SecretHit& h = hits[k];
    if (h.begin < at || h.begin > t.size()) continue;
    out.append(t.substr(at, h.begin - at));
    if (k == 0) first = out.size();
    out += "****";
    at = h.end;
  }
  out.append(t.substr(std::min(at, t.size())));
  if (out.size() <= width) return out;
  size_t from = first > width / 3 ? first - width / 3 : 0;
  std::string cut = out.substr(from, width);
  return (from > 0 ? "…" : "") + cut + (from + width < out.size() ? "…" : "");
}

}  // namespace layerscope
