// Appended to the Emscripten glue (--post-js): the idiomatic JS face of the
// bindings. openArchive(src, opts) -> {ok:true, handle} | {ok:false, code, message, where}.
Module['openArchive'] = function (src, opts) {
  var h = Module['openArchiveRaw'](src, opts || {});
  if (h.ok()) return { ok: true, handle: h };
  var e = JSON.parse(h.errorJson());
  h.delete();
  return { ok: false, code: e.code, message: e.message, where: e.where };
};
