// Files dropped anywhere on the page: tracks drags that carry files (nested
// enter/leave pairs counted, so the overlay does not flicker) and hands the
// dropped files over. Drags of anything else (text, links) are left alone.
export class FileDrop {
  private depth = 0;

  constructor(
    private readonly onDragging: (dragging: boolean) => void,
    private readonly onFiles: (files: File[]) => void,
  ) {}

  attach(target: Window): void {
    target.addEventListener('dragenter', this.enter);
    target.addEventListener('dragover', this.over);
    target.addEventListener('dragleave', this.leave);
    target.addEventListener('drop', this.drop);
  }

  detach(target: Window): void {
    target.removeEventListener('dragenter', this.enter);
    target.removeEventListener('dragover', this.over);
    target.removeEventListener('dragleave', this.leave);
    target.removeEventListener('drop', this.drop);
  }

  private hasFiles(e: DragEvent): boolean {
    return !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
  }
  private enter = (e: DragEvent): void => {
    if (!this.hasFiles(e)) return;
    e.preventDefault();
    this.depth++;
    this.onDragging(true);
  };
  private over = (e: DragEvent): void => {
    if (!this.hasFiles(e)) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  };
  private leave = (e: DragEvent): void => {
    if (!this.hasFiles(e)) return;
    this.depth = Math.max(0, this.depth - 1);
    if (this.depth === 0) this.onDragging(false);
  };
  private drop = (e: DragEvent): void => {
    if (!this.hasFiles(e)) return;
    e.preventDefault();
    this.depth = 0;
    this.onDragging(false);
    const files = Array.from(e.dataTransfer?.files ?? []);
    if (files.length) this.onFiles(files);
  };
}
