import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { VaultStore } from '$lib/stores/vault.svelte';
import { answer, callsTo, locked, reject, status, unlocked } from '../../test/shell';
import Unlock from './Unlock.svelte';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

async function showUnlock(keyfileRequired = false) {
  const vault = new VaultStore();
  answer({ vault_status: () => locked({ keyfileRequired }) });
  await vault.load();
  render(Unlock, { vault });
  return { vault, user: userEvent.setup() };
}

describe('Unlock', () => {
  it('shows the vault path and focuses the passphrase', async () => {
    await showUnlock();
    expect(screen.getByTestId('unlock-path')).toHaveTextContent('/data/keywarden/vault.keywarden');
    expect(screen.getByTestId('unlock-passphrase')).toHaveFocus();
    expect(screen.queryByTestId('unlock-keyfile')).not.toBeInTheDocument();
    expect(screen.getByTestId('unlock-submit')).toBeDisabled();
  });

  it('shows the wrong-passphrase message, clears the field and focuses it again', async () => {
    const { vault, user } = await showUnlock();
    answer({ vault_unlock: reject('wrong_passphrase', 'That passphrase does not open this vault.') });

    const field = screen.getByTestId('unlock-passphrase');
    await user.type(field, 'not it{Enter}');

    const alert = await screen.findByTestId('unlock-error');
    expect(alert).toHaveTextContent('That passphrase does not open this vault.');
    expect(alert.closest('[role="alert"]') ?? alert).toHaveAttribute('role', 'alert');
    expect(field).toHaveValue('');
    await vi.waitFor(() => expect(field).toHaveFocus());
    expect(callsTo('vault_unlock')).toEqual([{ passphrase: 'not it', keyfilePath: null }]);
    expect(vault.screen).toBe('unlock');
  });

  it('asks for the key file when the vault needs one and sends its path', async () => {
    const { vault, user } = await showUnlock(true);
    answer({ vault_unlock: () => unlocked({ keyfileRequired: true }) });

    await user.type(screen.getByTestId('unlock-passphrase'), 'the passphrase');
    expect(screen.getByTestId('unlock-submit')).toBeDisabled();
    await user.type(screen.getByTestId('unlock-keyfile'), '/media/usb/vault.key');
    await user.click(screen.getByTestId('unlock-submit'));

    expect(callsTo('vault_unlock')).toEqual([{ passphrase: 'the passphrase', keyfilePath: '/media/usb/vault.key' }]);
    await vi.waitFor(() => expect(vault.screen).toBe('dashboard'));
  });

  it('shows other errors as their message', async () => {
    const { user } = await showUnlock(true);
    answer({ vault_unlock: reject('wrong_keyfile', 'That is not this vault’s key file.') });
    await user.type(screen.getByTestId('unlock-passphrase'), 'the passphrase');
    await user.type(screen.getByTestId('unlock-keyfile'), '/tmp/other');
    await user.click(screen.getByTestId('unlock-submit'));
    expect(await screen.findByTestId('unlock-error')).toHaveTextContent('That is not this vault’s key file.');
  });

  it('asks for the key file when the shell answers keyfile_required', async () => {
    const { user } = await showUnlock(false);
    answer({ vault_unlock: reject('keyfile_required', 'This vault needs its key file.') });
    await user.type(screen.getByTestId('unlock-passphrase'), 'the passphrase{Enter}');
    expect(await screen.findByTestId('unlock-keyfile')).toBeInTheDocument();
    expect(screen.getByTestId('unlock-error')).toHaveTextContent('This vault needs its key file.');

    answer({ vault_unlock: () => unlocked() });
    await user.type(screen.getByTestId('unlock-passphrase'), 'the passphrase');
    await user.type(screen.getByTestId('unlock-keyfile'), '/k');
    await user.click(screen.getByTestId('unlock-submit'));
    expect(callsTo('vault_unlock')[1]).toEqual({ passphrase: 'the passphrase', keyfilePath: '/k' });
  });

  it('closes the vault to open a different one', async () => {
    const { vault, user } = await showUnlock();
    answer({ vault_close: () => status() });
    await user.click(screen.getByTestId('unlock-close'));
    expect(callsTo('vault_close')).toHaveLength(1);
    await vi.waitFor(() => expect(vault.screen).toBe('welcome'));
  });
});
