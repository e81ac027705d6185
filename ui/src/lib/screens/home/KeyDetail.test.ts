import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { KeyStore } from '$lib/stores/keys.svelte';
import { VaultStore } from '$lib/stores/vault.svelte';
import type { KitInfo } from '$lib/ipc';
import { ALGORITHMS, answer, callsTo, key, kitInfo, reject, unlocked } from '../../../test/shell';
import KeyDetail from './KeyDetail.svelte';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

const backup = key('Backup key', { id: 'id-backup', tags: ['backup', 'prod'], notes: 'Nightly.' });

async function showDetail(kits: KitInfo[] = [], shown = backup) {
  const vault = new VaultStore();
  answer({
    vault_status: () => unlocked(),
    key_algorithms: () => ALGORITHMS,
    key_get: () => shown,
    kits_list: () => kits,
  });
  await vault.load();
  const keys = new KeyStore(vault);
  await keys.loadAlgorithms();
  await keys.select(shown.id);
  render(KeyDetail, { keys });
  return { keys, vault, user: userEvent.setup() };
}

describe('KeyDetail', () => {
  it('shows the key’s details but no material', async () => {
    await showDetail();
    const detail = screen.getByTestId('key-detail');
    expect(screen.getByTestId('key-detail-name')).toHaveTextContent('Backup key');
    expect(detail).toHaveTextContent('AES-256');
    expect(detail).toHaveTextContent('id-backup');
    expect(detail).toHaveTextContent('Nightly.');
    expect(detail).toHaveTextContent('prod');
  });

  it('offers no way to a secret for a key held as its public key only', async () => {
    const partner = key('Partner signing', {
      id: 'id-partner',
      algorithm: 'ed25519',
      purpose: 'signature',
      publicOnly: true,
      fingerprint: 'a1e9156054e04fac',
    });
    await showDetail([], partner);
    expect(screen.getByTestId('key-public-only')).toHaveTextContent('Public key only');
    expect(screen.getByTestId('key-export-public')).toBeInTheDocument();
    for (const hidden of ['key-reveal', 'key-export-secret', 'key-rotate']) {
      expect(screen.queryByTestId(hidden)).not.toBeInTheDocument();
    }
    expect(screen.queryByTestId('key-kits-none')).not.toBeInTheDocument();
    expect(screen.getByTestId('key-sealed-note')).toHaveTextContent('its private key stays with its holder');
    expect(callsTo('kits_list')).toEqual([]);
  });

  it('rotates a key held as its public key only to the holder’s new public key', async () => {
    const partner = key('Partner signing', {
      id: 'id-partner',
      algorithm: 'ed25519',
      purpose: 'signature',
      publicOnly: true,
    });
    const { user } = await showDetail([], partner);
    answer({
      key_replace_public: () => ({ ...partner, version: 2 }),
      key_get: () => ({ ...partner, version: 2 }),
      keys_list: () => [],
    });
    await user.click(screen.getByTestId('key-replace-public'));
    const dialog = screen.getByTestId('reason-dialog');
    expect(dialog).toHaveTextContent('It becomes version 2');
    await user.type(screen.getByTestId('reason-input'), 'New laptop');
    await user.click(within(dialog).getByRole('button', { name: 'Record new public key' }));
    // Nothing pasted yet: said, and nothing sent.
    expect(dialog).toHaveTextContent('Paste the new public key.');
    expect(callsTo('key_replace_public')).toEqual([]);
    await user.type(screen.getByTestId('replace-public-text'), 'ssh-ed25519 AAAAC3Nza bob@laptop');
    await user.click(within(dialog).getByRole('button', { name: 'Record new public key' }));
    expect(callsTo('key_replace_public')).toEqual([
      { id: 'id-partner', path: null, text: 'ssh-ed25519 AAAAC3Nza bob@laptop', format: null, reason: 'New laptop' },
    ]);
    await waitFor(() => expect(screen.queryByTestId('reason-dialog')).not.toBeInTheDocument());
  });

  it('lists the kits that hold the key, and makes one of it', async () => {
    const superseded = kitInfo({
      keys: [{ id: 'id-backup', name: 'Backup key', version: 1, fingerprint: 'kcv 01' }],
      status: 'superseded',
      statusReason: 'the key "Backup key" was rotated to version 2',
    });
    const { vault, user } = await showDetail([superseded]);
    const kit = await screen.findByTestId('key-kit');
    expect(kit).toHaveAttribute('data-status', 'superseded');
    expect(kit).toHaveTextContent('Split, 2 of 3 · generation 1 · version 1');
    expect(kit).toHaveTextContent('The key "Backup key" was rotated to version 2. Make a new kit');
    expect(callsTo('kits_list')).toEqual([{ key: 'id-backup' }]);
    await user.click(screen.getByTestId('key-make-kit'));
    expect(vault.page).toBe('kits');
    expect(vault.takeKitRequest()).toEqual({ action: 'make', keys: ['id-backup'] });
  });

  it('says when no kit holds the key', async () => {
    await showDetail();
    expect(await screen.findByTestId('key-kits-none')).toHaveTextContent('Not in any recovery kit');
    expect(screen.getByTestId('key-make-kit')).toHaveTextContent('Make a kit');
  });

  it('renames inline with Enter', async () => {
    const { user } = await showDetail();
    answer({ key_rename: () => ({ ...backup, name: 'Backups 2025' }), keys_list: () => [] });
    await user.click(screen.getByTestId('key-rename'));
    const input = screen.getByTestId('key-rename-input');
    expect(input).toHaveValue('Backup key');
    await user.clear(input);
    await user.type(input, ' Backups 2025 {Enter}');
    expect(callsTo('key_rename')).toEqual([{ id: 'id-backup', name: 'Backups 2025' }]);
    expect(await screen.findByTestId('key-detail-name')).toHaveTextContent('Backups 2025');
  });

  it('shows a rename failure and keeps editing', async () => {
    const { user } = await showDetail();
    answer({ key_rename: reject('name_taken', 'Another key already has that name.') });
    await user.click(screen.getByTestId('key-rename'));
    await user.type(screen.getByTestId('key-rename-input'), '2{Enter}');
    expect(await screen.findByTestId('key-rename-error')).toHaveTextContent('Another key already has that name.');
    expect(screen.getByTestId('key-rename-input')).toBeInTheDocument();
  });

  it('asks, naming the key, before deleting it; Cancel keeps it', async () => {
    const { keys, user } = await showDetail();
    answer({ key_delete: () => null, keys_list: () => [] });

    await user.click(screen.getByTestId('key-delete'));
    expect(screen.getByRole('alertdialog')).toHaveTextContent('Delete “Backup key”?');
    await user.click(screen.getByTestId('confirm-cancel'));
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(callsTo('key_delete')).toHaveLength(0);

    await user.click(screen.getByTestId('key-delete'));
    await user.click(screen.getByTestId('confirm-ok'));
    expect(callsTo('key_delete')).toEqual([{ id: 'id-backup' }]);
    await vi.waitFor(() => expect(screen.queryByTestId('key-detail')).not.toBeInTheDocument());
    expect(keys.selected).toBeNull();
  });
});
