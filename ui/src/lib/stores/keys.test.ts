// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KeySummary } from '$lib/ipc';
import { ALGORITHMS, answer, callsTo, DUE_KEYS, DUE_NOW, key, reject, unlocked } from '../../test/shell';
import { KeyStore, SEARCH_DEBOUNCE_MS, type DueFilter } from './keys.svelte';
import { VaultStore } from './vault.svelte';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn() }));

const alpha = key('Alpha', { id: 'id-alpha', tags: ['prod'] });
const beta = key('Beta', { id: 'id-beta' });
const summary = ({ notes: _notes, updatedAt: _updated, ...rest }: typeof alpha): KeySummary => rest;

async function setup() {
  const vault = new VaultStore();
  answer({ vault_status: () => unlocked() });
  await vault.load();
  return { vault, keys: new KeyStore(vault) };
}

describe('KeyStore', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lists all keys with a null query and tells an empty vault from no matches', async () => {
    const { keys } = await setup();
    answer({ keys_list: () => [] });
    await keys.refresh();
    expect(callsTo('keys_list')).toEqual([{ query: null }]);
    expect(keys.vaultEmpty).toBe(true);

    keys.query = 'zzz';
    await keys.refresh();
    expect(callsTo('keys_list')[1]).toEqual({ query: 'zzz' });
    expect(keys.vaultEmpty).toBe(false);
  });

  describe('search', () => {
    beforeEach(() => {
      vi.useFakeTimers();
    });

    it('waits for typing to pause, then sends only the last trimmed query', async () => {
      const { keys } = await setup();
      answer({ keys_list: () => [summary(alpha)] });

      keys.search('p');
      keys.search('pr');
      vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS - 1);
      keys.search(' prod ');
      vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS - 1);
      expect(callsTo('keys_list')).toHaveLength(0);

      await vi.advanceTimersByTimeAsync(1);
      expect(callsTo('keys_list')).toEqual([{ query: 'prod' }]);
      expect(keys.keys.map((k) => k.name)).toEqual(['Alpha']);
      expect(keys.listedQuery).toBe('prod');
    });

    it('sends null when the query is cleared', async () => {
      const { keys } = await setup();
      answer({ keys_list: () => [] });
      keys.search('   ');
      await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
      expect(callsTo('keys_list')).toEqual([{ query: null }]);
    });
  });

  it('never lets a slow, older answer replace a newer one', async () => {
    const { keys } = await setup();
    let releaseOld: (value: KeySummary[]) => void = () => {};
    answer({
      keys_list: (args) =>
        args.query === 'old' ? new Promise<KeySummary[]>((resolve) => (releaseOld = resolve)) : [summary(beta)],
    });
    keys.query = 'old';
    const first = keys.refresh();
    keys.query = 'new';
    await keys.refresh();
    releaseOld([summary(alpha)]);
    await first;
    expect(keys.keys.map((k) => k.name)).toEqual(['Beta']);
    expect(keys.listedQuery).toBe('new');
  });

  it('keeps a list error to show, and clears it on success', async () => {
    const { keys } = await setup();
    answer({ keys_list: reject('io', 'Disk trouble.') });
    await keys.refresh();
    expect(keys.listError?.message).toBe('Disk trouble.');
    answer({ keys_list: () => [] });
    await keys.refresh();
    expect(keys.listError).toBeNull();
  });

  it('sends the vault to the Unlock screen when listing answers `locked`', async () => {
    const { vault, keys } = await setup();
    answer({ keys_list: reject('locked') });
    await keys.refresh();
    expect(vault.screen).toBe('unlock');
  });

  it('generates a key, clears the search, refreshes, and selects the new key', async () => {
    const { keys } = await setup();
    keys.query = 'something else';
    answer({ key_generate: () => alpha, keys_list: () => [summary(alpha), summary(beta)] });
    await keys.generate({ name: 'Alpha', algorithm: 'aes-256', notes: '', tags: ['prod'] });
    expect(callsTo('key_generate')).toEqual([
      {
        name: 'Alpha',
        algorithm: 'aes-256',
        notes: '',
        tags: ['prod'],
        purpose: null,
        owner: null,
        custodians: null,
        preActivation: null,
        rotationDays: null,
      },
    ]);
    expect(keys.query).toBe('');
    expect(callsTo('keys_list')).toEqual([{ query: null }]);
    expect(keys.selected).toEqual(alpha);
    expect(keys.keys).toHaveLength(2);
  });

  it('renames the selected key and refreshes the list', async () => {
    const { keys } = await setup();
    const renamed = { ...alpha, name: 'Aleph' };
    answer({ key_get: () => alpha, key_rename: () => renamed, keys_list: () => [summary(renamed)] });
    await keys.select('id-alpha');
    await keys.rename('id-alpha', 'Aleph');
    expect(callsTo('key_rename')).toEqual([{ id: 'id-alpha', name: 'Aleph' }]);
    expect(keys.selected?.name).toBe('Aleph');
    expect(keys.keys[0].name).toBe('Aleph');
  });

  it('deletes a key and deselects it', async () => {
    const { keys } = await setup();
    answer({ key_get: () => alpha, key_delete: () => null, keys_list: () => [summary(beta)] });
    await keys.select('id-alpha');
    await keys.remove('id-alpha');
    expect(callsTo('key_delete')).toEqual([{ id: 'id-alpha' }]);
    expect(keys.selected).toBeNull();
    expect(keys.keys.map((k) => k.name)).toEqual(['Beta']);
  });

  it('drops a selection whose key has gone, and refreshes', async () => {
    const { keys } = await setup();
    answer({ key_get: reject('key_not_found'), keys_list: () => [summary(beta)] });
    await expect(keys.select('id-gone')).rejects.toMatchObject({ code: 'key_not_found' });
    expect(keys.selected).toBeNull();
    expect(callsTo('keys_list')).toHaveLength(1);
  });

  it('loads algorithms and looks them up by id', async () => {
    const { keys } = await setup();
    answer({ key_algorithms: () => ALGORITHMS });
    await keys.loadAlgorithms();
    expect(keys.algorithm('hmac-sha256')?.label).toBe('HMAC-SHA-256');
    expect(keys.algorithm('nope')).toBeUndefined();
  });
});

