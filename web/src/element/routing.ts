// Keeping location.hash in step with where the user is (deep links): the
// standalone page's shell does it for the current archive, and <layer-scope
// routing> for its one archive. A meaningful move (archive, image, layer, path,
// tab) pushes a history entry so that Back retraces it; the rest (tree view,
// viewer mode) replaces the current entry (state/hash.ts historyMove). Path
// moves within PATH_FOLD_MS of the last one (arrowing through the tree) fold
// into one entry. Our own writes are told apart from the user's hash changes.
import { formatHash, historyMove, parseHash, type LinkState } from '../state/hash';

const PATH_FOLD_MS = 700;

export class HashSync {
  /** true while our own write is being delivered as a hashchange */
  writing = false;
  /** the next write follows the user's own navigation (Back, a typed link): replace, never push */
  private following = true; // the first write (the place a page opens at) replaces
  private lastPathMove = 0;
  /** the write waiting for its own task (see write) */
  private pending: { link: LinkState; hash: string } | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** The hash changed by the user's hand (Back/Forward, a link): the write that answers it
   *  replaces, and a write still waiting is dropped (the user's move wins; the render that
   *  answers it writes again). */
  followed(): void {
    this.following = true;
    this.cancel();
  }

  /**
   * Writes `link` into the hash if it differs from what is there, in a task of its own
   * right after the current one: history.replaceState took 0.6-22 ms of main thread (and
   * a 42-48 ms stall in two CPU profiles) on a loaded two-core machine, inside the render
   * that made the move, whose task then went over 50 ms (issue 13). A different link
   * while one waits writes the waiting one first, so that each move keeps its history
   * entry.
   */
  write(link: LinkState): void {
    const hash = formatHash(link);
    if (this.pending && this.pending.hash !== hash) this.flush();
    this.pending = { link, hash };
    this.timer ??= setTimeout(() => this.flush(), 0);
  }

  /** Writes the waiting link now (none: nothing to do). */
  flush(): void {
    const p = this.pending;
    this.cancel();
    if (p) this.writeNow(p.link, p.hash);
  }

  /** Drops the waiting write (the element or page goes away, or the user moved). */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = null;
  }

  private writeNow(link: LinkState, h: string): void {
    const following = this.following;
    this.following = false;
    if (h === location.hash || (h === '' && location.hash === '#')) return;
    const move = following ? 'replace' : historyMove(parseHash(location.hash), link);
    const now = performance.now();
    const push = move === 'push' || (move === 'path' && now - this.lastPathMove > PATH_FOLD_MS);
    if (move === 'path') this.lastPathMove = now;
    this.writing = true;
    const url = h || location.pathname + location.search;
    if (push) history.pushState(null, '', url);
    else history.replaceState(null, '', url);
    queueMicrotask(() => (this.writing = false));
  }
}
