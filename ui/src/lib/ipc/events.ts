// Subscriptions to events the shell emits.
import { listen } from '@tauri-apps/api/event';
import type { VaultLockedEvent } from './types';

/** Calls `handler` whenever the vault locks; resolves with a function that unsubscribes. */
export async function onVaultLocked(handler: (event: VaultLockedEvent) => void): Promise<() => void> {
  return listen<VaultLockedEvent>('vault-locked', (event) => handler(event.payload));
}
