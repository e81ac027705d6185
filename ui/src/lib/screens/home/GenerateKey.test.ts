import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { KeyStore } from '$lib/stores/keys.svelte';
import { VaultStore } from '$lib/stores/vault.svelte';
import { ALGORITHMS, answer, callsTo, key, reject, unlocked } from '../../../test/shell';
import GenerateKey from './GenerateKey.svelte';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

async function showForm() {
  const vault = new VaultStore();
  answer({ vault_status: () => unlocked(), key_algorithms: () => ALGORITHMS });
  await vault.load();
  const keys = new KeyStore(vault);
  await keys.loadAlgorithms();
  const onclose = vi.fn();
  render(GenerateKey, { keys, onclose });
  return { keys, onclose, user: userEvent.setup() };
}

describe('GenerateKey', () => {
  it('defaults to AES-256, offers every algorithm, and describes the chosen one', async () => {
    const { user } = await showForm();
    const select = screen.getByTestId('generate-algorithm') as HTMLSelectElement;
    expect(select.value).toBe('aes-256');
    expect([...select.options].map((o) => o.value)).toEqual(['aes-128', 'aes-256', 'hmac-sha256']);
    expect(screen.getByText('AES with a 256-bit key.')).toBeInTheDocument();
    await user.selectOptions(select, 'hmac-sha256');
    expect(screen.getByText('A MAC key.')).toBeInTheDocument();
  });

  it('sends the trimmed name, algorithm, notes and tags, then selects the new key and closes', async () => {
    const { keys, onclose, user } = await showForm();
    const created = key('Partner archive', { algorithm: 'hmac-sha256', tags: ['partners', 'archive', 'eu'] });
    answer({ key_generate: () => created, keys_list: () => [] });

    await vi.waitFor(() => expect(screen.getByTestId('generate-name')).toHaveFocus());
    await user.type(screen.getByTestId('generate-name'), '  Partner archive ');
    await user.selectOptions(screen.getByTestId('generate-algorithm'), 'hmac-sha256');
    await user.type(screen.getByTestId('generate-tags'), 'partners, archive{Enter}eu');
    await user.type(screen.getByTestId('generate-notes'), 'Monthly export.');
    await user.click(screen.getByTestId('generate-submit'));

    expect(callsTo('key_generate')).toEqual([
      {
        name: 'Partner archive',
        algorithm: 'hmac-sha256',
        notes: 'Monthly export.',
        tags: ['partners', 'archive', 'eu'],
      },
    ]);
    await vi.waitFor(() => expect(onclose).toHaveBeenCalled());
    expect(keys.selected).toEqual(created);
  });

  it('turns typed tags into chips that can be removed', async () => {
    const { user } = await showForm();
    const input = screen.getByTestId('generate-tags');
    await user.type(input, 'one,two, three{Enter}');
    expect(input).toHaveValue('');
    expect(screen.getByRole('button', { name: 'Remove tag two' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Remove tag two' }));
    expect(screen.queryByRole('button', { name: 'Remove tag two' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Remove tag three' })).toBeInTheDocument();
  });

  it('keeps the button disabled without a name, and flags a too-long tag', async () => {
    const { user } = await showForm();
    expect(screen.getByTestId('generate-submit')).toBeDisabled();
    await user.type(screen.getByTestId('generate-name'), '   ');
    expect(screen.getByTestId('generate-submit')).toBeDisabled();
    await user.clear(screen.getByTestId('generate-name'));
    await user.type(screen.getByTestId('generate-name'), 'Fine');
    expect(screen.getByTestId('generate-submit')).toBeEnabled();
    await user.type(screen.getByTestId('generate-tags'), 'x'.repeat(65));
    expect(screen.getByText('Tags are at most 64 characters.')).toBeInTheDocument();
    expect(screen.getByTestId('generate-submit')).toBeDisabled();
  });

  it('shows a failure from the shell and stays open', async () => {
    const { onclose, user } = await showForm();
    answer({ key_generate: reject('name_taken', 'A key named “Alpha” already exists.') });
    await user.type(screen.getByTestId('generate-name'), 'Alpha{Enter}');
    expect(await screen.findByTestId('generate-error')).toHaveTextContent('A key named “Alpha” already exists.');
    expect(onclose).not.toHaveBeenCalled();
    expect(screen.getByTestId('generate-name')).toHaveValue('Alpha');
  });

  it('closes on Escape', async () => {
    const { onclose, user } = await showForm();
    await user.keyboard('{Escape}');
    expect(onclose).toHaveBeenCalled();
  });
});
