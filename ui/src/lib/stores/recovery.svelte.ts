// Reading a recovery kit back: the texts added so far and how far they go, the kit once
// opened (its keys and fingerprints, never their material), and what a restore or a
// drill did. What was read lives in the shell, which drops it when the vault locks.
import * as ipc from '$lib/ipc';
import type { KitInfo, KitOpener, RecoveredKit, RecoveryProgress, RestoreResult } from '$lib/ipc';
import type { VaultStore } from './vault.svelte';

/** How a kit is opened once its codes are in: a split kit needs only its shares. */
export type OpenWith = 'passphrase' | 'identity' | 'nothing';

/** Whether every payload code is in (or typed lines stand in for them). */
export function payloadComplete(progress: RecoveryProgress | null): boolean {
  if (!progress) return false;
  return (progress.codes.need > 0 && progress.codes.have >= progress.codes.need) || progress.typedLines > 0;
}

/** Whether shares were read, and so the kit is a split one. */
export function isSplit(progress: RecoveryProgress | null): boolean {
  return (progress?.shares.have ?? 0) > 0;
}

/** Whether the shares read are enough. */
export function sharesComplete(progress: RecoveryProgress | null): boolean {
  return !!progress && progress.shares.need > 0 && progress.shares.have >= progress.shares.need;
}

/** Whether the kit can be opened now: its codes are in and, for a split kit, enough shares. */
export function canOpen(progress: RecoveryProgress | null): boolean {
  return payloadComplete(progress) && (!isSplit(progress) || sharesComplete(progress));
}

/** What is still missing, in a sentence; null when the kit can be opened. */
export function missingLabel(progress: RecoveryProgress | null): string | null {
  if (!progress) return 'Choose the scans of one sheet, or paste or type what it says: its codes, or its share words.';
  if (!payloadComplete(progress)) {
    const { have, need } = progress.codes;
    return need > 0
      ? `${need - have} more ${need - have === 1 ? 'code is' : 'codes are'} needed: every code of a sheet (${have} of ${need} read).`
      : 'The kit’s codes are still needed: they are the same on every sheet.';
  }
  if (isSplit(progress) && !sharesComplete(progress)) {
    const left = progress.shares.need - progress.shares.have;
    return `${left} more ${left === 1 ? 'sheet’s share is' : 'sheets’ shares are'} needed.`;
  }
  return null;
}

/** The opener to send: the passphrase or identity typed, when the kit needs one. */
export function opener(openWith: OpenWith, secret: string, split: boolean): KitOpener {
  if (split || openWith === 'nothing' || secret.trim() === '') return {};
  return openWith === 'passphrase' ? { kitPassphrase: secret } : { identity: secret.trim() };
}

export class RecoveryStore {
  progress = $state<RecoveryProgress | null>(null);
  opened = $state<RecoveredKit | null>(null);
  restored = $state<RestoreResult | null>(null);
  drilled = $state<KitInfo | null>(null);

  constructor(private readonly vault: VaultStore) {}

  /** Starts again: the shell forgets what was read. */
  async reset(): Promise<void> {
    this.progress = null;
    this.opened = null;
    this.restored = null;
    this.drilled = null;
    await this.vault.run(ipc.kitRecoverReset);
  }

  /** Reads one sheet's text; a text that fails adds nothing, and the error says why. */
  async add(text: string): Promise<RecoveryProgress> {
    const progress = await this.vault.run(() => ipc.kitRecoverAdd(text));
    this.progress = progress;
    this.opened = null;
    return progress;
  }

  /** Reads the QR codes of one scanned file (PNG, JPEG or PDF); like `add`, a failure adds nothing. */
  async addScan(bytes: Uint8Array): Promise<RecoveryProgress> {
    const progress = await this.vault.run(() => ipc.kitRecoverAddScan(bytes));
    this.progress = progress;
    this.opened = null;
    return progress;
  }

  async open(with_: KitOpener): Promise<RecoveredKit> {
    this.opened = await this.vault.run(() => ipc.kitRecoverOpen(with_));
    return this.opened;
  }

  /** Adds the opened kit's keys to this vault. */
  async restore(): Promise<RestoreResult> {
    this.restored = await this.vault.run(ipc.kitRecoverRestore);
    return this.restored;
  }

  /** Checks the kit read against the register, without restoring anything. */
  async drill(with_: KitOpener): Promise<KitInfo> {
    this.drilled = await this.vault.run(() => ipc.kitDrill(with_));
    return this.drilled;
  }
}
