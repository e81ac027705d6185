// Native file pickers. Each resolves with a path, or null when the person cancels.
import { open, save } from '@tauri-apps/plugin-dialog';
import { IpcError } from './error';
import type { ReportFormat } from './types';

export const VAULT_EXTENSION = 'keywarden';

const vaultFilter = { name: 'Keywarden vault', extensions: [VAULT_EXTENSION] };

async function pick(dialog: () => Promise<string | null>): Promise<string | null> {
  try {
    return await dialog();
  } catch (reason) {
    throw IpcError.from(reason);
  }
}

export function pickVaultToOpen(): Promise<string | null> {
  return pick(() =>
    open({ title: 'Open a Keywarden vault', multiple: false, directory: false, filters: [vaultFilter] }),
  );
}

/**
 * Asks where to create a vault, starting at `defaultPath`. Some platforms' save dialogs do
 * not add the extension, so it is added here when missing.
 */
export async function pickVaultLocationToCreate(defaultPath?: string): Promise<string | null> {
  const path = await pick(() =>
    save({ title: 'Create a Keywarden vault', defaultPath, filters: [vaultFilter], canCreateDirectories: true }),
  );
  if (path === null || path.toLowerCase().endsWith(`.${VAULT_EXTENSION}`)) return path;
  return `${path}.${VAULT_EXTENSION}`;
}

export function pickKeyFile(): Promise<string | null> {
  return pick(() => open({ title: 'Choose a key file', multiple: false, directory: false }));
}

export function pickFileToImport(): Promise<string | null> {
  return pick(() => open({ title: 'Choose a key to import', multiple: false, directory: false }));
}

/** Asks where to save an exported key, suggesting `defaultPath`. */
export function pickExportLocation(defaultPath: string): Promise<string | null> {
  return pick(() => save({ title: 'Save the exported key', defaultPath, canCreateDirectories: true }));
}

/** Asks where to save the calendar of due dates; adds `.ics` when the dialog did not. */
export async function pickCalendarLocation(defaultPath: string): Promise<string | null> {
  const path = await pick(() =>
    save({
      title: 'Save the due dates as a calendar',
      defaultPath,
      filters: [{ name: 'iCalendar', extensions: ['ics'] }],
      canCreateDirectories: true,
    }),
  );
  if (path === null || path.toLowerCase().endsWith('.ics')) return path;
  return `${path}.ics`;
}

/** Asks where to save the key-management review report; adds `.html` when the dialog did not. */
export async function pickReportLocation(defaultPath: string, format: ReportFormat): Promise<string | null> {
  const filter =
    format === 'pdf'
      ? { name: 'PDF document', extensions: ['pdf'] }
      : { name: 'HTML document', extensions: ['html', 'htm'] };
  const path = await pick(() =>
    save({
      title: 'Save the key-management review report',
      defaultPath,
      filters: [filter],
      canCreateDirectories: true,
    }),
  );
  const extension = format === 'pdf' ? /\.pdf$/i : /\.html?$/i;
  if (path === null || extension.test(path)) return path;
  return `${path}.${format}`;
}

/** Asks for the folder to save a recovery kit in. */
export function pickKitFolder(defaultPath?: string): Promise<string | null> {
  return pick(() =>
    open({ title: 'Choose the folder for the kit’s files', directory: true, multiple: false, defaultPath }),
  );
}
