// The render that shows a newly opened archive, in a task of its own (issue 13).
//
// Opening a file runs in the file input's change event: the session, its
// worker's start and the File posted to it. The first render of the opening
// view (Lit's first use of the element's templates, the elements' connection)
// came in the same task as a microtask, and together they went over 50 ms of
// main thread on a loaded two-core machine (27-61 ms of script in `make bench`'s
// attribution). The state changes at once (`current`, `sessions`); only the
// render waits for the next task.
//
// The same splits an element's first render from the parent's render that
// created it (Lit runs it as a microtask of the parent's task): `<layer-scope>`
// in the app, `ls-file-tree` in the archive view's step that shows the Files tab
// (only in an archive's first render: `FileTree.firstRenderApart`).
//
// `RenderApart(LitElement)` is the element side: an `apart` to arm and the
// `scheduleUpdate` that waits for it.
import type { ReactiveElement } from 'lit';

export class UpdateApart {
  private armed = false;

  /** The element's next update runs in a task of its own. */
  arm(): void {
    this.armed = true;
  }

  /**
   * For the element's `scheduleUpdate`: a promise to wait for when armed (then
   * disarmed), else undefined (the update runs now, as Lit would run it).
   */
  gate(): Promise<void> | undefined {
    if (!this.armed) return undefined;
    this.armed = false;
    return new Promise((resolve) => setTimeout(resolve, 0));
  }

  /** Runs `update` (Lit's scheduleUpdate) now, or in the next task when armed. */
  schedule(update: () => void | Promise<unknown>): void | Promise<unknown> {
    const wait = this.gate();
    return wait ? wait.then(update) : update();
  }
}

type ElementClass = abstract new (...args: any[]) => ReactiveElement;

/** `Base` whose updates wait for a task of their own while its `apart` is armed. */
export function RenderApart<T extends ElementClass>(Base: T) {
  abstract class RenderApartElement extends Base {
    /** arm() before a change: the update it brings runs in the next task */
    protected readonly apart = new UpdateApart();
    protected override scheduleUpdate(): void | Promise<unknown> {
      return this.apart.schedule(() => super.scheduleUpdate());
    }
  }
  return RenderApartElement;
}
