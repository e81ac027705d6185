// The vault's status as the shell reports it, and which screen that means.
import * as ipc from '$lib/ipc';
import { IpcError, type LockReason, type VaultStatus } from '$lib/ipc';
import { Throttle } from './throttle';

export type Screen =
  'loading' | 'welcome' | 'create' | 'unlock' | 'dashboard' | 'home' | 'kits' | 'settings' | 'audit' | 'policy';

/** The pages of an unlocked vault; the dashboard shows first. */
export type Page = 'dashboard' | 'home' | 'kits' | 'settings' | 'audit' | 'policy';

/** A key another page asked the key list to show, and what to start on it. */
export interface KeyRequest {
  id: string;
  action: 'rotate' | null;
}

/** What another page asked the Kits page to start: make a kit of some keys, recover, or drill a kit. */
export type KitRequest = { action: 'make'; keys: string[] } | { action: 'recover' } | { action: 'drill'; kit: string };

/** How often `activity` may reach the shell, per docs/ipc.md. */
export const ACTIVITY_INTERVAL_MS = 15_000;

export class VaultStore {
  /** Null until the first `vault_status` answers. */
  status = $state<VaultStatus | null>(null);
  /** Why the first `vault_status` failed, if it did. */
  loadError = $state<IpcError | null>(null);
  /** Where a new vault will be created; set while the Create screen is showing. */
  createPath = $state<string | null>(null);
  /** Which page of the unlocked vault shows. */
  page = $state<Page>('dashboard');
  /** The key the key list shows when it opens next (from the dashboard). */
  keyRequest = $state<KeyRequest | null>(null);
  /** What the Kits page starts when it opens next (from a key or the dashboard). */
  kitRequest = $state<KitRequest | null>(null);
  /** A calm app-wide message, such as why the vault locked itself. */
  notice = $state<string | null>(null);

  readonly screen: Screen = $derived.by(() => {
    switch (this.status?.state) {
      case undefined:
        return 'loading';
      case 'closed':
        return this.createPath === null ? 'welcome' : 'create';
      case 'locked':
        return 'unlock';
      case 'unlocked':
        return this.page;
    }
  });

  readonly #activity = new Throttle(ACTIVITY_INTERVAL_MS);

  async load(): Promise<void> {
    try {
      this.#apply(await ipc.vaultStatus());
      this.loadError = null;
    } catch (reason) {
      this.loadError = IpcError.from(reason);
    }
  }

  /**
   * Runs a command, and follows the shell when it says the vault is no longer where this
   * store thought: `locked` shows the Unlock screen, `no_vault` reloads the status. The
   * error is rethrown either way so the caller can show it.
   */
  async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (reason) {
      const error = IpcError.from(reason);
      if (error.code === 'locked') this.#markLocked();
      if (error.code === 'no_vault') void this.load();
      throw error;
    }
  }

  startCreate(path?: string): void {
    if (this.status) this.createPath = path ?? this.status.defaultVaultPath;
  }

  cancelCreate(): void {
    this.createPath = null;
  }

  async create(passphrase: string, keyfilePath: string | null): Promise<void> {
    const path = this.createPath;
    if (path === null) throw new IpcError('no_vault', 'Choose where to create the vault first.');
    this.#apply(await this.run(() => ipc.vaultCreate({ path, passphrase, keyfilePath })));
  }

  async select(path: string): Promise<void> {
    this.#apply(await this.run(() => ipc.vaultSelect(path)));
  }

  async unlock(passphrase: string, keyfilePath: string | null): Promise<void> {
    this.#apply(await this.run(() => ipc.vaultUnlock({ passphrase, keyfilePath })));
    this.notice = null;
  }

  /** Opens the locked vault with its recovery kit's shares and sets `newPassphrase` as its passphrase. */
  async recover(newPassphrase: string, keyfilePath: string | null): Promise<void> {
    this.#apply(await this.run(() => ipc.vaultRecover({ newPassphrase, keyfilePath })));
    this.notice = 'The vault is open, with its new passphrase. Keep the recovery kit’s sheets safe again.';
  }

  async lock(): Promise<void> {
    this.#apply(await this.run(ipc.vaultLock));
  }

  async close(): Promise<void> {
    this.#apply(await this.run(ipc.vaultClose));
    this.notice = null;
  }

  open(page: Page): void {
    this.page = page;
  }

  /** Opens the key list on key `id`; `rotate` also opens its rotate dialog. */
  openKey(id: string, action: KeyRequest['action'] = null): void {
    this.keyRequest = { id, action };
    this.page = 'home';
  }

  /** The pending key request, once: the key list takes it when it opens. */
  takeKeyRequest(): KeyRequest | null {
    const request = this.keyRequest;
    this.keyRequest = null;
    return request;
  }

  /** Opens the Kits page, starting `request` there (the make-a-kit wizard, recovery, a drill). */
  openKits(request: KitRequest | null = null): void {
    this.kitRequest = request;
    this.page = 'kits';
  }

  /** The pending kit request, once: the Kits page takes it when it opens. */
  takeKitRequest(): KitRequest | null {
    const request = this.kitRequest;
    this.kitRequest = null;
    return request;
  }

  openSettings(): void {
    this.page = 'settings';
  }

  closeSettings(): void {
    this.page = 'home';
  }

  async setAutoLock(minutes: number): Promise<void> {
    this.#apply(await this.run(() => ipc.settingsSetAutoLock(minutes)));
  }

  async setClipboardClear(seconds: number): Promise<void> {
    this.#apply(await this.run(() => ipc.settingsSetClipboardClear(seconds)));
  }

  async changePassphrase(currentPassphrase: string, newPassphrase: string, keyfilePath: string | null): Promise<void> {
    await this.run(() => ipc.vaultChangePassphrase({ currentPassphrase, newPassphrase, keyfilePath }));
  }

  /** Handles the `vault-locked` event. */
  locked(reason: LockReason): void {
    const minutes = this.status?.autoLockMinutes ?? null;
    this.#markLocked();
    if (reason === 'idle') {
      this.notice =
        minutes === null
          ? 'Locked after a while without activity.'
          : `Locked after ${minutes} ${minutes === 1 ? 'minute' : 'minutes'} without activity.`;
    }
  }

  /** Tells the shell the person is active, at most once every 15 seconds. */
  reportActivity(): void {
    if (this.status?.state !== 'unlocked' || !this.#activity.take()) return;
    // A failed heartbeat needs no message; `run` still follows a `locked` answer.
    this.run(ipc.activity).catch(() => {});
  }

  dismissNotice(): void {
    this.notice = null;
  }

  #apply(status: VaultStatus): void {
    this.status = status;
    if (status.state !== 'closed') this.createPath = null;
    if (status.state !== 'unlocked') {
      this.page = 'dashboard';
      this.keyRequest = null;
      this.kitRequest = null;
      this.#activity.reset();
    }
  }

  #markLocked(): void {
    if (this.status?.state === 'unlocked') this.#apply({ ...this.status, state: 'locked' });
  }
}
