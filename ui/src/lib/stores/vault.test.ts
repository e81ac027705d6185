// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IpcError } from '$lib/ipc';
import { answer, callsTo, locked, reject, status, unlocked } from '../../test/shell';
import { ACTIVITY_INTERVAL_MS, VaultStore } from './vault.svelte';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

async function loaded(initial = status()) {
  const vault = new VaultStore();
  answer({ vault_status: () => initial });
  await vault.load();
  return vault;
}

describe('VaultStore', () => {
  it('shows a loading screen until the status arrives, then follows its state', async () => {
    const vault = new VaultStore();
    expect(vault.screen).toBe('loading');
    answer({ vault_status: () => locked() });
    await vault.load();
    expect(vault.screen).toBe('unlock');
  });

  it('keeps a failed first load as an error', async () => {
    const vault = new VaultStore();
    answer({ vault_status: reject('io', 'Cannot read the data directory.') });
    await vault.load();
    expect(vault.screen).toBe('loading');
    expect(vault.loadError?.message).toBe('Cannot read the data directory.');
  });

  it('goes welcome → create → the dashboard, creating at the chosen path', async () => {
    const vault = await loaded();
    expect(vault.screen).toBe('welcome');

    vault.startCreate();
    expect(vault.screen).toBe('create');
    expect(vault.createPath).toBe('/data/keywarden/vault.keywarden');
    vault.startCreate('/elsewhere/team.keywarden');

    answer({ vault_create: (args) => unlocked({ path: args.path as string }) });
    await vault.create('a long passphrase', null);
    expect(callsTo('vault_create')).toEqual([
      { path: '/elsewhere/team.keywarden', passphrase: 'a long passphrase', keyfilePath: null },
    ]);
    expect(vault.screen).toBe('dashboard');
    expect(vault.createPath).toBeNull();
  });

  it('returns to welcome when creation is cancelled', async () => {
    const vault = await loaded();
    vault.startCreate();
    vault.cancelCreate();
    expect(vault.screen).toBe('welcome');
  });

  it('selects, unlocks, opens settings, locks and closes', async () => {
    const vault = await loaded();
    answer({
      vault_select: () => locked(),
      vault_unlock: () => unlocked(),
      vault_lock: () => locked(),
      vault_close: () => status(),
    });
    await vault.select('/data/keywarden/vault.keywarden');
    expect(vault.screen).toBe('unlock');
    await vault.unlock('pass', null);
    expect(vault.screen).toBe('dashboard');
    vault.openSettings();
    expect(vault.screen).toBe('settings');
    await vault.lock();
    expect(vault.screen).toBe('unlock');
    await vault.unlock('pass', null);
    expect(vault.screen).toBe('dashboard'); // settings do not reopen after a lock
    await vault.close();
    expect(vault.screen).toBe('welcome');
  });

  it('stays on the same screen and rethrows when unlocking fails', async () => {
    const vault = await loaded(locked());
    answer({ vault_unlock: reject('wrong_passphrase') });
    await expect(vault.unlock('nope', null)).rejects.toMatchObject({ code: 'wrong_passphrase' });
    expect(vault.screen).toBe('unlock');
  });

  it('goes to the Unlock screen when any command answers `locked`', async () => {
    const vault = await loaded(unlocked());
    vault.openSettings();
    answer({ settings_set_auto_lock: reject('locked', 'The vault is locked.') });
    const error = await vault.setAutoLock(10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IpcError);
    expect(vault.screen).toBe('unlock');
    expect(vault.status?.path).toBe('/data/keywarden/vault.keywarden');
  });

  it('reloads the status when a command answers `no_vault`', async () => {
    const vault = await loaded(unlocked());
    answer({ vault_status: () => status() });
    await expect(vault.run(() => Promise.reject({ code: 'no_vault', message: 'x' }))).rejects.toThrow();
    await vi.waitFor(() => expect(vault.screen).toBe('welcome'));
  });

  it('says how long it waited when the idle timer locks the vault', async () => {
    const vault = await loaded(unlocked({ autoLockMinutes: 15 }));
    vault.locked('idle');
    expect(vault.screen).toBe('unlock');
    expect(vault.notice).toBe('Locked after 15 minutes without activity.');

    answer({ vault_unlock: () => unlocked() });
    await vault.unlock('pass', null);
    expect(vault.notice).toBeNull();
  });

  it('says nothing when the person locked the vault', async () => {
    const vault = await loaded(unlocked());
    vault.locked('user');
    expect(vault.screen).toBe('unlock');
    expect(vault.notice).toBeNull();
  });

  it('updates the auto-lock minutes from the answer', async () => {
    const vault = await loaded(unlocked());
    answer({ settings_set_auto_lock: (args) => unlocked({ autoLockMinutes: args.minutes as number }) });
    await vault.setAutoLock(30);
    expect(callsTo('settings_set_auto_lock')).toEqual([{ minutes: 30 }]);
    expect(vault.status?.autoLockMinutes).toBe(30);
  });

  it('updates the clipboard wait from the answer', async () => {
    const vault = await loaded(unlocked());
    answer({
      settings_set_clipboard_clear: (args) => unlocked({ clipboardClearSeconds: args.seconds as number }),
    });
    await vault.setClipboardClear(120);
    expect(callsTo('settings_set_clipboard_clear')).toEqual([{ seconds: 120 }]);
    expect(vault.status?.clipboardClearSeconds).toBe(120);
  });

  it('changes the passphrase with the contract arguments', async () => {
    const vault = await loaded(unlocked({ keyfileRequired: true }));
    answer({ vault_change_passphrase: () => null });
    await vault.changePassphrase('old one', 'a new passphrase', '/keys/k');
    expect(callsTo('vault_change_passphrase')).toEqual([
      { currentPassphrase: 'old one', newPassphrase: 'a new passphrase', keyfilePath: '/keys/k' },
    ]);
  });

  describe('activity', () => {
    beforeEach(() => {
      vi.useFakeTimers();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('reports at most once every 15 seconds, and only while unlocked', async () => {
      const vault = await loaded(unlocked());
      answer({ activity: () => null });

      vault.reportActivity();
      vault.reportActivity();
      expect(callsTo('activity')).toHaveLength(1);

      vi.advanceTimersByTime(ACTIVITY_INTERVAL_MS - 1);
      vault.reportActivity();
      expect(callsTo('activity')).toHaveLength(1);

      vi.advanceTimersByTime(1);
      vault.reportActivity();
      expect(callsTo('activity')).toHaveLength(2);

      vault.locked('user');
      vi.advanceTimersByTime(ACTIVITY_INTERVAL_MS);
      vault.reportActivity();
      expect(callsTo('activity')).toHaveLength(2);
    });

    it('reports again straight after unlocking', async () => {
      const vault = await loaded(unlocked());
      answer({ activity: () => null, vault_lock: () => locked(), vault_unlock: () => unlocked() });
      vault.reportActivity();
      await vault.lock();
      await vault.unlock('pass', null);
      vault.reportActivity();
      expect(callsTo('activity')).toHaveLength(2);
    });

    it('follows a `locked` answer to the heartbeat', async () => {
      const vault = await loaded(unlocked());
      answer({ activity: reject('locked') });
      vault.reportActivity();
      await vi.waitFor(() => expect(vault.screen).toBe('unlock'));
    });
  });
});
