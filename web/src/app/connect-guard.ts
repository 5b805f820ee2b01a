// The hosted page's connections must be narrowed before anything connects:
// public/connect-policy.js does it as the page's first script (a second meta
// policy, connect-src 'self' + the ?src= archive's origin). Should that script
// not have run (left out of a deployment, blocked), the static policy would let
// the page connect to any http(s) origin: this narrows it to the page's own
// origin instead (fail closed). Imported before the application.
if (!document.documentElement.hasAttribute('data-connect')) {
  const m = document.createElement('meta');
  m.httpEquiv = 'Content-Security-Policy';
  // (data: for the single-file page, whose worker fetches its inlined wasm from one)
  m.content = "connect-src 'self' data:";
  document.head.appendChild(m);
  document.documentElement.setAttribute('data-connect', '');
  console.warn('[layerscope] connect-policy.js did not run: this page connects to its own origin only');
}
