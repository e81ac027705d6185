// Making a recovery kit: the choices of the wizard, checked as the shell checks them, then
// the kit the shell prepared, its sheets' pages, and where it was saved.
import * as ipc from '$lib/ipc';
import {
  IpcError,
  type KeySummary,
  type KitKind,
  type KitRequest,
  type Paper,
  type PreparedKit,
  type SavedKit,
} from '$lib/ipc';
import { PERSON_MAX, charCount } from '$lib/validation';
import type { VaultStore } from './vault.svelte';

/** The shortest kit passphrase the shell accepts. */
export const KIT_PASSPHRASE_MIN = 12;
/** The most custodians of a split kit (SLIP-39's 16 shares). */
export const CUSTODIANS_MAX = 16;

/** Keys in these states can go into a kit. */
const KITTABLE = new Set(['active', 'suspended', 'deactivated']);

/** Why a key cannot go into a kit, or null when it can. */
export function keyKitProblem(key: KeySummary): string | null {
  if (KITTABLE.has(key.state)) return null;
  if (key.state === 'pre-activation') return 'Activate it first: only keys in use go into a kit.';
  return `A ${key.state} key does not go into a kit.`;
}

/** Why a custodian's name is not acceptable, or null. */
export function custodianProblem(name: string): string | null {
  const length = charCount(name.trim());
  if (length === 0) return 'Name who keeps this sheet.';
  if (length > PERSON_MAX) return `A name is at most ${PERSON_MAX} characters.`;
  return null;
}

/** Why a split kit's custodians are not acceptable: 2 to 16, each named, no name twice. */
export function custodiansProblem(names: readonly string[]): string | null {
  if (names.length < 2) return 'A split kit has at least two custodians.';
  if (names.length > CUSTODIANS_MAX) return `A split kit has at most ${CUSTODIANS_MAX} custodians.`;
  for (const name of names) {
    const problem = custodianProblem(name);
    if (problem) return problem;
  }
  const seen = new Set<string>();
  for (const name of names) {
    const key = name.trim().toLowerCase();
    if (seen.has(key)) return `“${name.trim()}” is named twice: each sheet has its own custodian.`;
    seen.add(key);
  }
  return null;
}

/** Why a vault recovery kit's custodians and threshold are not acceptable: one sheet, or a split. */
export function vaultCustodyProblem(names: readonly string[], threshold: number): string | null {
  if (names.length === 1) return custodianProblem(names[0] ?? '');
  return custodiansProblem(names) ?? thresholdProblem(threshold, names.length);
}

/** Why a threshold does not fit `count` custodians, or null. */
export function thresholdProblem(threshold: number, count: number): string | null {
  if (!Number.isInteger(threshold) || threshold < 2 || threshold > count) {
    return `Choose from 2 to ${count} sheets.`;
  }
  return null;
}

/** The usual threshold: a majority, at least 2 (2 of 3, 3 of 5). */
export function defaultThreshold(count: number): number {
  return Math.max(2, Math.min(count, Math.floor(count / 2) + 1));
}

/** Why a chosen kit passphrase and its confirmation cannot be used, or null. */
export function kitPassphraseProblem(passphrase: string, confirmation: string): string | null {
  if (charCount(passphrase.trim()) < KIT_PASSPHRASE_MIN) {
    return `Use at least ${KIT_PASSPHRASE_MIN} characters; a generated passphrase is easier to write down.`;
  }
  if (passphrase !== confirmation) return 'The two passphrases do not match.';
  return null;
}

/** Why text is not an age X25519 recipient (`age1` and 58 more letters and digits), or null. */
export function recipientProblem(recipient: string): string | null {
  const text = recipient.trim();
  if (text === '') return 'Paste the escrow agent’s age public key.';
  if (!/^age1[02-9ac-hj-np-z]{58}$/.test(text)) {
    return 'That is not an age public key: it starts with “age1” and has 62 characters.';
  }
  return null;
}

/** The paper people around here use: Letter in the US and Canada, else A4. */
/** The paper sizes a kit or a report prints on: value, name, size. */
export const PAPERS: [Paper, string, string][] = [
  ['a4', 'A4', '210 × 297 mm'],
  ['letter', 'Letter', '8.5 × 11 in'],
];

