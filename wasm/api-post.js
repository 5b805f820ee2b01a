// Appended to the Emscripten glue (--post-js): the idiomatic JS face of the
// bindings, one function for every request (see core/include/layerscope/dispatch.h):
//   Module.request(type, args, {source?, progress?, sink?, scratch?, kept?})
//     -> {ok:true, value, data?: Uint8Array} | {ok:false, code, message, where}
Module['request'] = function (type, args, opts) {
  opts = opts || {};
  var r = Module['requestRaw'](type, JSON.stringify(args || {}), opts.source || null, opts.progress || null, opts.sink || null, opts.scratch || null, opts.kept || null);
  var e = JSON.parse(r.json);
  if (e.ok && r.data !== undefined) e.data = r.data;
  return e;
};
