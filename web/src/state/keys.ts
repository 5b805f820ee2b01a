// Keyboard conventions shared by the views (pure; no DOM): where an arrow key
// moves in a strip of tabs, and the key sheet that `?` shows.

/** ←/→ (wrapping), Home/End in a strip of `count` tabs: the index to move to; -1 for any other key. */
export function stripTarget(key: string, at: number, count: number): number {
  if (count <= 0) return -1;
  switch (key) {
    case 'ArrowRight':
      return (at + 1) % count;
    case 'ArrowLeft':
      return (at - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
  }
  return -1;
}

/** The keys of the page, as the `?` sheet lists them (group, keys, what they do). */
export const KEY_SHEET: readonly { group: string; keys: readonly [string, string][] }[] = [
  {
    group: 'Anywhere',
    keys: [
      ['?', 'show this list of keys'],
      ['Ctrl+O', 'open an archive'],
      ['/', 'filter the paths'],
      ['Tab', 'next pane: layers, files, viewer'],
      ['Esc', 'close this list; in the viewer, back to the files'],
    ],
  },
  {
    group: 'Layers',
    keys: [
      ['↑ ↓', 'previous / next layer'],
      ['Home End', 'first / last layer'],
      ['→', 'on to the files'],
    ],
  },
  {
    group: 'Files',
    keys: [
      ['↑ ↓', 'move'],
      ['PgUp PgDn Home End', 'move by a page, to the ends'],
      ['→ ←', 'expand / collapse (← at the top: back to the layers; → on a file: the viewer)'],
      ['Enter', 'open the file'],
      ['*', 'expand everything'],
    ],
  },
  {
    group: 'Tabs',
    keys: [['← → Home End', 'in a row of tabs (archives, views): move and show']],
  },
];
