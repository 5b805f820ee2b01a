#include "api/image_refs.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "layerscope/text.h"

namespace layerscope {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string image_label(const Image& img, int i) {
  std::string id = img.config_digest.size() > 19 ? img.config_digest.substr(7, 12) : img.config_digest;
  std::string s = "#" + std::to_string(i) + " " + (id.empty() ? "(no config)" : id);
  if (!img.tags.empty()) {
    s += " (";
    for (size_t k = 0; k < img.tags.size(); ++k) s += (k ? ", " : "") + img.tags[k];
    s += ")";
  }
  if (!img.platform.os.empty() || !img.platform.architecture.empty()) s += " " + img.platform.to_string();
  return s;
}

// The images an error offers as choices: escaped (tags are archive bytes), and at
// most kMaxChoices of them (an archive may hold thousands).
std::string choices(const Archive& a) {
  constexpr size_t kMaxChoices = 20;
  std::string s;
  for (size_t i = 0; i < a.images.size() && i < kMaxChoices; ++i)
    s += "\n  " + escape_text(image_label(a.images[i], static_cast<int>(i)), 2 * kQuoteBytes);
  if (a.images.size() > kMaxChoices) s += "\n  … and " + std::to_string(a.images.size() - kMaxChoices) + " more";
  return s;
}

// Docker's reference rules, loosely: "repo" means "repo:latest"; "docker.io/" and
// "docker.io/library/" prefixes are optional; "localhost/" likewise (podman).
std::vector<std::string> tag_forms(std::string_view ref) {
  std::string r(ref);
  std::vector<std::string> forms{r};
  auto last_slash = r.rfind('/');
  bool has_tag = r.find(':', last_slash == std::string::npos ? 0 : last_slash) != std::string::npos;
  if (!has_tag && r.find('@') == std::string::npos) forms.push_back(r + ":latest");
  std::vector<std::string> out;
  for (auto& f : forms) {
    out.push_back(f);
    out.push_back("docker.io/" + f);
    out.push_back("docker.io/library/" + f);
    out.push_back("localhost/" + f);
  }
  return out;
}

std::string lower(std::string_view in) {
  std::string s(in);
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// containerd's normalisation (platforms.Normalize): architecture aliases, "7" ->
// "v7", and each architecture's default variant made explicit (amd64 v1, arm64
// v8, arm v7), so "linux/arm64" and "linux/arm64/v8" name the same platform.
struct NormPlatform {
  std::string os, arch, variant;
};
NormPlatform normalize_platform(std::string_view os, std::string_view arch, std::string_view variant) {
  NormPlatform p{lower(os), lower(arch), lower(variant)};
  if (p.arch == "x86_64" || p.arch == "x86-64") p.arch = "amd64";
  else if (p.arch == "i386" || p.arch == "i686") p.arch = "386";
  else if (p.arch == "aarch64") p.arch = "arm64";
  else if (p.arch == "armhf") { p.arch = "arm"; if (p.variant.empty()) p.variant = "v7"; }
  else if (p.arch == "armel") { p.arch = "arm"; if (p.variant.empty()) p.variant = "v6"; }
  if (p.variant.size() == 1 && std::isdigit(static_cast<unsigned char>(p.variant[0]))) p.variant = "v" + p.variant;
  if (p.variant == "8" || (p.arch == "arm64" && p.variant.empty())) p.variant = "v8";
  if (p.arch == "amd64" && p.variant.empty()) p.variant = "v1";
  if (p.arch == "arm" && p.variant.empty()) p.variant = "v7";
  return p;
}

// Does the image's platform match the first `parts` parts of the wanted one
// (os, arch, variant)? With parts < 3 any variant of the architecture matches
// (resolve_image then prefers the default one).
bool platform_matches(const Platform& img, const NormPlatform& want, size_t parts) {
  NormPlatform p = normalize_platform(img.os, img.architecture, img.variant);
  if (p.os != want.os) return false;
  if (parts > 1 && p.arch != want.arch) return false;
  if (parts > 2 && p.variant != want.variant) return false;
  return true;
}

// Which images match `platform` ("os[/arch[/variant]]"), and, when no variant is
// named, which of those have the architecture's default one ("linux/amd64"
// matching both amd64 (v1) and amd64/v3: the default variant wins, as
// containerd's matcher ranks it).
Status platform_sets(const std::vector<const Platform*>& ps, std::string_view platform, std::vector<bool>* allowed,
                     std::vector<bool>* preferred) {
  std::vector<std::string> want;
  std::string cur;
  for (char c : platform) {
    if (c == '/') {
      want.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  want.push_back(cur);
  if (want.size() > 3 || std::any_of(want.begin(), want.end(), [](const std::string& x) { return x.empty(); }))
    return make_error(Code::kInvalidArgument,
                      "platform '" + escape_text(platform, kQuoteBytes) + "' is not os[/arch[/variant]] (e.g. linux/arm64)");
  NormPlatform w = normalize_platform(want[0], want.size() > 1 ? want[1] : "", want.size() > 2 ? want[2] : "");
  size_t n = ps.size();
  allowed->assign(n, false);
  preferred->assign(n, false);
  for (size_t i = 0; i < n; ++i) {
    (*allowed)[i] = platform_matches(*ps[i], w, want.size());
    (*preferred)[i] = want.size() == 2 && (*allowed)[i] && platform_matches(*ps[i], w, 3);
  }
  return Status::Ok();
}

std::vector<const Platform*> platforms_of(const Archive& a) {
  std::vector<const Platform*> ps;
  for (auto& img : a.images) ps.push_back(&img.platform);
  return ps;
}

}  // namespace

Result<std::vector<bool>> match_platforms(std::string_view platform, const std::vector<const Platform*>& ps) {
  std::vector<bool> allowed, preferred;
  LS_RETURN_IF_ERROR(platform_sets(ps, platform, &allowed, &preferred));
  return allowed;
}

Result<std::vector<int>> images_for_platform(const Archive& a, std::string_view platform) {
  std::vector<bool> allowed, preferred;
  LS_RETURN_IF_ERROR(platform_sets(platforms_of(a), platform, &allowed, &preferred));
  std::vector<int> out;
  for (size_t i = 0; i < allowed.size(); ++i)
    if (allowed[i]) out.push_back(static_cast<int>(i));
  return out;
}

Error no_image_error(const Archive& a) {
  bool manifest = std::find(a.members_of_note.begin(), a.members_of_note.end(), "manifest.json") !=
                  a.members_of_note.end();
  bool index = std::find(a.members_of_note.begin(), a.members_of_note.end(), "index.json") != a.members_of_note.end();
  std::string doc = index ? "index.json" : manifest ? "manifest.json" : a.name;
  return make_error(Code::kNotImage,
                    "the archive holds no image: " + doc +
                        " lists none that can be read (docker load and skopeo refuse such an archive)",
                    doc);
}

Result<int> resolve_image(const Archive& a, std::string_view ref, std::string_view platform) {
  int n = static_cast<int>(a.images.size());
  if (n == 0) return no_image_error(a);
  // The images the platform allows (all without one).
  std::vector<bool> allowed(n, true), preferred(n, false);
  std::string plat_note;
  // Several hits: keep those of the default variant, if that narrows them.
  auto prefer_default = [&](std::vector<int>& hits) {
    std::vector<int> d;
    for (int i : hits)
      if (preferred[i]) d.push_back(i);
    if (!d.empty() && hits.size() > 1) hits = d;
  };
  if (!platform.empty()) {
    LS_RETURN_IF_ERROR(platform_sets(platforms_of(a), platform, &allowed, &preferred));
    int count = static_cast<int>(std::count(allowed.begin(), allowed.end(), true));
    plat_note = " for platform " + escape_text(platform, kQuoteBytes);
    if (count == 0)
      return make_error(Code::kNotFound, "no image" + plat_note + "; choices:" + choices(a));
    if (ref.empty()) {
      std::vector<int> hits;
      for (int i = 0; i < n; ++i)
        if (allowed[i]) hits.push_back(i);
      prefer_default(hits);
      if (hits.size() == 1) return hits[0];
      return make_error(Code::kAmbiguous, std::to_string(hits.size()) + " images" + plat_note +
                                              "; name one by tag, ID or index:" + choices(a));
    }
  }
  if (ref.empty()) {
    if (n == 1) return 0;
    return make_error(Code::kAmbiguous, "the archive holds " + std::to_string(n) +
                                            " images; name one by tag, ID or index:" + choices(a));
  }
  // Index: "0", "#0".
  std::string_view num = ref;
  if (!num.empty() && num[0] == '#') num.remove_prefix(1);
  if (!num.empty() && num.size() < 10 && std::all_of(num.begin(), num.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    int i = std::stoi(std::string(num));
    if (i < n) {
      if (!allowed[i])
        return make_error(Code::kNotFound, "image #" + std::to_string(i) + " is not" + plat_note +
                                               "; choices:" + choices(a));
      return i;
    }
    if (ref[0] == '#')
      return make_error(Code::kNotFound, "no image #" + std::string(num) + "; choices:" + choices(a));
  }
  // Tags.
  std::vector<int> hits;
  auto forms = tag_forms(ref);
  for (int i = 0; i < n; ++i) {
    if (!allowed[i]) continue;
    for (auto& t : a.images[i].tags) {
      bool m = false;
      for (auto& f : forms) m = m || t == f;
      for (auto& f : tag_forms(t)) m = m || f == ref;
      if (m) { hits.push_back(i); break; }
    }
  }
  prefer_default(hits);
  if (hits.size() == 1) return hits[0];
  if (hits.size() > 1)
    return make_error(Code::kAmbiguous, "tag '" + std::string(ref) + "' matches several images" + plat_note +
                                            " (pick one with --platform or by index):" + choices(a));
  // ID / manifest digest prefixes.
  std::string_view hex = ref;
  if (starts_with(hex, "sha256:")) hex.remove_prefix(7);
  if (hex.size() >= 1 && std::all_of(hex.begin(), hex.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
    for (int i = 0; i < n; ++i) {
      if (!allowed[i]) continue;
      const Image& img = a.images[i];
      bool m = (img.config_digest.size() > 7 && starts_with(std::string_view(img.config_digest).substr(7), hex)) ||
               (img.manifest_digest.size() > 7 && starts_with(std::string_view(img.manifest_digest).substr(7), hex));
      if (m) hits.push_back(i);
    }
    prefer_default(hits);
    if (hits.size() == 1) return hits[0];
    if (hits.size() > 1)
      return make_error(Code::kAmbiguous, "ID prefix '" + std::string(ref) + "' matches several images" + plat_note +
                                              ":" + choices(a));
  }
  return make_error(Code::kNotFound, "no image matches '" + std::string(ref) + "'" + plat_note + "; choices:" + choices(a));
}

}  // namespace layerscope
