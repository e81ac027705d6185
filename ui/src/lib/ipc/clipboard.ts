// The clipboard, for a revealed secret only: write it, and wipe it later. The shell grants
// write-text and clear, never read (src-tauri/capabilities/main.json).
import { clear, writeText } from '@tauri-apps/plugin-clipboard-manager';
import { IpcError } from './error';

export async function copyText(text: string): Promise<void> {
  try {
    await writeText(text);
  } catch (reason) {
    throw IpcError.from(reason);
  }
}

/** Empties the clipboard, whatever is on it (the app cannot read it to check). */
export async function clearClipboard(): Promise<void> {
  try {
    await clear();
  } catch (reason) {
    throw IpcError.from(reason);
  }
}
