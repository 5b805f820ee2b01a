// History entries -> Dockerfile-like instructions. A reconstruction: builders
// record `created_by` in several dialects, and the original is not stored.
//   legacy builder:  "/bin/sh -c #(nop)  ENV A=b", "/bin/sh -c apt-get ..." (RUN)
//   BuildKit:        "RUN /bin/sh -c make # buildkit", "COPY . /app # buildkit",
//                    "|2 A=1 B=2 /bin/sh -c make" (RUN with build args)
//   buildah/podman:  like the legacy builder; other tools: free text.

export interface Instruction {
  /** Upper-case keyword (RUN, COPY, ENV, …), or "" when the text is not one. */
  keyword: string;
  /** Everything after the keyword (or the whole text when keyword is ""). */
  args: string;
}

const KEYWORDS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL',
  'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);

const SHELL_PREFIX = /^\/bin\/(?:ba)?sh -c /;

export function toInstruction(createdBy: string): Instruction {
  let s = (createdBy ?? '').trim();
  if (!s) return { keyword: '', args: '' };
  s = s.replace(/\s+# buildkit$/, '');
  // Legacy "#(nop)" steps carry the instruction itself.
  const nop = /^\/bin\/(?:ba)?sh -c #\(nop\)\s*(.*)$/s.exec(s);
  if (nop) s = nop[1].trim();
  else {
    // BuildKit RUN with build args: "|2 A=1 B=2 /bin/sh -c make".
    const withArgs = /^\|\d+ (.*?)(\/bin\/(?:ba)?sh -c .*)$/s.exec(s);
    if (withArgs) return { keyword: 'RUN', args: withArgs[2].replace(SHELL_PREFIX, '') };
    if (SHELL_PREFIX.test(s)) return { keyword: 'RUN', args: s.replace(SHELL_PREFIX, '') };
  }
  const m = /^([A-Za-z]+)(\s+|$)(.*)$/s.exec(s);
  if (m && KEYWORDS.has(m[1].toUpperCase()) && m[1] === m[1].toUpperCase()) {
    let args = m[3];
    const kw = m[1];
    if (kw === 'RUN') args = args.replace(SHELL_PREFIX, '');
    if (kw === 'COPY' || kw === 'ADD') {
      // "COPY dir:<sha256> in /dest" (legacy builder) -> "COPY dir:<short> /dest"
      // (also after flags, which that builder glues on: "--chown=1000:1000dir:<sha256> in /dest")
      args = args.replace(/(\S?)(file|dir|multi):([0-9a-f]{12})[0-9a-f]{52} in /, (_m, before: string, kind: string, short: string) => `${before}${before ? ' ' : ''}${kind}:${short}… `);
    }
    return { keyword: kw, args: args.trim() };
  }
  // Anything else ran in a container: call it RUN only when it looks like a shell command.
  if (/^\/\S+/.test(s) && !nop) return { keyword: 'RUN', args: s };
  return { keyword: '', args: s };
}
