#include "image/layout.h"

#include "base/paths.h"
#include "layerscope/text.h"

namespace layerscope {

ImageSource detect_image_source(Loaded& L) {
  auto has = [&](const char* p) { return L.by_path.count(p) != 0; };
  bool has_manifest = has("manifest.json"), has_index = has("index.json"), has_layout = has("oci-layout");
  for (const char* p : {"manifest.json", "index.json", "oci-layout", "repositories"})
    if (has(p)) L.archive.members_of_note.push_back(p);
  if (has_index && (has_layout || !has_manifest)) {
    L.archive.layout = has_manifest ? Layout::kDockerOciHybrid : Layout::kOciArchive;
    return ImageSource::kOciIndex;
  }
  if (has_manifest) return ImageSource::kDockerManifest;
  return ImageSource::kNone;
}

Layout classify_docker_family(const Loaded& L) {
  bool legacy = false, flat = false, tarball = false;
  for (auto& img : L.archive.images) {
    for (auto& l : img.layers) {
      const Blob& b = L.archive.blobs[l.blob];
      const std::string& ref = b.referenced_as;
      if (basename_of(ref) == "layer.tar" && !dirname_of(ref).empty()) {
        if (b.member != ref) flat = true;
        else legacy = true;
      } else if (ref.find('/') == std::string::npos) {
        if (ref.size() > 7 && ref.compare(ref.size() - 7, 7, ".tar.gz") == 0) tarball = true;
        else flat = true;
      }
    }
  }
  for (auto& m : L.members)
    if (m.path.rfind("sha256:", 0) == 0) tarball = true;
  if (flat) return Layout::kDockerArchive;
  if (tarball) return Layout::kTarball;
  if (legacy || L.by_path.count("repositories")) return Layout::kDockerLegacy;
  return Layout::kDockerArchive;
}

Error no_image_error(const Loaded& L) {
  std::string seen;
  for (size_t i = 0; i < L.members.size() && i < 8; ++i) seen += (i ? ", " : "") + escape_text(L.members[i].path, 100);
  if (L.members.size() > 8) seen += ", …";
  return make_error(Code::kNotImage,
                    "no image found: the archive has neither manifest.json (docker save) nor "
                    "index.json + oci-layout (OCI); it holds " +
                        std::to_string(L.members.size()) + " members" + (seen.empty() ? std::string() : ": " + seen),
                    L.src->name());
}

void guess_producer(Archive& a) {
  if (a.images.empty()) {
    // Nothing to tell one tool's images from another's: no guess.
    a.producer = "unknown (the archive holds no image)";
    return;
  }
  bool buildah = false, umoci = false;
  for (auto& img : a.images) {
    if (img.config_json.find("\"io.buildah.version\"") != std::string::npos) buildah = true;
    for (auto& h : img.history)
      if (h.created_by.find("umoci") != std::string::npos || h.author.find("umoci") != std::string::npos ||
          h.comment.find("umoci") != std::string::npos)
        umoci = true;
  }
  switch (a.layout) {
    case Layout::kDockerLegacy: a.producer = "docker save (Docker Engine 24 or older)"; break;
    case Layout::kDockerArchive:
      a.producer = buildah ? "buildah (containers/image docker-archive)"
                           : "skopeo or podman (containers/image docker-archive)";
      break;
    case Layout::kTarball: a.producer = "kaniko / crane style tarball"; break;
    case Layout::kDockerOciHybrid: a.producer = "docker save (Docker Engine 25 or newer) or containerd export"; break;
    case Layout::kOciArchive:
      a.producer = umoci ? "umoci (then skopeo/podman oci-archive)"
                 : buildah ? "buildah (oci-archive)"
                           : "skopeo, podman or another OCI tool (oci-archive)";
      break;
    case Layout::kUnknown: a.producer = "unknown"; break;
  }
}

}  // namespace layerscope
