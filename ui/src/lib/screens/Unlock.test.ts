import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { VaultStore } from '$lib/stores/vault.svelte';
import { answer, callsTo, locked, reject, status, unlocked } from '../../test/shell';
import Unlock from './Unlock.svelte';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

async function showUnlock(keyfileRequired = false, recoveryKit = false) {
  const vault = new VaultStore();
  answer({ vault_status: () => locked({ keyfileRequired, recoveryKit }) });
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

  it('offers the vault recovery kit only when the vault has one', async () => {
    await showUnlock(false, false);
    expect(screen.queryByTestId('unlock-recover')).not.toBeInTheDocument();
  });

  it('opens the vault with two sheets of its recovery kit and a new passphrase', async () => {
    const { vault, user } = await showUnlock(false, true);
    let have = 0;
    answer({
      vault_recovery_add: ({ text }) => {
        if (String(text).includes('xyzzy'))
          throw { code: 'invalid_input', message: 'Share: word 5 is not a SLIP-39 word.' };
        have += 1;
        return { have, need: 2 };
      },
      vault_recover: () => unlocked(),
    });
    await user.click(screen.getByTestId('unlock-recover'));
    expect(screen.getByTestId('vault-recovery-progress')).toHaveTextContent('No sheet read yet');

    const words = screen.getByTestId('vault-recovery-words');
    await user.type(words, '1 academic 2 acid 3 acne 4 acquire 5 xyzzy');
    await user.click(screen.getByTestId('vault-recovery-add'));
    expect(await screen.findByTestId('vault-recovery-error')).toHaveTextContent('word 5');
    // The words stay, to be corrected.
    expect(words).toHaveValue('1 academic 2 acid 3 acne 4 acquire 5 xyzzy');

    await user.clear(words);
    await user.type(words, 'academic acid acne');
    await user.click(screen.getByTestId('vault-recovery-add'));
    expect(await screen.findByText('1 of 2 sheets read')).toBeInTheDocument();
    expect(screen.getByTestId('vault-recovery-words')).toHaveValue('');
    await user.type(screen.getByTestId('vault-recovery-words'), 'academic acid always');
    await user.click(screen.getByTestId('vault-recovery-add'));
    expect(await screen.findByTestId('vault-recovery-ready')).toBeInTheDocument();

    const submit = screen.getByTestId('vault-recovery-submit');
    await user.type(screen.getByTestId('vault-recovery-passphrase'), 'a brand new passphrase');
    await user.type(screen.getByTestId('vault-recovery-confirm'), 'a brand new passphrase!');
    expect(submit).toBeDisabled();
    await user.type(screen.getByTestId('vault-recovery-confirm'), '{Backspace}');
    await user.click(submit);
    expect(callsTo('vault_recover')).toEqual([{ newPassphrase: 'a brand new passphrase', keyfilePath: null }]);
    await vi.waitFor(() => expect(vault.screen).toBe('dashboard'));
    expect(vault.notice).toContain('new passphrase');
  });

  it('reads scans of the recovery kit’s sheets, one result per file, and forgets them on starting over', async () => {
    const { user } = await showUnlock(false, true);
    let have = 0;
    answer({
      vault_recovery_add_scan: () => {
        if (callsTo('vault_recovery_add_scan').length === 2)
          throw { code: 'invalid_input', message: 'Scan: the PNG image is damaged: unexpected end of file.' };
        have += 1;
        return { have, need: 2 };
      },
      vault_recovery_reset: () => null,
    });
    await user.click(screen.getByTestId('unlock-recover'));
    const input = screen.getByTestId('vault-recovery-scan-input');
    await user.upload(input, [
      new File([new Uint8Array([0x89, 0x50])], 'sheet-1.png', { type: 'image/png' }),
      new File([new Uint8Array([0x89])], 'sheet-2.png', { type: 'image/png' }),
    ]);

    await vi.waitFor(() => expect(screen.getAllByTestId('vault-recovery-scan-result')).toHaveLength(2));
    const [read, failed] = screen.getAllByTestId('vault-recovery-scan-result');
    expect(read).toHaveAttribute('data-file-name', 'sheet-1.png');
    expect(read).toHaveAttribute('data-outcome', 'read');
    expect(read).toHaveTextContent('Read a sheet.');
    expect(failed).toHaveAttribute('data-file-name', 'sheet-2.png');
    expect(failed).toHaveAttribute('data-outcome', 'error');
    expect(failed).toHaveTextContent('the PNG image is damaged');
    expect(callsTo('vault_recovery_add_scan')).toEqual([new Uint8Array([0x89, 0x50]), new Uint8Array([0x89])]);
    expect(screen.getByTestId('vault-recovery-progress')).toHaveTextContent('1 of 2 sheets read');
    expect(screen.queryByTestId('vault-recovery-scan-busy')).not.toBeInTheDocument();
    expect(input).toBeEnabled();

    await user.click(screen.getByTestId('vault-recovery-reset'));
    expect(await screen.findByText('No sheet read yet')).toBeInTheDocument();
    expect(screen.queryByTestId('vault-recovery-scan-result')).not.toBeInTheDocument();
  });

  it('shows why the shares do not open the vault, and can start over', async () => {
    const { user } = await showUnlock(false, true);
    answer({
      vault_recovery_add: () => ({ have: 1, need: 1 }),
      vault_recovery_reset: () => null,
      vault_recover: reject('wrong_passphrase', 'These shares do not open this vault.'),
    });
    await user.click(screen.getByTestId('unlock-recover'));
    await user.type(screen.getByTestId('vault-recovery-words'), 'academic acid acne');
    await user.click(screen.getByTestId('vault-recovery-add'));
    await user.type(await screen.findByTestId('vault-recovery-passphrase'), 'a brand new passphrase');
    await user.type(screen.getByTestId('vault-recovery-confirm'), 'a brand new passphrase');
    await user.click(screen.getByTestId('vault-recovery-submit'));
    expect(await screen.findByTestId('vault-recovery-error')).toHaveTextContent('do not open this vault');
    await user.click(screen.getByTestId('vault-recovery-reset'));
    expect(callsTo('vault_recovery_reset')).toHaveLength(1);
    expect(await screen.findByText('No sheet read yet')).toBeInTheDocument();
    await user.click(screen.getByTestId('vault-recovery-back'));
    expect(await screen.findByTestId('unlock-passphrase')).toBeInTheDocument();
  });
});
