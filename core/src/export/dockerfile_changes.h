// export/dockerfile_changes — the Dockerfile instructions `docker import -c`
// and `docker commit -c` take, applied to an image config's "config" object:
//   ENV k=v k2="v 2" | ENV k v      -> Env ("k=v", replacing an earlier k)
//   LABEL k=v ...    | LABEL k v    -> Labels
//   CMD / ENTRYPOINT ["a","b"]      -> Cmd / Entrypoint (exec form)
//   CMD / ENTRYPOINT a b            -> ["/bin/sh","-c","a b"] (shell form)
//   WORKDIR p (relative: joined to the previous one), USER u, STOPSIGNAL s
//   EXPOSE 80 443/tcp 53/udp 8000-8002 -> ExposedPorts {"80/tcp":{}, ...}
//   VOLUME ["/a"] | VOLUME /a /b     -> Volumes {"/a":{}}
//   ONBUILD INSTRUCTION ...          -> OnBuild (appended as written)
// Keywords are case-insensitive. Words follow the Dockerfile's quoting:
// "…" and '…' group, a backslash escapes the next character (not in '…').
#pragma once

#include <string>

#include "layerscope/status.h"
#include "manifest/json.h"

namespace layerscope {

// Applies `instruction` to `config` (the image config's "config" object).
// An unknown instruction or a malformed argument is kInvalidArgument naming it.
Status apply_dockerfile_change(const std::string& instruction, OrderedJson* config);

}  // namespace layerscope