export function localPaper(locale: string = typeof navigator === 'undefined' ? 'en' : navigator.language): Paper {
  return /-(US|CA|MX|PH)\b/i.test(locale) ? 'letter' : 'a4';
}

/** A standalone SVG document as an image source: shown by an <img>, where no script in it can run. */
export function svgSource(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** The kit being made: what the shell prepared, its sheets' pages, and where it was saved. */
export class KitMaker {
  /** Every key of the vault, to choose from. */
  keys = $state<KeySummary[]>([]);
  prepared = $state<PreparedKit | null>(null);
  /** The pages of each sheet, by sheet index, as image sources. */
  pages = $state<Record<number, string[]>>({});
  saved = $state<SavedKit | null>(null);
  /** Why the pages could not be drawn; the kit can be saved all the same. */
  previewError = $state<IpcError | null>(null);

  /** Every sheet's pages have arrived: ready to print. */
  readonly previewed = $derived(
    this.prepared !== null && this.prepared.sheets.every((sheet) => this.pages[sheet.index] !== undefined),
  );

  constructor(private readonly vault: VaultStore) {}

  async loadKeys(): Promise<void> {
    this.keys = await this.vault.run(() => ipc.keysList(null));
  }

  /** A passphrase for a personal kit, to show large; the shell keeps no copy. */
  async generatePassphrase(): Promise<string> {
    return (await this.vault.run(ipc.kitGeneratePassphrase)).passphrase;
  }

  /** Has the shell make the kit (the vault passphrase is checked again); replaces one made before. */
  async prepare(request: KitRequest): Promise<PreparedKit> {
    const kit = await this.vault.run(() => ipc.kitPrepare(request));
    this.prepared = kit;
    this.pages = {};
    this.saved = null;
    this.previewError = null;
    return kit;
  }

  /** Loads the pages of every sheet, one sheet after another; a failure is kept in `previewError`. */
  async loadPages(): Promise<void> {
    const kit = this.prepared;
    if (!kit) return;
    this.previewError = null;
    try {
      for (const sheet of kit.sheets) {
        if (this.pages[sheet.index] !== undefined) continue;
        const preview = await this.vault.run(() => ipc.kitPreview(sheet.index));
        if (this.prepared !== kit) return;
        this.pages = { ...this.pages, [sheet.index]: preview.pages.map(svgSource) };
      }
    } catch (reason) {
      if (this.prepared === kit) this.previewError = IpcError.from(reason);
    }
  }

  /** Writes the kit's files into `directory` and registers it. */
  async save(directory: string): Promise<SavedKit> {
    this.saved = await this.vault.run(() => ipc.kitSave(directory));
    return this.saved;
  }

  /** Forgets the kit; one that was prepared and not saved is discarded in the shell too (and audited). */
  async close(): Promise<void> {
    const unsaved = this.prepared !== null && this.saved === null;
    this.prepared = null;
    this.pages = {};
    this.saved = null;
    this.previewError = null;
    if (unsaved) await this.vault.run(ipc.kitDiscard);
  }
}

/** The request for `kit_prepare` from the wizard's choices. */
export function kitRequest(choices: {
  keys: string[];
  kind: KitKind;
  holder: string;
  custodians: string[];
  threshold: number;
  kitPassphrase: string;
  recipient: string;
  paper: Paper;
  passphrase: string;
  keyfilePath: string | null;
}): KitRequest {
  const base = {
    keys: choices.keys,
    kind: choices.kind,
    paper: choices.paper,
    passphrase: choices.passphrase,
    keyfilePath: choices.keyfilePath,
  };
  switch (choices.kind) {
    case 'split':
      return { ...base, custodians: choices.custodians.map((c) => c.trim()), threshold: choices.threshold };
    case 'personal':
      return { ...base, custodians: [choices.holder.trim()], kitPassphrase: choices.kitPassphrase.trim() };
    case 'escrow':
      return { ...base, custodians: [choices.holder.trim()], recipient: choices.recipient.trim() };
    case 'unencrypted':
      return { ...base, custodians: [choices.holder.trim()], unencryptedAcknowledged: true };
    case 'vault': {
      const custodians = choices.custodians.map((c) => c.trim());
      return { ...base, keys: [], custodians, ...(custodians.length > 1 ? { threshold: choices.threshold } : {}) };
    }
  }
}
