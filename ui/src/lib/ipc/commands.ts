// Typed wrappers for every command in docs/ipc.md; the only caller of Tauri's `invoke`.
import { invoke } from '@tauri-apps/api/core';
import { IpcError } from './error';
import type {
  Algorithm,
  KeyDetail,
  KeySummary,
  NewKey,
  NewVault,
  PassphraseChange,
  UnlockRequest,
  VaultStatus,
} from './types';

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await (args === undefined ? invoke<T>(command) : invoke<T>(command, args));
  } catch (reason) {
    throw IpcError.from(reason);
  }
}

export const vaultStatus = () => call<VaultStatus>('vault_status');

/** Selects an existing vault file; resolves in state `locked`. */
export const vaultSelect = (path: string) => call<VaultStatus>('vault_select', { path });

/** Creates a vault and unlocks it. Takes a second or two on purpose (key derivation). */
export const vaultCreate = ({ path, passphrase, keyfilePath }: NewVault) =>
  call<VaultStatus>('vault_create', { path, passphrase, keyfilePath });

export const vaultUnlock = ({ passphrase, keyfilePath }: UnlockRequest) =>
  call<VaultStatus>('vault_unlock', { passphrase, keyfilePath });

export const vaultLock = () => call<VaultStatus>('vault_lock');

export const vaultClose = () => call<VaultStatus>('vault_close');

export const vaultChangePassphrase = ({ currentPassphrase, newPassphrase, keyfilePath }: PassphraseChange) =>
  call<null>('vault_change_passphrase', { currentPassphrase, newPassphrase, keyfilePath });

/** `minutes` is 1 … 1440. */
export const settingsSetAutoLock = (minutes: number) => call<VaultStatus>('settings_set_auto_lock', { minutes });

/** Tells the shell the person did something, restarting the idle timer. */
export const activity = () => call<null>('activity');

export const keyAlgorithms = () => call<Algorithm[]>('key_algorithms');

/** Keys sorted by name; `query` (or null for all) matches name, tags and algorithm. */
export const keysList = (query: string | null) => call<KeySummary[]>('keys_list', { query });

export const keyGet = (id: string) => call<KeyDetail>('key_get', { id });

export const keyGenerate = ({ name, algorithm, notes, tags }: NewKey) =>
  call<KeyDetail>('key_generate', { name, algorithm, notes, tags });

export const keyRename = (id: string, name: string) => call<KeyDetail>('key_rename', { id, name });

export const keyDelete = (id: string) => call<null>('key_delete', { id });