describe('KeyStore due-date filter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(DUE_NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  async function listed() {
    const { keys } = await setup();
    answer({ keys_list: () => DUE_KEYS });
    await keys.refresh();
    return keys;
  }

  it.each<[DueFilter, string[]]>([
    ['', ['Both', 'Doomed', 'Idle', 'Late', 'Next', 'Now', 'Week']],
    // Due exactly now is overdue; a rotation overdue counts though the destruction is later.
    ['overdue', ['Both', 'Late', 'Now']],
    // Calendar days: the last minute of the 7th (30th) day counts, the start of the 31st does not.
    ['7', ['Both', 'Late', 'Now', 'Week']],
    ['30', ['Both', 'Doomed', 'Late', 'Now', 'Week']],
    ['90', ['Both', 'Doomed', 'Late', 'Next', 'Now', 'Week']],
    ['none', ['Idle']],
  ])('filter %o shows %o', async (filter, names) => {
    const keys = await listed();
    keys.dueFilter = filter;
    expect(keys.visible.map((k) => k.name)).toEqual(names);
    expect(keys.filtering).toBe(filter !== '');
  });

  it('reads the clock again when the list changes', async () => {
    const keys = await listed();
    keys.dueFilter = 'overdue';
    vi.setSystemTime(new Date(DUE_NOW.getTime() + 8 * 86_400_000));
    await keys.refresh();
    expect(keys.visible.map((k) => k.name)).toEqual(['Both', 'Late', 'Now', 'Week']);
  });

  it('sorts by the sooner due date, keys with none last', async () => {
    const keys = await listed();
    keys.sort = 'due';
    expect(keys.visible.map((k) => k.name)).toEqual(['Late', 'Both', 'Now', 'Week', 'Doomed', 'Next', 'Idle']);
  });

  it('is cleared with the other filters', async () => {
    const keys = await listed();
    keys.dueFilter = 'none';
    keys.stateFilter = 'active';
    expect(keys.visible).toEqual([]);
    keys.clearFilters();
    expect(keys.dueFilter).toBe('');
    expect(keys.filtering).toBe(false);
    expect(keys.visible).toHaveLength(DUE_KEYS.length);
  });
});

describe('KeyStore and keys-changed', () => {
  it('lists again and reads the selected key when the shell says keys changed', async () => {
    const { listen } = await import('@tauri-apps/api/event');
    let fire: () => void = () => {};
    vi.mocked(listen).mockImplementation(async (event, handler) => {
      if (event === 'keys-changed') fire = () => handler({ event, id: 1, payload: { destroyed: 1 } });
      return () => {};
    });
    const vault = new VaultStore();
    answer({ vault_status: () => unlocked(), keys_list: () => [], key_get: () => key('Old') });
    await vault.load();
    const keys = new KeyStore(vault);
    await keys.select('id-old');
    const stop = await keys.listenForChanges();
    fire();
    await vi.waitFor(() => expect(callsTo('keys_list').length).toBe(1));
    expect(callsTo('key_get').length).toBe(2);
    stop();
  });
});
