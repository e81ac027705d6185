// The key list with its search, filters and sort, the selected key and its lifecycle
// actions, and the vocabulary (algorithms, purposes, states) the screens show.
import { isPast, isWithinDays } from '$lib/dates';
import * as ipc from '$lib/ipc';
import {
  IpcError,
  type Algorithm,
  type AlgorithmVerdict,
  type ImportedKey,
  type ImportRequest,
  type KeyChanges,
  type KeyFormat,
  type KeyDetail,
  type KeyState,
  type KeyStateInfo,
  type KitInfo,
  type KeySummary,
  type NewKey,
  type PublicExport,
  type PublicExportRequest,
  type ReplacePublicRequest,
  type Purpose,
  type RevealedSecret,
  type SecretExport,
  type SecretExportRequest,
} from '$lib/ipc';
import type { VaultStore } from './vault.svelte';

/** How long typing must pause before the search runs. */
export const SEARCH_DEBOUNCE_MS = 250;

export type SortKey = 'name' | 'due' | 'state' | 'algorithm' | 'purpose';

/** Lifecycle order, for sorting by state and for the filter's options. */
export const STATE_ORDER: KeyState[] = [
  'pre-activation',
  'active',
  'suspended',
  'deactivated',
  'compromised',
  'destroyed',
];

/** The date a key next needs attention: the sooner of its scheduled destruction and its next rotation. */
export function dueDate(key: KeySummary): string | null {
  const { destructionDue: destroy, nextRotation: rotate } = key;
  return destroy === null || (rotate !== null && rotate < destroy) ? rotate : destroy;
}

/**
 * The due-date filter: '' every key; `overdue` a due date at or before now; a number of
 * days, a due date within that many local calendar days of today, overdue included;
 * `none` no due date at all.
 */
export type DueFilter = '' | 'overdue' | '7' | '30' | '90' | 'none';

/** Whether `key` passes the due-date filter at `now`. */
export function dueMatches(key: KeySummary, filter: DueFilter, now: Date = new Date()): boolean {
  const due = dueDate(key);
  switch (filter) {
    case '':
      return true;
    case 'none':
      return due === null;
    case 'overdue':
      return due !== null && isPast(due, now);
    default:
      return due !== null && isWithinDays(due, Number(filter), now);
  }
}

export class KeyStore {
  /** What is typed in the search box. */
  query = $state('');
  keys = $state<KeySummary[]>([]);
  /** The query `keys` answers (null for all keys); undefined until the first list arrives. */
  listedQuery = $state<string | null | undefined>(undefined);
  listError = $state<IpcError | null>(null);
  selected = $state<KeyDetail | null>(null);
  algorithms = $state<Algorithm[]>([]);
  purposes = $state<Purpose[]>([]);
  states = $state<KeyStateInfo[]>([]);
  /** What to start on the key selected next, as the dashboard asked (taken by KeyDetail). */
  requestedAction = $state<'rotate' | null>(null);
  /** Formats of import and export; loaded when a dialog first needs them. */
  formats = $state<KeyFormat[]>([]);

  /** Filters on the listed keys; '' shows every key. */
  stateFilter = $state<KeyState | ''>('');
  purposeFilter = $state('');
  algorithmFilter = $state('');
  dueFilter = $state<DueFilter>('');
  sort = $state<SortKey>('name');

  /** The vault has no keys at all, as opposed to none matching a search. */
  readonly vaultEmpty = $derived(this.listedQuery === null && this.keys.length === 0);

  /** Whether any filter is set. */
  readonly filtering = $derived(
    this.stateFilter !== '' || this.purposeFilter !== '' || this.algorithmFilter !== '' || this.dueFilter !== '',
  );

