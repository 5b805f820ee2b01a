// The request dispatcher's views: listings, file reads and cursors, manifests,
// path history, diffs and comparisons, space figures, findings, warnings and
// history. See dispatch_impl.h.
#include "api/dispatch_impl.h"

namespace layerscope {

using namespace dispatch_internal;

Dispatcher::Impl::Value Dispatcher::Impl::list(const Args& a) {
  LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
  LS_ASSIGN_OR_RETURN(int image, a.small_int("image"));
  ListOptions o;
  LS_ASSIGN_OR_RETURN(o.layer, a.small_int("layer", -1));
  LS_ASSIGN_OR_RETURN(o.merged, a.boolean("merged", false));
  LS_ASSIGN_OR_RETURN(o.prefix, a.string("prefix", ""));
  LS_ASSIGN_OR_RETURN(int64_t offset, a.integer("offset", 0, 0));
  LS_ASSIGN_OR_RETURN(int64_t limit, a.integer("limit", 0, 0));
  o.offset = static_cast<uint64_t>(offset);
  o.limit = static_cast<uint64_t>(limit);
  LS_ASSIGN_OR_RETURN(auto l, s->session->listing(image, o));
  uint64_t rest = l->size() - std::min<uint64_t>(o.offset, l->size());
  uint64_t count = o.limit && o.limit < rest ? o.limit : rest;
  if (count > kMaxListEntries)
    return make_error(Code::kLimit,
                      "a page of " + std::to_string(count) + " entries is more than " +
                          std::to_string(kMaxListEntries) + " at once: page through them with offset and limit",
                      "list.limit");
  std::string doc;
  l->write_json(o.offset, o.limit, [&](std::string_view piece) { doc.append(piece); });
  return doc;
}

Dispatcher::Impl::Value Dispatcher::Impl::read(const Args& a, DispatchReply* reply) {
  reply->has_bytes = true;
  LS_ASSIGN_OR_RETURN(int64_t offset, a.integer("offset", 0, 0));
  LS_ASSIGN_OR_RETURN(int64_t length, a.integer("length", std::nullopt, 0));
  if (static_cast<uint64_t>(length) > kMaxReadBytes)
    return make_error(Code::kLimit,
                      "a read of " + std::to_string(length) + " bytes is more than " +
                          std::to_string(kMaxReadBytes >> 20) + " MiB at once: read the file in pieces",
                      "read.length");
  if (a.present("cursor")) {
    LS_ASSIGN_OR_RETURN(Cursor * c, cursor(a));
    auto eof = read_range(*c->reader, offset, length, &reply->bytes);
    if (!eof.ok()) {
      std::erase_if(cursors, [c](const auto& kv) { return &kv.second == c; });  // a failed cursor is closed
      return eof.take_error();
    }
    return read_value(eof.value(), c->reader->size(), warnings_value(*c->session, c->image, c->layer));
  }
  LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
  LS_ASSIGN_OR_RETURN(int image, a.small_int("image"));
  LS_ASSIGN_OR_RETURN(int layer, a.small_int("layer", -1));
  LS_ASSIGN_OR_RETURN(std::string path, a.string("path"));
  auto it = s->implicit.begin();
  while (it != s->implicit.end() && !(it->image == image && it->layer == layer && it->path == path)) ++it;
  if (it == s->implicit.end()) {
    LS_ASSIGN_OR_RETURN(auto r, s->session->open_file(image, layer, path));
    if (s->implicit.size() >= kImplicitCursors) s->implicit.pop_back();
    s->implicit.push_front(Implicit{image, layer, path, std::move(r)});
  } else {
    s->implicit.splice(s->implicit.begin(), s->implicit, it);
  }
  FileReader& r = *s->implicit.front().reader;
  auto eof = read_range(r, offset, length, &reply->bytes);
  if (!eof.ok()) {
    s->implicit.pop_front();
    return eof.take_error();
  }
  return read_value(eof.value(), r.size(), warnings_value(*s->session, image, layer));
}

Dispatcher::Impl::Value Dispatcher::Impl::open_file(const Args& a) {
  LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
  LS_ASSIGN_OR_RETURN(int image, a.small_int("image"));
  LS_ASSIGN_OR_RETURN(int layer, a.small_int("layer", -1));
  LS_ASSIGN_OR_RETURN(std::string path, a.string("path"));
  if (cursors.size() >= kMaxCursors)
    return make_error(Code::kLimit, "too many open file cursors (" + std::to_string(kMaxCursors) + "): close one first",
                      "openFile");
  LS_ASSIGN_OR_RETURN(auto r, s->session->open_file(image, layer, path));
  uint64_t h = next++;
  uint64_t size = r->size();
  cursors[h] = Cursor{handle_of(s), s->session.get(), image, layer, std::move(path), std::move(r)};
  return "{\"cursor\":" + std::to_string(h) + ",\"size\":" + std::to_string(size) +
         ",\"warnings\":" + warnings_value(*s->session, image, layer) + "}";
}

Dispatcher::Impl::Value Dispatcher::Impl::close_file(const Args& a) {
  LS_ASSIGN_OR_RETURN(Cursor * c, cursor(a));
  std::erase_if(cursors, [c](const auto& kv) { return &kv.second == c; });
  return std::string("null");
}

Dispatcher::Impl::Value Dispatcher::Impl::manifest(const Args& a) {
  LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
  const auto& ar = s->session->archive();
  // {index: true}: the archive's top-level index.json as stored (OCI layouts).
  LS_ASSIGN_OR_RETURN(bool index, a.boolean("index", false));
  if (index) {
    if (ar.index_json.empty()) return make_error(Code::kNotFound, "the archive has no index.json", "index.json");
    return dump(json(ar.index_json));
  }
  LS_ASSIGN_OR_RETURN(int image, a.small_int("image"));
  if (image < 0 || image >= static_cast<int>(ar.images.size()))
    return make_error(Code::kInvalidArgument, "no image #" + std::to_string(image));
  return dump(json(ar.images[image].manifest_json));
}

Dispatcher::Impl::Value Dispatcher::Impl::path_history(const Args& a) {
  LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
  LS_ASSIGN_OR_RETURN(int image, a.small_int("image"));
  LS_ASSIGN_OR_RETURN(std::string path, a.string("path"));
  return s->session->path_history_json(image, path);
}

Dispatcher::Impl::Value Dispatcher::Impl::diff(const Args& a) {
  LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
  LS_ASSIGN_OR_RETURN(int image, a.small_int("image"));
  LS_ASSIGN_OR_RETURN(std::string path, a.string("path", ""));
  LS_ASSIGN_OR_RETURN(bool content, a.boolean("content", false));
  const Session* other = s->session.get();
  int other_image = image, from = -1, to = -1;
  if (a.present("against")) {
    LS_ASSIGN_OR_RETURN(ArchiveSlot * o, archive(a, "against"));
    other = o->session.get();
    LS_ASSIGN_OR_RETURN(other_image, a.small_int("against_image"));
    const auto& images = s->session->archive().images;
    if (image >= 0 && image < static_cast<int>(images.size())) from = static_cast<int>(images[image].layers.size()) - 1;
  } else {
    LS_ASSIGN_OR_RETURN(from, a.small_int("from"));
    LS_ASSIGN_OR_RETURN(to, a.small_int("to", -1));
  }
  if (content) {
    if (path.empty()) return a.bad("path", "a content diff needs the path of a file");
    LS_ASSIGN_OR_RETURN(ContentDiff c, s->session->content_diff(image, from, other, other_image, to, path));
    return content_diff_json(c);
  }
  auto r = a.present("against") ? s->session->compare(image, *other, other_image, path)
                                : s->session->diff(image, from, to, path);
  LS_ASSIGN_OR_RETURN(auto c, std::move(r));
  if (c->size() > kMaxListEntries)
    return make_error(Code::kLimit,
                      std::to_string(c->size()) + " differing paths are more than " +
                          std::to_string(kMaxListEntries) + " at once: narrow the diff with path",
                      "diff.path");
  std::string doc;
  c->write_json([&](std::string_view piece) { doc.append(piece); });
  return doc;
}

Dispatcher::Impl::Value Dispatcher::Impl::space(const Args& a) {
  LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
  LS_ASSIGN_OR_RETURN(int image, a.small_int("image"));
  LS_ASSIGN_OR_RETURN(int64_t top, a.integer("top", static_cast<int64_t>(kSpaceTop), 0));
  if (top > static_cast<int64_t>(Dispatcher::kMaxListEntries))
    return a.bad("top", "at most " + std::to_string(Dispatcher::kMaxListEntries) + " rows");
  return space_json(*s->session, image, static_cast<size_t>(top));
}

Dispatcher::Impl::Value Dispatcher::Impl::findings(const Args& a, const DispatchRequest& req) {
  LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
  LS_ASSIGN_OR_RETURN(int image, a.small_int("image"));
  FindingsOptions opt;
  LS_ASSIGN_OR_RETURN(opt.content, a.boolean("content", false));
  opt.progress = req.progress;
  return findings_json(*s->session, image, opt);
}

Dispatcher::Impl::Value Dispatcher::Impl::warnings(const Args& a) {
  LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
  LS_ASSIGN_OR_RETURN(int image, a.small_int("image"));
  LS_ASSIGN_OR_RETURN(int layer, a.small_int("layer", -1));
  if (image < 0 || image >= static_cast<int>(s->session->archive().images.size()))
    return a.bad("image", "no image #" + std::to_string(image));
  return "{\"warnings\":" + warnings_value(*s->session, image, layer) + "}";
}

Dispatcher::Impl::Value Dispatcher::Impl::history(const Args& a) {
  LS_ASSIGN_OR_RETURN(ArchiveSlot * s, archive(a));
  LS_ASSIGN_OR_RETURN(int image, a.small_int("image"));
  return s->session->history_json(image);
}

}  // namespace layerscope
