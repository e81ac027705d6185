import { listen } from '@tauri-apps/api/event';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import { answer, callsTo, dashboard, locked, reject, status, unlocked } from './test/shell';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn() }));

/** Renders the app and returns a function that emits `vault-locked`. */
async function start() {
  let emit: (reason: 'idle' | 'user') => void = () => {};
  vi.mocked(listen).mockImplementation(async (event, handler) => {
    // Home also listens for keys-changed; only vault-locked is emitted here.
    if (event === 'vault-locked') emit = (reason) => handler({ event: 'vault-locked', id: 1, payload: { reason } });
    return () => {};
  });
  render(App);
  await vi.waitFor(() => expect(listen).toHaveBeenCalledWith('vault-locked', expect.any(Function)));
  return { emit: (reason: 'idle' | 'user') => emit(reason), user: userEvent.setup() };
}

describe('App', () => {
  it('shows the screen for the vault state', async () => {
    answer({ vault_status: () => status({ defaultVaultExists: true }) });
    await start();
    const root = await screen.findByTestId('welcome-open-default');
    expect(root.closest('[data-screen]')).toHaveAttribute('data-screen', 'welcome');
  });

  it('returns to Unlock with a calm notice when the idle timer locks the vault', async () => {
    answer({ vault_status: () => unlocked({ autoLockMinutes: 10 }), dashboard: () => dashboard() });
    const { emit } = await start();
    await screen.findByTestId('dashboard-counts');

    emit('idle');
    expect(await screen.findByTestId('unlock-passphrase')).toBeInTheDocument();
    expect(screen.getByTestId('app-notice')).toHaveTextContent('Locked after 10 minutes without activity.');
  });

  it('shows no notice when the person locks the vault', async () => {
    answer({
      vault_status: () => unlocked(),
      dashboard: () => dashboard(),
      vault_lock: () => locked(),
    });
    const { user } = await start();
    await user.click(await screen.findByTestId('lock-button'));
    expect(await screen.findByTestId('unlock-passphrase')).toBeInTheDocument();
    expect(screen.queryByTestId('app-notice')).not.toBeInTheDocument();
  });

  it('reports activity on input while unlocked, throttled', async () => {
    answer({ vault_status: () => unlocked(), dashboard: () => dashboard(), activity: () => null });
    const { user } = await start();
    await screen.findByTestId('dashboard-counts');
    await user.keyboard('a');
    await user.click(screen.getByTestId('nav-dashboard'));
    expect(callsTo('activity')).toHaveLength(1);
  });

  it('offers a retry when the first status fails', async () => {
    answer({ vault_status: reject('io', 'Cannot read the data folder.') });
    const { user } = await start();
    expect(await screen.findByTestId('load-error')).toHaveTextContent('Cannot read the data folder.');
    answer({ vault_status: () => status() });
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('welcome-create')).toBeInTheDocument();
  });
});
