#include "layerscope/model.h"

namespace layerscope {

const char* layout_id(Layout l) {
  switch (l) {
    case Layout::kDockerLegacy: return "docker-legacy";
    case Layout::kDockerArchive: return "docker-archive";
    case Layout::kTarball: return "docker-tarball";
    case Layout::kDockerOciHybrid: return "docker-oci-hybrid";
    case Layout::kOciArchive: return "oci-archive";
    case Layout::kUnknown: break;
  }
  return "unknown";
}

const char* layout_title(Layout l) {
  switch (l) {
    case Layout::kDockerLegacy:
      return "Docker save archive, legacy layout (<id>/layer.tar, <id>/json, repositories)";
    case Layout::kDockerArchive:
      return "docker-archive written by containers/image (skopeo, podman, buildah): <digest>.tar layers at the top level";
    case Layout::kTarball:
      return "image tarball (kaniko/crane style): config named sha256:<hex>, compressed layers";
    case Layout::kDockerOciHybrid:
      return "Docker 25+ / containerd export: OCI image layout plus Docker manifest.json";
    case Layout::kOciArchive:
      return "OCI image layout archive (oci-layout, index.json, blobs/)";
    case Layout::kUnknown: break;
  }
  return "unknown layout";
}

const char* compression_name(Compression c) {
  switch (c) {
    case Compression::kNone: return "none";
    case Compression::kGzip: return "gzip";
    case Compression::kZstd: return "zstd";
    case Compression::kXz: return "xz";
    case Compression::kBzip2: return "bzip2";
    case Compression::kUnknown: break;
  }
  return "unknown";
}

const char* entry_type_name(EntryType t) {
  switch (t) {
    case EntryType::kFile: return "file";
    case EntryType::kDir: return "dir";
    case EntryType::kSymlink: return "symlink";
    case EntryType::kHardlink: return "hardlink";
    case EntryType::kCharDev: return "char";
    case EntryType::kBlockDev: return "block";
    case EntryType::kFifo: return "fifo";
    case EntryType::kSocket: return "socket";
    case EntryType::kOther: break;
  }
  return "other";
}

const char* change_name(Change c) {
  switch (c) {
    case Change::kAdded: return "added";
    case Change::kModified: return "modified";
    case Change::kDeleted: return "deleted";
    case Change::kNone: break;
  }
  return "unchanged";
}

char change_mark(Change c) {
  switch (c) {
    case Change::kAdded: return 'A';
    case Change::kModified: return 'M';
    case Change::kDeleted: return 'D';
    case Change::kNone: break;
  }
  return ' ';
}

std::string Platform::to_string() const {
  std::string s = os.empty() ? "?" : os;
  s += "/";
  s += architecture.empty() ? "?" : architecture;
  if (!variant.empty()) s += "/" + variant;
  return s;
}

}  // namespace layerscope
