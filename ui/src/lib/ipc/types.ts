// Wire types of the IPC contract (docs/ipc.md). Field names match the JSON exactly.

export type VaultState = 'closed' | 'locked' | 'unlocked';

export interface VaultStatus {
  state: VaultState;
  /** The selected vault file; null when closed. */
  path: string | null;
  defaultVaultPath: string;
  defaultVaultExists: boolean;
  /** Known once a vault is selected. */
  keyfileRequired: boolean | null;
  /** Known once unlocked. */
  autoLockMinutes: number | null;
}

export interface Algorithm {
  id: string;
  label: string;
  bits: number;
  description: string;
}

export interface KeySummary {
  id: string;
  name: string;
  /** An `Algorithm.id`. */
  algorithm: string;
  tags: string[];
  /** RFC 3339, UTC. */
  createdAt: string;
}

export interface KeyDetail extends KeySummary {
  notes: string;
  /** RFC 3339, UTC. */
  updatedAt: string;
}

export type LockReason = 'idle' | 'user';

export interface VaultLockedEvent {
  reason: LockReason;
}

export interface NewVault {
  path: string;
  passphrase: string;
  keyfilePath: string | null;
}

export interface UnlockRequest {
  passphrase: string;
  keyfilePath: string | null;
}

export interface PassphraseChange {
  currentPassphrase: string;
  newPassphrase: string;
  keyfilePath: string | null;
}

export interface NewKey {
  name: string;
  algorithm: string;
  notes: string;
  tags: string[];
}
