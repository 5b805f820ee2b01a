// Font warm-up: the page's faces drawn once while it is idle, before an archive.
//
// The first time Chromium on Linux draws a face (family, size, weight and
// style) in a page, it asks the browser process for that face's rendering
// settings, by a synchronous call, once per face. The first render of an
// opened archive draws ~14 faces the empty page has not. The browser process
// is then busy reading the file for the workers. Those calls blocked the page's
// main thread for 28-77 ms in all, in tasks of 50-110 ms.
// Traced on the 0.4 GB zstd bench set, 2 cores, 5 opens each: 14 of those
// calls an open without the warm-up, none with it.
//
// The WARM_* lists give every face the views draw. e2e/fonts.spec.ts checks that
// every text the views show uses one of them.
/** The two families of the page (tokens.ts). */
export const WARM_FAMILIES = ['var(--ls-font)', 'var(--ls-mono)'] as const;
/** Every font size the styles use, in px: the type scale in tokens.ts, the few fixed sizes, and the space tab's 1.5em of 12.5px. */
export const WARM_SIZES = [10.5, 11, 11.5, 12, 12.5, 13, 13.5, 14, 16, 17, 18, 18.75, 22] as const;
/** Every font weight the styles use. */
export const WARM_WEIGHTS = [400, 500, 600, 650, 700] as const;
export const WARM_STYLES = ['normal', 'italic'] as const;

/**
 * Fills `box` (an element out of sight, out of the accessibility tree and
 * taking no room: #font-warm in layer-scope-app.styles.ts) with one span per
 * face. The spans stay, so the faces stay in use; they are laid out once,
 * since nothing in them changes. Their styles are set through CSSOM, which a
 * strict Content-Security-Policy allows.
 */
export function warmFonts(box: HTMLElement): void {
  if (box.childElementCount > 0) return;
  for (const family of WARM_FAMILIES)
    for (const size of WARM_SIZES)
      for (const weight of WARM_WEIGHTS)
        for (const style of WARM_STYLES) {
          const span = document.createElement('span');
          span.style.setProperty('font-family', family);
          span.style.setProperty('font-size', `${size}px`);
          span.style.setProperty('font-weight', String(weight));
          span.style.setProperty('font-style', style);
          span.textContent = 'Ag0 ';
          box.append(span);
        }
}
