// The vault's policy for the Policy screen: read it, change one setting with a reason.
import * as ipc from '$lib/ipc';
import { IpcError, type Policy } from '$lib/ipc';
import type { VaultStore } from './vault.svelte';

/** The security strengths a policy may ask for (SP 800-57 Part 1, Table 2). */
export const STRENGTHS = [112, 128, 192, 256] as const;
export const CRYPTOPERIOD_MAX = 3650;
export const DESTRUCTION_WAIT_MAX = 365;

export class PolicyStore {
  policy = $state<Policy | null>(null);
  error = $state<IpcError | null>(null);

  constructor(private readonly vault: VaultStore) {}

  async load(): Promise<void> {
    try {
      this.policy = await this.vault.run(ipc.policyGet);
      this.error = null;
    } catch (reason) {
      this.error = IpcError.from(reason);
    }
  }

  /** Changes one setting (`min-strength`, `allowed-algorithms`, `destruction-wait-days`, `cryptoperiod.<purpose>`). */
  async set(name: string, value: string, reason: string): Promise<void> {
    this.policy = await this.vault.run(() => ipc.policySet(name, value, reason));
  }
}
