// Recovery kits: the custody register, and the plain wording of kinds, statuses and
// custody the screens show. The wording is plain functions, tested without a screen.
import * as ipc from '$lib/ipc';
import { IpcError, type Custody, type KitInfo, type KitKind, type KitLockInfo, type KitStatus } from '$lib/ipc';
import { formatDay } from '$lib/dates';
import type { VaultStore } from './vault.svelte';

/** What each kind of kit is, in a sentence a person can choose by. */
export const KIND_HELP: Record<KitKind, { title: string; text: string }> = {
  split: {
    title: 'Split between custodians',
    text: 'One sheet per person. Any chosen number of them together can recover the keys; fewer learn nothing. For dual control, or a family.',
  },
  personal: {
    title: 'Personal, with a passphrase',
    text: 'One sheet for your safe. The keys are encrypted to a passphrase you write in the box on the sheet by hand; it is never printed.',
  },
  escrow: {
    title: 'Third-party escrow',
    text: 'One sheet for a trusted agent (a lawyer, a bank). The keys are encrypted to the agent’s age public key; only the agent can open it.',
  },
  unencrypted: {
    title: 'Unencrypted',
    text: 'One sheet with the keys themselves on it. Anyone who reads it has them. Only for a sheet that never leaves a safe you control.',
  },
  vault: {
    title: 'Vault recovery',
    text: 'Opens this vault if its passphrase or key file is lost; no keys are printed. One sheet, or one per person with any chosen number needed. A new one replaces the last.',
  },
};

/** "Split, 2 of 3", "Personal", "Escrow", "Unencrypted". */
export function kindLabel(kit: KitLockInfo): string {
  switch (kit.kind) {
    case 'split':
      return `Split, ${kit.threshold ?? '?'} of ${kit.count ?? '?'}`;
    case 'personal':
      return 'Personal';
    case 'escrow':
      return 'Escrow';
    case 'unencrypted':
      return 'Unencrypted';
    case 'vault':
      return (kit.count ?? 1) > 1 ? `Vault recovery, ${kit.threshold ?? '?'} of ${kit.count}` : 'Vault recovery';
  }
}

const STATUS_LABEL: Record<KitStatus, string> = {
  current: 'Current',
  superseded: 'Superseded',
  void: 'Void',
};

export function statusLabel(status: KitStatus): string {
  return STATUS_LABEL[status] ?? status;
}

/** What to do about a kit that is no longer current; null for a current kit. */
export function statusAdvice(kit: KitInfo): string | null {
  switch (kit.status) {
    case 'current':
      return null;
    case 'superseded':
      return 'Make a new kit of these keys. Keep these sheets only while the old version may still be needed to decrypt or verify; then collect and destroy them.';
    case 'void':
      return kit.kind === 'vault'
        ? 'A newer vault recovery kit replaced it, so it no longer opens the vault as it is now; but it still opens older backups of the vault file. Collect every sheet and destroy it.'
        : 'Collect every sheet of this kit from its holders and destroy it: it holds a key that must no longer be used. Make a new kit of the keys still in use.';
  }
}

/** Why a kit is superseded or void, as a sentence ("The key “Payroll” was rotated to version 2."); '' when current. */
export function statusSentence(kit: KitInfo): string {
  const reason = kit.statusReason?.trim() ?? '';
  if (kit.status === 'current' || reason === '') return '';
  const text = reason.charAt(0).toUpperCase() + reason.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** "Share 2 · Bea" for a sheet of several with shares, else just the holder. */
export function custodyLabel(custody: Custody, sheets = 2): string {
  return custody.share === null || sheets < 2 ? custody.custodian : `Share ${custody.share} · ${custody.custodian}`;
}

/** "Drilled 3 May 2026", or "Never drilled". */
export function drillLabel(kit: KitInfo): string {
  return kit.lastDrill ? `Drilled ${formatDay(kit.lastDrill)}` : 'Never drilled';
}

/** How many sheets a kit was printed on. */
export function sheetCount(kit: KitInfo): number {
  return kit.custody.length;
}

/** "2 of 3 shares", "1 of 1 code": a count as the recover screen says it. */
export function progressLabel(have: number, need: number, noun: string): string {
  const plural = need === 1 ? noun : `${noun}s`;
  return need > 0 ? `${have} of ${need} ${plural}` : `${have} ${have === 1 ? noun : `${noun}s`}`;
}

/** The register of one vault, or of the kits that hold one key. */
export class KitStore {
  kits = $state<KitInfo[]>([]);
  error = $state<IpcError | null>(null);
  loading = $state(false);
  /** Whether a list has arrived at least once. */
  loaded = $state(false);

  /** Superseded and void kits: each asks for something to be done. */
  readonly attention = $derived(this.kits.filter((k) => k.status !== 'current'));

  constructor(
    private readonly vault: VaultStore,
    /** The key whose kits to list; null for the whole register. */
    private readonly key: string | null = null,
  ) {}

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.kits = await this.vault.run(() => ipc.kitsList(this.key));
      this.error = null;
      this.loaded = true;
    } catch (reason) {
      this.error = IpcError.from(reason);
    } finally {
      this.loading = false;
    }
  }
}
