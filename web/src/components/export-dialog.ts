// <ls-export-dialog>: re-export from the page (issue 10). The current image or
// selection saved as a docker- or oci-archive, squashed, stripped of paths,
// its files (merged, one layer, one directory) as a plain tar, or one file;
// written by a worker of its own into the origin-private file system, then
// copied to a file the user picked or downloaded (state/export-files.ts), with
// progress and Cancel; a written archive opens again in the page. The
// equivalent CLI command is shown beside the choice.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ArchiveSession } from '../state/session';
import {
  WHAT_LABELS,
  choiceProblem,
  cliCommand,
  outputName,
  parsePaths,
  reopenable,
  type ExportChoice,
  type ExportWhat,
} from '../state/exports';
import { downloadFile, hasSavePicker, pickSaveFile } from '../state/export-files';
import { formatBytes, formatDuration } from '../state/format';
import { imageTitle } from '../state/labels';
import { jobProgress } from './job-progress';
import { exportDialogStyles } from './export-dialog.styles';
import './copy-button';

/** What the dialog starts from: the selection of the view that opened it. */
export interface ExportPreset {
  what?: ExportWhat;
  /** the selected path ('' = none) and whether it is a directory */
  path: string;
  isDir: boolean;
  /** the layer shown (-1 = the merged view) */
  layer: number;
}

@customElement('ls-export-dialog')
export class ExportDialog extends LitElement {
  static styles = exportDialogStyles;

  @property({ attribute: false }) session!: ArchiveSession;
  @property({ attribute: false }) version = 0;
  @state() private choice: ExportChoice | null = null;
  @state() private preset: ExportPreset = { path: '', isDir: false, layer: -1 };
  @state() private pick = false;
  @query('dialog') private dialog!: HTMLDialogElement;

  /** Opens the dialog on the current image, preset from the selection. */
  show(preset: ExportPreset): void {
    const s = this.session;
    this.preset = preset;
    const file = preset.path && !preset.isDir ? preset.path : '';
    this.choice = {
      what: preset.what ?? 'save',
      image: s.image,
      allImages: (s.summary?.images.length ?? 1) === 1,
      format: 'docker',
      compress: '',
      layer: preset.layer,
      path: preset.what === 'file' ? file : preset.isDir ? preset.path : '',
      paths: file ? [`/${file}`] : [],
    };
    this.pick = false;
    void this.updateComplete.then(() => {
      if (!this.dialog.open) this.dialog.showModal();
    });
  }

  private patch(p: Partial<ExportChoice>): void {
    this.choice = { ...this.choice!, ...p };
  }

  private setWhat(what: ExportWhat): void {
    const p = this.preset;
    const file = p.path && !p.isDir ? p.path : '';
    // export's path is a directory; file's is the selected file
    this.patch({ what, path: what === 'file' ? file : what === 'export' ? (p.isDir ? p.path : '') : this.choice!.path });
  }

  private async start(): Promise<void> {
    const c = this.choice!;
    if (choiceProblem(c)) return;
    let picked: FileSystemFileHandle | null = null;
    if (this.pick) {
      // The picker needs this click's user activation: ask before anything is awaited.
      picked = await pickSaveFile(outputName(this.session.name, c));
      if (!picked) return;
    }
    void this.session.startExport(c, picked);
  }

  private imageRef(): string {
    const s = this.session;
    const img = s.summary?.images[this.choice!.image];
    const tag = img?.tags.length === 1 && s.summary!.images.filter((i) => i.tags.includes(img.tags[0])).length === 1 ? img.tags[0] : '';
    return tag || String(this.choice!.image);
  }

  render() {
    return html`<dialog id="export-dialog" aria-labelledby="export-title">
      <button class="btn small close" @click=${() => this.dialog.close()}>Close</button>
      <h2 id="export-title">Export</h2>
      ${this.choice ? this.renderBody(this.choice) : nothing}
    </dialog>`;
  }

  private renderBody(c: ExportChoice) {
    const job = this.session.exportJob;
    if (job && (job.status === 'running' || job.status === 'copying'))
      return jobProgress('export-progress', `Writing ${job.name}`, job.progress, () => this.session.cancelExport());
    return html`${job ? this.renderOutcome() : nothing}${this.renderForm(c)}`;
  }

  private renderOutcome() {
    const job = this.session.exportJob!;
    const s = this.session;
    if (job.status !== 'done')
      return html`<div class=${job.status === 'error' ? 'err-box outcome' : 'warn-box outcome'} id="export-result" data-status=${job.status} role="alert">
        ${job.status === 'error' ? html`<strong>The export failed:</strong> ` : nothing}${job.error?.message ?? ''}${job.error?.where
          ? html` — <span class="mono">${job.error.where}</span>`
          : nothing}
      </div>`;
    const r = job.result!;
    return html`<div class="outcome" id="export-result" data-status="done" data-bytes=${r.bytes} data-scratch-bytes=${r.scratchBytes ?? 0} data-recompressed-bytes=${r.recompressedBytes ?? 0} role="status">
      <p>
        ✓ Wrote <strong>${job.name}</strong> (${formatBytes(r.bytes)}) in ${formatDuration(job.elapsedMs)}${job.savedTo ? ' to the file you chose' : ' — downloading'}.
        ${r.image_id ? html`<br />New image ID <span class="mono">${r.image_id}</span>; layers rewritten: ${(r.rewritten ?? []).join(', ')}.` : nothing}
      </p>
      <div class="actions">
        ${job.file && !job.savedTo ? html`<button class="btn small" id="export-download" @click=${() => downloadFile(job.file!)}>Download again</button>` : nothing}
        ${job.file && reopenable(job.choice)
          ? html`<button
              class="btn small"
              id="export-reopen"
              @click=${() => {
                this.dispatchEvent(new CustomEvent('ls-open-files', { detail: [job.file!], bubbles: true, composed: true }));
                this.dialog.close();
              }}
            >
              Open it here
            </button>`
          : nothing}
        <button class="btn small" id="export-discard" @click=${() => void s.discardExport()} title="Forget it and free the browser’s storage">Discard</button>
      </div>
    </div>`;
  }

