// The key list with its search, the selected key, and the algorithms keys can use.
import * as ipc from '$lib/ipc';
import { IpcError, type Algorithm, type KeyDetail, type KeySummary, type NewKey } from '$lib/ipc';
import type { VaultStore } from './vault.svelte';

/** How long typing must pause before the search runs. */
export const SEARCH_DEBOUNCE_MS = 250;

export class KeyStore {
  /** What is typed in the search box. */
  query = $state('');
  keys = $state<KeySummary[]>([]);
  /** The query `keys` answers (null for all keys); undefined until the first list arrives. */
  listedQuery = $state<string | null | undefined>(undefined);
  listError = $state<IpcError | null>(null);
  selected = $state<KeyDetail | null>(null);
  algorithms = $state<Algorithm[]>([]);

  /** The vault has no keys at all, as opposed to none matching a search. */
  readonly vaultEmpty = $derived(this.listedQuery === null && this.keys.length === 0);

  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Counts list requests so a slow answer never overwrites a newer one. */
  #request = 0;

  constructor(private readonly vault: VaultStore) {}

  /** Updates the query and lists again once typing pauses. */
  search(query: string): void {
    this.query = query;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.refresh(), SEARCH_DEBOUNCE_MS);
  }

  async refresh(): Promise<void> {
    clearTimeout(this.#timer);
    const request = ++this.#request;
    const query = this.query.trim() || null;
    try {
      const keys = await this.vault.run(() => ipc.keysList(query));
      if (request !== this.#request) return;
      this.keys = keys;
      this.listedQuery = query;
      this.listError = null;
    } catch (reason) {
      if (request === this.#request) this.listError = IpcError.from(reason);
    }
  }

  async loadAlgorithms(): Promise<void> {
    this.algorithms = await this.vault.run(ipc.keyAlgorithms);
  }

  algorithm(id: string): Algorithm | undefined {
    return this.algorithms.find((algorithm) => algorithm.id === id);
  }

  async select(id: string): Promise<void> {
    try {
      this.selected = await this.vault.run(() => ipc.keyGet(id));
    } catch (reason) {
      const error = IpcError.from(reason);
      if (error.code === 'key_not_found') {
        this.selected = null;
        await this.refresh();
      }
      throw error;
    }
  }

  /** Generates a key, then clears the search so the new key shows, selected, in the list. */
  async generate(key: NewKey): Promise<KeyDetail> {
    const created = await this.vault.run(() => ipc.keyGenerate(key));
    this.selected = created;
    this.query = '';
    await this.refresh();
    return created;
  }

  async rename(id: string, name: string): Promise<void> {
    this.selected = await this.vault.run(() => ipc.keyRename(id, name));
    await this.refresh();
  }

  async remove(id: string): Promise<void> {
    await this.vault.run(() => ipc.keyDelete(id));
    if (this.selected?.id === id) this.selected = null;
    await this.refresh();
  }

  dispose(): void {
    clearTimeout(this.#timer);
  }
}
