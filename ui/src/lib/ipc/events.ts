// Subscriptions to events the shell emits.
import { listen } from '@tauri-apps/api/event';
import type { KeysChangedEvent, VaultLockedEvent } from './types';

/** Calls `handler` whenever the vault locks; resolves with a function that unsubscribes. */
export async function onVaultLocked(handler: (event: VaultLockedEvent) => void): Promise<() => void> {
  return listen<VaultLockedEvent>('vault-locked', (event) => handler(event.payload));
}

/** Calls `handler` when keys changed without a command (the idle timer destroyed some as scheduled). */
export async function onKeysChanged(handler: (event: KeysChangedEvent) => void): Promise<() => void> {
  return listen<KeysChangedEvent>('keys-changed', (event) => handler(event.payload));
}
