// The theme the user picked with the header's toggle, remembered across visits.
import type { Theme } from '../element/layer-scope';

const KEY = 'layerscope.theme';

export function readSavedTheme(): Theme | null {
  try {
    const t = localStorage.getItem(KEY);
    return t === 'light' || t === 'dark' || t === 'auto' ? t : null;
  } catch {
    return null;
  }
}

export function saveTheme(t: Theme): void {
  try {
    localStorage.setItem(KEY, t);
  } catch {
    /* storage may be unavailable (file://, privacy modes) */
  }
}

/** auto -> light -> dark -> auto */
export function cycleTheme(t: Theme): Theme {
  return t === 'auto' ? 'light' : t === 'light' ? 'dark' : 'auto';
}

const THEME_WORDS: Record<Theme, string> = { auto: 'the system’s theme', light: 'the light theme', dark: 'the dark theme' };

/** What the toggle says: the theme shown now and the one a click switches to. */
export function themeToggleLabel(t: Theme): string {
  return `Theme: ${t === 'auto' ? 'following the system' : t} — switch to ${THEME_WORDS[cycleTheme(t)]}`;
}
