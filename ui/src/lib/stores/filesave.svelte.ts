// Saving an export to a file: the write, a file that exists replaced only once the person
// agrees (written again with overwrite), and what was written or why it was not.
import { IpcError } from '$lib/ipc';

/** Writes to `path`; rejects with `file_exists` when a file is there, unless `overwrite`. */
export type FileWriter<T> = (path: string, overwrite: boolean) => Promise<T>;

/** One file being saved through `writer`, e.g. a calendar or the review report. */
export class FileSave<T> {
  busy = $state(false);
  error = $state<string | null>(null);
  /** The path of a file that exists, waiting for the person to agree to replace it. */
  replacing = $state<string | null>(null);
  /** What the writer returned once the file is written. */
  done = $state<T | null>(null);

  constructor(private readonly writer: FileWriter<T>) {}

  /** Writes to `path` (trimmed); nothing while busy or without a path. */
  async save(path: string, overwrite = false): Promise<void> {
    const target = path.trim();
    if (target === '' || this.busy) return;
    this.busy = true;
    this.error = null;
    this.replacing = null;
    try {
      this.done = await this.writer(target, overwrite);
    } catch (reason) {
      const failure = IpcError.from(reason);
      if (failure.code === 'file_exists') this.replacing = target;
      else this.error = failure.message;
    } finally {
      this.busy = false;
    }
  }

  /** The person agreed: writes over the file that exists. */
  async replace(): Promise<void> {
    if (this.replacing !== null) await this.save(this.replacing, true);
  }

  /** The person keeps the file that exists: nothing is written. */
  keep(): void {
    this.replacing = null;
  }
}
