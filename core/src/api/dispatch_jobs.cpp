// The request dispatcher's jobs that read whole layers: verify (its plan and
// its rows) and the writers (writePlan, recompress, write). See dispatch_impl.h.
#include "api/dispatch_impl.h"

namespace layerscope {

using namespace dispatch_internal;

Dispatcher::Impl::Value Dispatcher::Impl::verify_plan(const Args& a) {
  LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
  return blob_ranges_value(*s->session, s->session->plain_blobs());
}

Dispatcher::Impl::Value Dispatcher::Impl::verify(const Args& a, const DispatchRequest& req) {
  LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
  LS_ASSIGN_OR_RETURN(bool reopen, a.boolean("reopen", false));
  // index: false hashes an archive opened for its summary without reading
  // its layers' entries; blobs/digests (parallel) are the stored digests of
  // plain blobs the host hashed (verifyPlan).
  LS_ASSIGN_OR_RETURN(bool index, a.boolean("index", true));
  LS_ASSIGN_OR_RETURN(std::vector<int> blobs, a.indexes("blobs"));
  LS_ASSIGN_OR_RETURN(std::vector<std::string> digests, a.strings("digests"));
  if (blobs.size() != digests.size()) return a.bad("digests", "blobs and digests must have the same length");
  if (!blobs.empty() && (reopen || index))
    return a.bad("digests", "digests are taken only with index: false on an archive with random access");
  if (!index && !reopen) {
    std::vector<Session::StoredDigest> stored;
    for (size_t i = 0; i < blobs.size(); ++i) stored.push_back({blobs[i], digests[i]});
    LS_RETURN_IF_ERROR(s->session->verify(req.progress, stored));
  } else if (reopen || !s->session->layers_indexed()) {
    // Opened for its summary only, it is indexed with the hashing.
    // Index again with hashing on; the old session stays if that fails.
    std::shared_ptr<ByteSource> src = req.source ? req.source : s->source;
    OpenOptions o;
    o.verify = true;
    o.progress = req.progress;
    LS_ASSIGN_OR_RETURN(auto fresh, Session::open(src, std::move(o)));
    // The archive's cursors continue on the new session where they stood; one
    // that cannot be opened again (its file is gone) is closed.
    uint64_t h = handle_of(s);
    for (auto it = cursors.begin(); it != cursors.end();) {
      Cursor& c = it->second;
      if (c.archive != h) { ++it; continue; }
      uint64_t pos = c.reader->position();
      auto r = fresh->open_file(c.image, c.layer, c.path);
      if (r.ok() && pos > 0 && !r.value()->seek(std::min(pos, r.value()->size())).ok()) r = Error{};
      if (!r.ok()) { it = cursors.erase(it); continue; }
      c.reader = std::move(r).value();
      c.session = fresh.get();
      ++it;
    }
    s->implicit.clear();
    s->session = std::move(fresh);
    s->source = std::move(src);
  } else {
    LS_RETURN_IF_ERROR(s->session->verify(req.progress));
  }
  return "{\"bytes_read\":" + std::to_string(s->session->source().bytes_read()) +
         ",\"summary\":" + s->session->inspect_json() + "}";
}

Dispatcher::Impl::Value Dispatcher::Impl::verify_rows(const Args& a, const DispatchRequest& req) {
  LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
  LS_ASSIGN_OR_RETURN(VerifyReport rep, s->session->verify_report(req.progress));
  return verify_report_json(rep);
}

Result<std::vector<RecompressedLayer>> Dispatcher::Impl::recompressed(const Args& a, const DispatchRequest& req, Compression c) {
  std::vector<RecompressedLayer> out;
  LS_RETURN_IF_ERROR(a.objects("recompressed", [&](const Args& r) -> Status {
    if (!req.kept) return r.bad("at", "layers compressed elsewhere need their bytes (kept)");
    RecompressedLayer l;
    l.compression = c;
    LS_ASSIGN_OR_RETURN(l.member, r.string("member"));
    LS_ASSIGN_OR_RETURN(l.digest, r.string("digest"));
    if (l.digest.rfind("sha256:", 0) != 0 || l.digest.size() != 71) return r.bad("digest", "not a sha256 digest");
    LS_ASSIGN_OR_RETURN(int64_t size, r.integer("size", std::nullopt, 0));
    LS_ASSIGN_OR_RETURN(int64_t at, r.integer("at", std::nullopt, 0));
    if (static_cast<uint64_t>(at) > req.kept->size() || static_cast<uint64_t>(size) > req.kept->size() - at)
      return r.bad("at", "lies past the end of the kept bytes");
    l.size = static_cast<uint64_t>(size);
    l.bytes = make_window_source(req.kept, static_cast<uint64_t>(at), l.size, "compressed anew: " + l.member);
    out.push_back(std::move(l));
    return Status::Ok();
  }));
  return out;
}

Dispatcher::Impl::Value Dispatcher::Impl::write_plan(const Args& a) {
  LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
  LS_ASSIGN_OR_RETURN(std::string what, a.string("what"));
  std::vector<LayerToRecompress> layers;
  if (what == "save") {
    SaveOptions o;
    LS_ASSIGN_OR_RETURN(o.images, a.indexes("images"));
    LS_RETURN_IF_ERROR(write_format(a, &o.format, &o.recompress, &o.compression));
    LS_ASSIGN_OR_RETURN(layers, s->session->layers_to_recompress(o));
  } else if (what == "strip") {
    StripOptions o;
    LS_ASSIGN_OR_RETURN(o.image, a.small_int("image", 0, 0));
    LS_ASSIGN_OR_RETURN(o.paths, a.strings("paths"));
    if (o.paths.empty()) return a.bad("paths", "strip needs at least one path");
    LS_RETURN_IF_ERROR(write_format(a, &o.format, &o.recompress, &o.compression));
    LS_ASSIGN_OR_RETURN(layers, s->session->layers_to_recompress(o));
  } else if (what != "squash" && what != "export" && what != "file") {
    return a.bad("what", "what is save, squash, strip, export or file, not '" + what + "'");
  }
  json out = json::object();
  out["layers"] = json::array();
  for (const LayerToRecompress& l : layers)
    out["layers"].push_back({{"member", l.member},
                             {"size", l.size},
                             {"blob", l.blob},
                             {"plain", l.stored == Compression::kNone}});
  return dump(out);
}

Dispatcher::Impl::Value Dispatcher::Impl::recompress(const Args& a, const DispatchRequest& req) {
  if (!req.scratch) return a.bad("scratch", "recompress needs scratch storage");
  LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
  LS_ASSIGN_OR_RETURN(std::string member, a.string("member"));
  SaveFormat f;
  bool again = false;
  Compression c = Compression::kNone;
  LS_RETURN_IF_ERROR(write_format(a, &f, &again, &c));
  if (!again) return a.bad("compress", "missing argument 'compress'");
  LS_ASSIGN_OR_RETURN(RecompressedLayer l, s->session->recompress_layer(member, c, req.scratch, req.progress));
  json out = {{"member", l.member}, {"digest", l.digest}, {"size", l.size}, {"diff_id", l.diff_id}};
  return dump(out);
}

Dispatcher::Impl::Value Dispatcher::Impl::write(const Args& a, const DispatchRequest& req) {
  if (!req.sink) return a.bad("sink", "write needs a byte sink");
  LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
  LS_ASSIGN_OR_RETURN(std::string what, a.string("what"));
  LS_ASSIGN_OR_RETURN(int image, a.small_int("image", 0, 0));
  CountingSink out(req.sink.get());
  json extra = json::object();
  Session& session = *s->session;
  if (what == "save") {
    SaveOptions o;
    LS_ASSIGN_OR_RETURN(o.images, a.indexes("images"));
    LS_RETURN_IF_ERROR(write_format(a, &o.format, &o.recompress, &o.compression));
    o.scratch = req.scratch;
    LS_ASSIGN_OR_RETURN(o.recompressed, recompressed(a, req, o.compression));
    LS_RETURN_IF_ERROR(session.save(o, out, req.progress));
  } else if (what == "squash") {
    SquashOptions o;
    o.image = image;
    bool recompress = false;
    Compression c = Compression::kNone;
    LS_RETURN_IF_ERROR(write_format(a, &o.format, &recompress, &c));
    LS_RETURN_IF_ERROR(session.squash(o, out, req.progress));
  } else if (what == "strip") {
    StripOptions o;
    o.image = image;
    LS_ASSIGN_OR_RETURN(o.paths, a.strings("paths"));
    if (o.paths.empty()) return a.bad("paths", "strip needs at least one path");
    LS_RETURN_IF_ERROR(write_format(a, &o.format, &o.recompress, &o.compression));
    o.scratch = req.scratch;
    LS_ASSIGN_OR_RETURN(o.recompressed, recompressed(a, req, o.compression));
    LS_ASSIGN_OR_RETURN(WriteSummary w, session.strip(o, out, req.progress));
    extra["image_id"] = w.image_id;
    extra["rewritten"] = w.rewritten;
  } else if (what == "export") {
    ExportOptions o;
    o.image = image;
    LS_ASSIGN_OR_RETURN(o.layer, a.small_int("layer", -1, -1));
    LS_ASSIGN_OR_RETURN(o.path, a.string("path", std::string()));
    LS_RETURN_IF_ERROR(session.export_tar(o, out, req.progress));
  } else if (what == "file") {
    LS_ASSIGN_OR_RETURN(int layer, a.small_int("layer", -1, -1));
    LS_ASSIGN_OR_RETURN(std::string path, a.string("path"));
    LS_ASSIGN_OR_RETURN(auto reader, session.open_file(image, layer, path));
    LS_RETURN_IF_ERROR(copy_file(*reader, out, path, req.progress));
  } else {
    return a.bad("what", "what is save, squash, strip, export or file, not '" + what + "'");
  }
  LS_RETURN_IF_ERROR(out.finish());
  extra["bytes"] = out.count();
  return dump(extra);
}

}  // namespace layerscope
