import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { VaultStore } from '$lib/stores/vault.svelte';
import { answer, callsTo, unlocked } from '../../test/shell';
import Settings from './Settings.svelte';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));
vi.mock('@tauri-apps/plugin-dialog', () => ({ open: vi.fn(), save: vi.fn() }));

async function show(status = unlocked()) {
  const vault = new VaultStore();
  answer({
    vault_status: () => status,
    settings_autostart: () => ({ enabled: false }),
    settings_set_auto_lock: (args) => unlocked({ ...status, autoLockMinutes: args.minutes as number }),
    settings_set_clipboard_clear: (args) => unlocked({ ...status, clipboardClearSeconds: args.seconds as number }),
  });
  await vault.load();
  render(Settings, { vault });
  return { vault, user: userEvent.setup() };
}

describe('Settings', () => {
  it('shows the vault’s auto-lock and clipboard waits and saves each on its own', async () => {
    const { vault, user } = await show(unlocked({ autoLockMinutes: 5, clipboardClearSeconds: 30 }));
    const clipboard = screen.getByTestId('settings-clipboard');
    expect(screen.getByTestId('settings-autolock')).toHaveValue(5);
    expect(clipboard).toHaveValue(30);
    expect(screen.getByTestId('settings-clipboard-save')).toBeDisabled();
    await user.clear(clipboard);
    await user.type(clipboard, '90');
    await user.click(screen.getByTestId('settings-clipboard-save'));
    expect(await screen.findByTestId('settings-clipboard-saved')).toHaveTextContent(
      'A copied secret is now wiped from the clipboard after 90 seconds.',
    );
    expect(callsTo('settings_set_clipboard_clear')).toEqual([{ seconds: 90 }]);
    expect(callsTo('settings_set_auto_lock')).toEqual([]);
    expect(vault.status?.clipboardClearSeconds).toBe(90);
    expect(clipboard).toHaveValue(90);

    const minutes = screen.getByTestId('settings-autolock');
    await user.clear(minutes);
    await user.type(minutes, '12');
    await user.click(screen.getByTestId('settings-autolock-save'));
    expect(await screen.findByTestId('settings-autolock-saved')).toHaveTextContent(
      'The vault now locks after 12 minutes without activity.',
    );
    expect(callsTo('settings_set_auto_lock')).toEqual([{ minutes: 12 }]);
  });

  it('refuses a clipboard wait outside 5 to 600 seconds before asking the shell', async () => {
    const { user } = await show();
    const clipboard = screen.getByTestId('settings-clipboard');
    for (const bad of ['4', '601', '2.5']) {
      await user.clear(clipboard);
      await user.type(clipboard, bad);
      expect(screen.getByText('Choose a whole number of seconds from 5 to 600.')).toBeInTheDocument();
      expect(screen.getByTestId('settings-clipboard-save')).toBeDisabled();
    }
    expect(callsTo('settings_set_clipboard_clear')).toEqual([]);
  });
});
