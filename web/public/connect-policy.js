// The page's connections, narrowed before any other script runs (issue 12).
//
// A static host cannot send a Content-Security-Policy header per request, and the
// page's static meta policy cannot know which archive it will be given, so that
// one allows http(s) connections in general; this classic script, which runs
// before the page's modules, adds a second meta policy allowing only the page's
// own origin and the origin of the archive named by ?src= or #src= when the page
// was loaded. Policies add up (a connection must pass every one), and none can be
// removed once in force, so after this nothing in the page — its code, or anything
// that got into it — can connect anywhere else. (The worker is another matter: a
// worker started from its own script takes the policy of that script's response —
// none on a static host — and fetches only what the page asks of it.) The origin
// allowed is written to <html data-connect> for the page's code (engine/index.ts:
// archiveUrl), which then explains a link to another origin instead of letting it
// fail; app/connect-guard.ts narrows to this origin if this script did not run.
(function () {
  var allowed = '';
  try {
    // The archive the page will open, read as the page reads it (state/hash.ts
    // parseHash, layer-scope-app startFromHash): #src= first, else ?src= when the
    // hash names no local archive.
    var hash = new URLSearchParams(location.hash.replace(/^#/, ''));
    var src = hash.get('src');
    if (!src && !hash.get('archive')) src = new URLSearchParams(location.search).get('src');
    if (src) {
      var u = new URL(src, document.baseURI);
      // An origin is scheme://host[:port]; anything else (it cannot be, but a policy
      // is no place to find out) is not added.
      if (/^https?:$/.test(u.protocol) && u.origin !== location.origin && /^https?:\/\/[A-Za-z0-9.\-[\]:]+$/.test(u.origin)) allowed = u.origin;
    }
  } catch (e) {
    allowed = '';
  }
  var meta = document.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = "connect-src 'self'" + (allowed ? ' ' + allowed : '');
  document.head.appendChild(meta);
  document.documentElement.setAttribute('data-connect', allowed);
})();
