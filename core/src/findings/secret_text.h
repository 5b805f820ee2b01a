// findings/secret_text — tokens and passwords in a piece of text (a history
// command, an Env or label entry, a window of a file's content), found by hand
// scanners in one linear pass (no regex engine: inputs can be megabytes long):
//   - PEM private key headers ("-----BEGIN ... PRIVATE KEY-----");
//   - AWS access key ids (AKIA/ASIA + 16), GitHub (ghp_/gho_/ghu_/ghs_/ghr_,
//     github_pat_) and GitLab (glpat-) tokens;
//   - a password in a URL (scheme://user:PASSWORD@host);
//   - NAME=VALUE / NAME: VALUE / "NAME": "VALUE" where NAME says password,
//     secret, token, api key, access key, private key or auth, and VALUE is a
//     literal (not empty, not a $variable).
// A hit keeps only where the secret value lies and a masked label; callers
// print masked text only.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace layerscope {

struct SecretHit {
  size_t begin = 0, end = 0;  // the secret value's bytes in the text (masked as "****")
  std::string kind;           // "pem-private-key", "aws-access-key-id", "github-token", "gitlab-token",
                              // "url-password", "assignment"
  std::string label;          // masked description: "ghp_****", "PASSWORD=****"
};

std::vector<SecretHit> find_secrets(std::string_view text);

// `text` with every hit's value replaced by "****", cut to about `width` bytes
// around the first hit ("…" marks a cut).
std::string masked_excerpt(std::string_view text, const std::vector<SecretHit>& hits, size_t width = 160);

}  // namespace layerscope
