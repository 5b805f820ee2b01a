// A parsed JSON document as a foldable, highlighted tree: objects and arrays
// are <details> (open to depth 3), keys, strings, numbers and literals get
// their own colour. Everything is a text binding: strings from an archive are
// shown as JSON text, never as markup. A string that names a layer (its digest
// or diff_id) becomes a link to that layer. Each line ends in a newline, so the
// text copies and reads like the pretty-printed JSON (without commas).
// Rendered inside the caller's shadow root; the styles are jsonTreeStyles.
import { html, nothing, css, type TemplateResult } from 'lit';

/** The layer a string names, or null (e.g. a digest of one of the image's layers). */
export type LinkFor = (s: string) => number | null;

const OPEN_DEPTH = 3;

export function jsonTree(value: unknown, linkFor: LinkFor, onLink: (layer: number) => void): TemplateResult {
  return node(value, null, 0, linkFor, onLink);
}

function node(v: unknown, key: string | null, depth: number, linkFor: LinkFor, onLink: (layer: number) => void): TemplateResult {
  const k = key !== null ? html`<span class="j-key">${JSON.stringify(key)}</span>: ` : nothing;
  if (v !== null && typeof v === 'object') {
    const isArray = Array.isArray(v);
    const entries: [string | null, unknown][] = isArray ? (v as unknown[]).map((x) => [null, x]) : Object.entries(v as object);
    const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
    if (!entries.length) return html`<div class="j-line">${k}${open}${close}${'\n'}</div>`;
    return html`<details class="j-fold" ?open=${depth < OPEN_DEPTH}
      ><summary>${k}${open}<span class="j-count"> ${entries.length} ${isArray ? (entries.length === 1 ? 'item' : 'items') : entries.length === 1 ? 'key' : 'keys'} </span>${'\n'}</summary
      ><div class="j-kids">${entries.map(([kk, x]) => node(x, kk, depth + 1, linkFor, onLink))}</div
      ><div class="j-line">${close}${'\n'}</div></details
    >`;
  }
  return html`<div class="j-line">${k}${scalar(v, linkFor, onLink)}${'\n'}</div>`;
}

function scalar(v: unknown, linkFor: LinkFor, onLink: (layer: number) => void) {
  if (typeof v === 'string') {
    const layer = linkFor(v);
    const text = JSON.stringify(v);
    return layer === null
      ? html`<span class="j-str">${text}</span>`
      : html`<button class="link j-str j-link" title=${`Show layer ${layer}`} data-layer=${layer} @click=${() => onLink(layer)}>${text}</button>`;
  }
  if (typeof v === 'number') return html`<span class="j-num">${String(v)}</span>`;
  return html`<span class="j-lit">${String(v)}</span>`;
}

export const jsonTreeStyles = css`
  .json {
    margin: 0;
    padding: 10px 12px;
    background: var(--ls-code-bg);
    border: 1px solid var(--ls-border);
    border-radius: var(--ls-radius);
    font-family: var(--ls-mono);
    font-size: var(--ls-text-s);
    line-height: 1.5;
    overflow-wrap: anywhere;
    max-height: 70vh;
    overflow: auto;
  }
  /* the newline ending each line is for copied text; on screen the blocks break the lines */
  .j-key,
  .j-str {
    white-space: pre-wrap;
  }
  .j-kids {
    padding-left: 2ch;
  }
  .j-fold > summary {
    cursor: pointer;
    list-style: none;
  }
  .j-fold > summary::-webkit-details-marker {
    display: none;
  }
  .j-fold > summary::before {
    content: '▸ ';
    color: var(--ls-faint);
  }
  .j-fold[open] > summary::before {
    content: '▾ ';
  }
  .j-fold[open] > summary .j-count {
    display: none;
  }
  .j-count {
    color: var(--ls-faint);
    font-style: italic;
  }
  .j-key {
    color: var(--ls-accent);
  }
  .j-str {
    color: var(--ls-add);
  }
  .j-num {
    color: var(--ls-mod);
  }
  .j-lit {
    color: var(--ls-del);
  }
  .j-link {
    font: inherit;
    text-decoration: underline;
    padding: 0;
  }
`;