  private renderForm(c: ExportChoice) {
    const s = this.session;
    const images = s.summary?.images ?? [];
    const img = images[c.image];
    const problem = choiceProblem(c);
    const out = outputName(s.name, c);
    const cli = cliCommand(s.name, c, this.imageRef(), out);
    const whats: ExportWhat[] = ['save', 'squash', 'strip', 'export', 'file'];
    return html`<form @submit=${(e: Event) => (e.preventDefault(), void this.start())}>
      <fieldset>
        <legend>What</legend>
        ${whats.map(
          (w) => html`<label
            ><input type="radio" name="what" value=${w} .checked=${c.what === w} ?disabled=${w === 'file' && !(this.preset.path && !this.preset.isDir)} @change=${() =>
              this.setWhat(w)} />${WHAT_LABELS[w]}</label
          >`,
        )}
      </fieldset>
      <fieldset>
        <legend>${img ? imageTitle(img) : 'Image'}</legend>
        <div class="opts">${this.renderChoice(c, images.length)}</div>
      </fieldset>
      <fieldset>
        <legend>Where</legend>
        <label><input type="radio" name="dest" value="download" .checked=${!this.pick} @change=${() => (this.pick = false)} />Download when written</label>
        ${hasSavePicker()
          ? html`<label><input type="radio" name="dest" value="pick" .checked=${this.pick} @change=${() => (this.pick = true)} />Save to a file I choose…</label>`
          : nothing}
      </fieldset>
      <p class="cli">
        <span>Same with the CLI:</span><code id="export-cli">${cli}</code
        ><ls-copy .text=${cli} label="Copy the command"></ls-copy>
      </p>
      ${problem ? html`<p class="problem" id="export-problem">${problem}</p>` : nothing}
      <div class="actions">
        <button class="btn primary" id="export-start" type="submit" ?disabled=${!!problem}>Write ${out}</button>
      </div>
    </form>`;
  }

  private renderChoice(c: ExportChoice, imageCount: number) {
    const format = html`<span>Format</span>
      <select id="export-format" .value=${c.format} @change=${(e: Event) => this.patch({ format: (e.target as HTMLSelectElement).value as ExportChoice['format'] })}>
        <option value="docker">docker-archive (docker load)</option>
        <option value="oci">oci-archive</option>
      </select>`;
    const compress = html`<span>Layers</span>
      <select id="export-compress" .value=${c.compress} @change=${(e: Event) => this.patch({ compress: (e.target as HTMLSelectElement).value as ExportChoice['compress'] })}>
        <option value="">copied as stored</option>
        <option value="none">uncompressed</option>
        <option value="gzip">gzip</option>
        <option value="zstd">zstd</option>
      </select>`;
    switch (c.what) {
      case 'save':
        return html`${imageCount > 1
            ? html`<span>Images</span
                ><label><input type="checkbox" id="export-all" .checked=${c.allImages} @change=${(e: Event) => this.patch({ allImages: (e.target as HTMLInputElement).checked })} />all ${imageCount} images (else only this one)</label>`
            : nothing}${format}${compress}`;
      case 'squash':
        return html`${format}<span></span><span class="hint">one layer holding the merged filesystem; the config kept, a history step noting the squash</span>`;
      case 'strip':
        return html`<span>Paths</span
          ><textarea id="export-paths" rows="3" spellcheck="false" .value=${c.paths.join('\n')} @input=${(e: Event) =>
            this.patch({ paths: parsePaths((e.target as HTMLTextAreaElement).value) })} placeholder="/etc/secret.key (one per line; a directory takes everything below it)"></textarea>
          ${format}${compress}<span></span><span class="hint">the layers holding them are rewritten without their bytes (no whiteout on top)</span>`;
      case 'export': {
        const layers = this.session.summary?.images[c.image]?.layers ?? [];
        return html`<span>Files of</span>
          <select id="export-layer" .value=${String(c.layer)} @change=${(e: Event) => this.patch({ layer: Number((e.target as HTMLSelectElement).value) })}>
            <option value="-1">the merged filesystem</option>
            ${layers.map((_, i) => html`<option value=${String(i)}>layer ${i}’s own tar</option>`)}
          </select>
          <span>Below</span
          ><input type="text" id="export-path" spellcheck="false" .value=${c.path} placeholder="/ (everything)" @input=${(e: Event) =>
            this.patch({ path: (e.target as HTMLInputElement).value.trim() })} />`;
      }
      case 'file':
        return html`<span>File</span><span class="mono" id="export-file">/${c.path}</span><span>As of</span
          ><span>${c.layer < 0 ? 'the merged filesystem' : `layer ${c.layer}`}</span>`;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ls-export-dialog': ExportDialog;
  }
}
