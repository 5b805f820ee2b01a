// Our own static icons (never archive data), 16x16, currentColor.
import { svg } from 'lit';

const wrap = (body: ReturnType<typeof svg>) =>
  svg`<svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`;

export const icons = {
  logo: svg`<svg class="logo" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true"><path d="M12 2 2 7l10 5 10-5-10-5Z" fill="var(--ls-accent)" opacity=".95"/><path d="m2 12 10 5 10-5" fill="none" stroke="var(--ls-accent)" stroke-width="1.8" stroke-linejoin="round" opacity=".7"/><path d="m2 17 10 5 10-5" fill="none" stroke="var(--ls-accent)" stroke-width="1.8" stroke-linejoin="round" opacity=".45"/></svg>`,
  folder: wrap(svg`<path d="M1.8 4.2c0-.6.5-1.1 1.1-1.1h3.2l1.4 1.5h5.6c.6 0 1.1.5 1.1 1.1v6.4c0 .6-.5 1.1-1.1 1.1H2.9c-.6 0-1.1-.5-1.1-1.1V4.2Z"/>`),
  file: wrap(svg`<path d="M4 1.8h5l3.2 3.2v8.2c0 .6-.4 1-1 1H4c-.6 0-1-.4-1-1V2.8c0-.6.4-1 1-1Z"/><path d="M9 1.8V5h3.2"/>`),
  symlink: wrap(svg`<path d="M6.5 9.5 9.5 6.5"/><path d="M7.2 4.6 8.6 3.2a2.4 2.4 0 0 1 3.4 3.4L10.6 8"/><path d="M5.4 8 4 9.4a2.4 2.4 0 0 0 3.4 3.4l1.4-1.4"/>`),
  hardlink: wrap(svg`<path d="M4 1.8h5l3.2 3.2v8.2c0 .6-.4 1-1 1H4c-.6 0-1-.4-1-1V2.8c0-.6.4-1 1-1Z"/><path d="M6 9.5h4M6 7.5h4"/>`),
  deleted: wrap(svg`<path d="M3 4h10M6.5 4V2.6h3V4M4.3 4l.6 9.2c0 .5.5.9 1 .9h4.2c.5 0 1-.4 1-.9l.6-9.2"/>`),
  other: wrap(svg`<circle cx="8" cy="8" r="5.5"/><path d="M8 5.5v3M8 10.8v.1"/>`),
  chevron: wrap(svg`<path d="m6 4 4 4-4 4"/>`),
  copy: wrap(svg`<rect x="5" y="5" width="8.5" height="8.5" rx="1.5"/><path d="M3.5 10.5h-.2c-.7 0-1.3-.6-1.3-1.3V3.3C2 2.6 2.6 2 3.3 2h5.9c.7 0 1.3.6 1.3 1.3v.2"/>`),
  check: wrap(svg`<path d="m3.5 8.5 3 3 6-7"/>`),
  close: wrap(svg`<path d="m4 4 8 8M12 4l-8 8"/>`),
  open: wrap(svg`<path d="M8 10.5V2.5M5 5.5l3-3 3 3M2.5 10v2.3c0 .7.5 1.2 1.2 1.2h8.6c.7 0 1.2-.5 1.2-1.2V10"/>`),
  download: wrap(svg`<path d="M8 2.5v8M5 7.5l3 3 3-3M2.5 10v2.3c0 .7.5 1.2 1.2 1.2h8.6c.7 0 1.2-.5 1.2-1.2V10"/>`),
  sun: wrap(svg`<circle cx="8" cy="8" r="3"/><path d="M8 1v1.5M8 13.5V15M1 8h1.5M13.5 8H15M3 3l1 1M12 12l1 1M3 13l1-1M12 4l1-1"/>`),
  moon: wrap(svg`<path d="M13.5 9.6A5.8 5.8 0 0 1 6.4 2.5a5.8 5.8 0 1 0 7.1 7.1Z"/>`),
  auto: wrap(svg`<circle cx="8" cy="8" r="6"/><path d="M8 2v12a6 6 0 0 0 0-12Z" fill="currentColor"/>`),
  warn: wrap(svg`<path d="M8 2 1.5 13.5h13L8 2Z"/><path d="M8 6.5v3.2M8 11.6v.1"/>`),
  layers: wrap(svg`<path d="M8 1.8 1.8 5 8 8.2 14.2 5 8 1.8Z"/><path d="m1.8 8 6.2 3.2L14.2 8M1.8 11 8 14.2 14.2 11"/>`),
  search: wrap(svg`<circle cx="7" cy="7" r="4.5"/><path d="m10.5 10.5 3.5 3.5"/>`),
  arrowRight: wrap(svg`<path d="M3 8h10M9 4l4 4-4 4"/>`),
};

export function typeIcon(type: string) {
  switch (type) {
    case 'dir':
      return icons.folder;
    case 'symlink':
      return icons.symlink;
    case 'hardlink':
      return icons.hardlink;
    case 'deleted':
      return icons.deleted;
    case 'file':
      return icons.file;
    default:
      return icons.other;
  }
}
