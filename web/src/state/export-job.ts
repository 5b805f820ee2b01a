// One output of the export dialog, written by a worker of its own into the
// origin-private file system, then copied into a file the user picked or
// downloaded from there; a stopped or failed one leaves no file behind.
import { isCancelled, type EngineArchive, type ErrorEnvelope, type OpfsTarget, type ProgressEvent, type WriteResult } from '../engine';
import { outputName, writeRequest, type ExportChoice } from './exports';
import { copyToPicked, downloadFile, newTarget, removeTarget, targetFile } from './export-files';
import { toEnvelope } from './errors';
import { progressRender } from './progress-render';

/** An output being written (or written) by the export dialog. */
export interface ExportJob {
  choice: ExportChoice;
  /** the output's name (the download's, or the picked file's) */
  name: string;
  target: OpfsTarget;
  /** running: the worker opens and writes; copying: into the file the user picked */
  status: 'running' | 'copying' | 'done' | 'error' | 'cancelled';
  progress: ProgressEvent | null;
  error: ErrorEnvelope | null;
  result: WriteResult | null;
  /** the output, once done: the OPFS file (downloaded from there) or the picked file */
  file: File | null;
  /** the picked file's name, when the user chose where to save */
  savedTo: string | null;
  startedAt: number;
  elapsedMs: number;
}

/** A job for `choice` of archive `archiveName`, not started yet (runExport). */
export function newExportJob(archiveName: string, choice: ExportChoice, picked: FileSystemFileHandle | null): ExportJob {
  const name = picked?.name ?? outputName(archiveName, choice);
  return {
    choice, name, target: newTarget(name), status: 'running', progress: null, error: null, result: null,
    file: null, savedTo: null, startedAt: performance.now(), elapsedMs: 0,
  };
}

/** Writes `job`'s output with `engine` into its OPFS file, then copies it into
 *  `picked` (a file the user chose: the OPFS copy is removed) or downloads it.
 *  `job` says how it goes (status, progress, result or error); `changed` hears
 *  each step; `signal` stops it (the worker writing only). */
export async function runExport(engine: EngineArchive, job: ExportJob, picked: FileSystemFileHandle | null, signal: AbortSignal, changed: () => void): Promise<void> {
  const progressed = progressRender(changed);
  const progress = (p: ProgressEvent) => {
    job.progress = p;
    progressed();
  };
  changed();
  try {
    job.result = await engine.write({ target: job.target, ...writeRequest(job.choice) }, progress, signal);
    const file = await targetFile(job.target, job.name);
    if (picked) {
      job.status = 'copying';
      const t0 = performance.now();
      await copyToPicked(file, picked, (done) =>
        progress({ phase: 'copy', done, total: file.size, rate: done / Math.max(0.001, (performance.now() - t0) / 1000), detail: picked.name }),
      );
      await removeTarget(job.target);
      job.file = await picked.getFile();
      job.savedTo = picked.name;
    } else {
      job.file = file;
      downloadFile(file);
    }
    job.status = 'done';
  } catch (e) {
    job.status = signal.aborted || isCancelled(e) ? 'cancelled' : 'error';
    job.error = toEnvelope(e, 'The export was stopped; nothing was kept.');
    changed();
    await removeTarget(job.target).catch(() => false);
  }
  job.elapsedMs = performance.now() - job.startedAt;
  changed();
}