  /**
   * The listed keys after the filters, in the chosen order. The due-date filter reads the
   * clock when anything here changes (a list, a filter), not as time passes.
   */
  readonly visible = $derived.by(() => {
    const now = new Date();
    const shown = this.keys.filter(
      (key) =>
        (this.stateFilter === '' || key.state === this.stateFilter) &&
        (this.purposeFilter === '' || key.purpose === this.purposeFilter) &&
        (this.algorithmFilter === '' || key.algorithm === this.algorithmFilter) &&
        dueMatches(key, this.dueFilter, now),
    );
    const byName = (a: KeySummary, b: KeySummary) => a.name.localeCompare(b.name);
    const compare: Record<SortKey, (a: KeySummary, b: KeySummary) => number> = {
      name: byName,
      // Soonest first; keys with nothing due last.
      due: (a, b) => {
        const [x, y] = [dueDate(a), dueDate(b)];
        if (x === y) return byName(a, b);
        if (x === null) return 1;
        if (y === null) return -1;
        return x < y ? -1 : 1;
      },
      state: (a, b) => STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state) || byName(a, b),
      algorithm: (a, b) =>
        this.algorithmLabel(a.algorithm).localeCompare(this.algorithmLabel(b.algorithm)) || byName(a, b),
      purpose: (a, b) => this.purposeLabel(a.purpose).localeCompare(this.purposeLabel(b.purpose)) || byName(a, b),
    };
    return shown.sort(compare[this.sort]);
  });

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

  clearFilters(): void {
    this.stateFilter = '';
    this.purposeFilter = '';
    this.algorithmFilter = '';
    this.dueFilter = '';
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

  /** Algorithms, purposes and states, for labels, filters and the wizard. */
  async loadVocabulary(): Promise<void> {
    const [algorithms, purposes, states] = await Promise.all([
      this.vault.run(ipc.keyAlgorithms),
      this.vault.run(ipc.keyPurposes),
      this.vault.run(ipc.keyStates),
    ]);
    this.algorithms = algorithms;
    this.purposes = purposes;
    this.states = states;
  }

  /** The import and export formats, asked once. */
  async loadFormats(): Promise<KeyFormat[]> {
    if (this.formats.length === 0) this.formats = await this.vault.run(ipc.keyFormats);
    return this.formats;
  }

  /** The formats a key of `algorithm` can be exported in: its private forms or its public ones. */
  exportFormats(algorithm: string, secret: boolean): KeyFormat[] {
    return this.formats.filter((f) => (secret ? f.privateFor : f.publicFor).includes(algorithm));
  }

  algorithm(id: string): Algorithm | undefined {
    return this.algorithms.find((algorithm) => algorithm.id === id);
  }

  algorithmLabel(id: string): string {
    return this.algorithm(id)?.label ?? id;
  }

  purposeLabel(id: string): string {
    return this.purposes.find((purpose) => purpose.id === id)?.label ?? id;
  }

  stateLabel(id: KeyState): string {
    return this.states.find((state) => state.id === id)?.label ?? id;
  }

  /** What the policy says about a new key for `purpose`, for every algorithm. */
  checkNew(purpose: string): Promise<AlgorithmVerdict[]> {
    return this.vault.run(() => ipc.policyCheckNew(null, purpose));
  }

  /** The kits that hold key `id`, newest first. */
  kitsOf(id: string): Promise<KitInfo[]> {
    return this.vault.run(() => ipc.kitsList(id));
  }

  /** Opens the Kits page with the make-a-kit wizard on key `id`. */
  makeKit(id: string): void {
    this.vault.openKits({ action: 'make', keys: [id] });
  }

  /** Opens the Kits page. */
  openKits(): void {
    this.vault.openKits();
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

  /** Generates a key, then clears the search and filters so the new key shows, selected. */
  async generate(key: NewKey): Promise<KeyDetail> {
    const created = await this.vault.run(() => ipc.keyGenerate(key));
    this.selected = created;
    this.query = '';
    this.clearFilters();
    await this.refresh();
    return created;
  }

  /** Imports a key, then shows it selected, like a generated one. */
  async import(request: ImportRequest): Promise<ImportedKey> {
    const imported = await this.vault.run(() => ipc.keyImport(request));
    this.selected = imported.key;
    this.query = '';
    this.clearFilters();
    await this.refresh();
    return imported;
  }

  /** The public part as text, or saved to a file. */
  exportPublic(request: PublicExportRequest): Promise<PublicExport> {
    return this.vault.run(() => ipc.keyExportPublic(request));
  }

  /** Writes the secret to a file in Rust; the material never reaches the UI. */
  async exportSecret(request: SecretExportRequest): Promise<SecretExport> {
    const done = await this.vault.run(() => ipc.keyExport(request));
    // The key's "last exported" time changed.
    void this.select(request.id).catch(() => {});
    return done;
  }

  /**
   * Lists the keys again (and reads the selected one) whenever the shell says keys changed
   * on their own, as when the idle timer carries out a scheduled destruction. Resolves with
   * a function that stops listening.
   */
  listenForChanges(): Promise<() => void> {
    return ipc.onKeysChanged(() => {
      void this.refresh();
      const shown = this.selected?.id;
      if (shown) void this.select(shown).catch(() => {});
    });
  }

  async rename(id: string, name: string): Promise<void> {
    await this.#changed(() => ipc.keyRename(id, name));
  }

  async update(id: string, changes: KeyChanges): Promise<void> {
    await this.#changed(() => ipc.keyUpdate(id, changes));
  }

  async setState(id: string, to: KeyState, reason: string): Promise<void> {
    await this.#changed(() => ipc.keySetState(id, to, reason));
  }

  async rotate(id: string, algorithm: string | null, reason: string): Promise<void> {
    await this.#changed(() => ipc.keyRotate(id, algorithm, reason));
  }

  /** Rotates a public-only key to the new public key its holder made. */
  async replacePublic(request: ReplacePublicRequest): Promise<void> {
    await this.#changed(() => ipc.keyReplacePublic(request));
  }

  async scheduleDestruction(id: string, days: number | null, reason: string): Promise<void> {
    await this.#changed(() => ipc.keyScheduleDestruction(id, days, reason));
  }

  async cancelDestruction(id: string, reason: string): Promise<void> {
    await this.#changed(() => ipc.keyCancelDestruction(id, reason));
  }

  /**
   * The key's material, for the dialog that asked. It is never kept in this store; the
   * caller forgets it when the dialog closes.
   */
  async reveal(id: string, passphrase: string, keyfilePath: string | null): Promise<RevealedSecret> {
    const secret = await this.vault.run(() => ipc.keyReveal({ id, version: null, passphrase, keyfilePath }));
    // The key's "last revealed" time changed.
    void this.select(id).catch(() => {});
    return secret;
  }

  async remove(id: string): Promise<void> {
    await this.vault.run(() => ipc.keyDelete(id));
    if (this.selected?.id === id) this.selected = null;
    await this.refresh();
  }

  dispose(): void {
    clearTimeout(this.#timer);
  }

  async #changed(command: () => Promise<KeyDetail>): Promise<void> {
    this.selected = await this.vault.run(command);
    await this.refresh();
  }
}
