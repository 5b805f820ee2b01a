// Keeping location.hash in step with where the user is (deep links): the
// standalone page's shell does it for the current archive, and <layer-scope
// routing> for its one archive. Writes use replaceState (no history entry per
// click) and are told apart from the user's own hash changes.
import { formatHash, type LinkState } from '../state/hash';

export class HashSync {
  /** true while our own write is being delivered as a hashchange */
  writing = false;

  /** Writes `link` into the hash if it differs from what is there. */
  write(link: LinkState): void {
    const h = formatHash(link);
    if (h !== location.hash && !(h === '' && location.hash === '#')) {
      this.writing = true;
      history.replaceState(null, '', h || location.pathname + location.search);
      queueMicrotask(() => (this.writing = false));
    }
  }
}
