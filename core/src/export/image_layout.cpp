#include "export/image_layout.h"

#include <map>

#include "archive/tar_writer.h"
#include "base/sha256.h"
#include "digest/names.h"
#include "export/layer_bytes.h"
#include "manifest/documents.h"
#include "manifest/media_types.h"

namespace layerscope {
namespace {

// One member of the output: small documents held as text, layers copied from a source.
struct OutMember {
  std::string text;
  const LayerOut* layer = nullptr;
  bool dir = false;
};

Descriptor descriptor(std::string media_type, std::string digest, int64_t size) {
  Descriptor d;
  d.media_type = std::move(media_type);
  d.digest = std::move(digest);
  d.size = size;
  return d;
}

std::string tag_part(const std::string& ref) {
  auto slash = ref.rfind('/');
  auto colon = ref.rfind(':');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) return "latest";
  return ref.substr(colon + 1);
}

// index.json entries for one manifest: one per tag (docker and skopeo both do so).
void index_entries(const ImageOut& img, const Descriptor& manifest, bool docker, ImageIndex* index) {
  if (img.tags.empty()) index->manifests.push_back(manifest);
  for (const std::string& t : img.tags) {
    Descriptor d = manifest;
    if (docker) d.annotations = {{"io.containerd.image.name", t}, {"org.opencontainers.image.ref.name", tag_part(t)}};
    else d.annotations = {{"org.opencontainers.image.ref.name", t}};
    index->manifests.push_back(std::move(d));
  }
}

// The documents of the plan and the blob table, keyed by member path (sorted).
Result<std::map<std::string, OutMember>> members_of(const LayoutPlan& plan) {
  std::map<std::string, OutMember> out;
  out["blobs/"].dir = true;
  out["blobs/sha256/"].dir = true;
  out["oci-layout"].text = R"({"imageLayoutVersion":"1.0.0"})";
  ImageIndex index;
  index.media_type = kMtOciIndex;
  std::vector<DockerManifestEntry> docker;
  for (const ImageOut& img : plan.images) {
    std::string cfg_digest = Sha256::digest_of(img.config_json);
    out[blob_path(cfg_digest)].text = img.config_json;
    ImageManifest m;
    m.media_type = kMtOciManifest;
    m.config = descriptor(kMtOciConfig, cfg_digest, static_cast<int64_t>(img.config_json.size()));
    DockerManifestEntry e;
    e.config = blob_path(cfg_digest);
    e.repo_tags = img.tags;
    e.parent = img.parent;
    for (const LayerOut& l : img.layers) {
      m.layers.push_back(descriptor(l.media_type, l.digest, static_cast<int64_t>(l.size)));
      std::string p = blob_path(l.digest);
      if (p.empty()) return make_error(Code::kInternal, "layer without a digest", l.source);
      if (!out[p].layer) out[p].layer = &l;  // a layer shared by images (or twice in one): stored once
      e.layers.push_back(p);
    }
    LS_ASSIGN_OR_RETURN(std::string mtext, write_image_manifest(m));
    std::string mdigest = Sha256::digest_of(mtext);
    out[blob_path(mdigest)].text = mtext;
    index_entries(img, descriptor(kMtOciManifest, mdigest, static_cast<int64_t>(mtext.size())), plan.docker_manifest,
                  &index);
    docker.push_back(std::move(e));
  }
  LS_ASSIGN_OR_RETURN(out["index.json"].text, write_image_index(index));
  if (plan.docker_manifest) {
    LS_ASSIGN_OR_RETURN(out["manifest.json"].text, write_docker_manifest(docker));
  }
  return out;
}

TarEntryHeader header(const std::string& path, const OutMember& m) {
  TarEntryHeader h;
  h.path = path;
  h.type = m.dir ? EntryType::kDir : EntryType::kFile;
  h.mode = m.dir ? 0755 : 0644;
  h.size = m.dir ? 0 : static_cast<int64_t>(m.layer ? m.layer->size : m.text.size());
  return h;
}

// The current tar member's payload as a ByteSink.
class EntrySink final : public ByteSink {
 public:
  EntrySink(TarWriter& tw, ByteSink& out) : tw_(tw), out_(out) {}
  Status write(const void* d, size_t n) override { return tw_.write(d, n); }
  Status finish() override { return Status::Ok(); }
  std::string name() const override { return out_.name(); }

 private:
  TarWriter& tw_;
  ByteSink& out_;
};

struct Copier {
  const BlobOpener& open;
  const Limits& limits;
  const ProgressFn& progress;
  uint64_t done = 0, total = 0;

  Status copy(const LayerOut& l, TarWriter& tw, ByteSink& out) {
    EntrySink entry(tw, out);
    if (l.produce) return l.produce(entry);
    std::shared_ptr<ByteSource> src = l.made;
    if (!src) {
      LS_ASSIGN_OR_RETURN(src, open(l.source));
    }
    LayerBytes how{l.recompress && !l.made, l.compression, limits, {}};
    const uint64_t base = done;
    how.tick = [this, base, &l](uint64_t n) {
      done = base + n;
      return !progress || progress(Progress{"save", done, total, l.source});
    };
    LS_RETURN_IF_ERROR(write_layer_bytes(src, how, l.source, entry));
    done = base + src->size();
    return Status::Ok();
  }
};

}  // namespace

std::string oci_layer_media_type(Compression c) {
  switch (c) {
    case Compression::kNone: return kMtOciLayer;
    case Compression::kGzip: return kMtOciLayerGzip;
    case Compression::kZstd: return kMtOciLayerZstd;
    default: return {};
  }
}

Status write_image_layout(const LayoutPlan& plan, const BlobOpener& open, const Limits& limits, ByteSink& sink,
                          const ProgressFn& progress) {
  LS_ASSIGN_OR_RETURN(auto members, members_of(plan));
  Copier copier{open, limits, progress};
  for (auto& [path, m] : members)
    if (m.layer) copier.total += m.layer->size;
  LS_ASSIGN_OR_RETURN(auto tw, TarWriter::open(&sink));
  for (auto& [path, m] : members) {
    LS_RETURN_IF_ERROR(tw->add(header(path, m)));
    if (m.layer) LS_RETURN_IF_ERROR(copier.copy(*m.layer, *tw, sink));
    else if (!m.text.empty()) LS_RETURN_IF_ERROR(tw->write(m.text.data(), m.text.size()));
  }
  return tw->finish();
}

}  // namespace layerscope
