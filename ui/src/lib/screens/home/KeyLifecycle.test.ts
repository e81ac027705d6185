import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { KeyDetail as Detail } from '$lib/ipc';
import { KeyStore } from '$lib/stores/keys.svelte';
import { VaultStore } from '$lib/stores/vault.svelte';
import { answer, callsTo, key, reject, unlocked, vocabulary } from '../../../test/shell';
import KeyDetail from './KeyDetail.svelte';
import RevealDialog from './RevealDialog.svelte';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

const backup = key('Backup key', { id: 'id-backup' });

async function show(detail: Detail = backup) {
  const vault = new VaultStore();
  answer({ vault_status: () => unlocked(), ...vocabulary, key_get: () => detail });
  await vault.load();
  const keys = new KeyStore(vault);
  await keys.loadVocabulary();
  await keys.select(detail.id);
  render(KeyDetail, { keys });
  return { keys, user: userEvent.setup() };
}

describe('KeyDetail lifecycle', () => {
  it('offers exactly the allowed state changes, rotation, reveal and destruction', async () => {
    await show();
    expect(screen.getByTestId('key-state')).toHaveTextContent('Active');
    expect(screen.getByTestId('key-action-suspended')).toHaveTextContent('Suspend');
    expect(screen.getByTestId('key-action-deactivated')).toHaveTextContent('Deactivate');
    expect(screen.getByTestId('key-action-compromised')).toHaveTextContent('Mark compromised');
    expect(screen.queryByTestId('key-action-active')).not.toBeInTheDocument();
    expect(screen.getByTestId('key-rotate')).toBeInTheDocument();
    expect(screen.getByTestId('key-schedule-destruction')).toBeInTheDocument();
    expect(screen.getAllByTestId('timeline-step')).toHaveLength(2);
  });

  it('asks why before suspending, and will not go on without a reason', async () => {
    const { user } = await show();
    const suspended = key('Backup key', {
      id: 'id-backup',
      state: 'suspended',
      nextStates: ['active', 'deactivated', 'compromised'],
    });
    answer({ key_set_state: () => suspended, keys_list: () => [] });
    await user.click(screen.getByTestId('key-action-suspended'));
    expect(screen.getByRole('alertdialog')).toHaveTextContent('Suspend “Backup key”?');
    await user.click(screen.getByTestId('reason-confirm'));
    expect(screen.getByText('Say why; the reason is kept in the audit log.')).toBeInTheDocument();
    expect(callsTo('key_set_state')).toHaveLength(0);
    await user.type(screen.getByTestId('reason-input'), '  Investigating a leak ');
    await user.click(screen.getByTestId('reason-confirm'));
    expect(callsTo('key_set_state')).toEqual([{ id: 'id-backup', to: 'suspended', reason: 'Investigating a leak' }]);
    await vi.waitFor(() => expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument());
    expect(screen.getByTestId('key-state')).toHaveTextContent('Suspended');
    expect(screen.getByTestId('key-action-active')).toHaveTextContent('Reactivate');
  });

  it('shows the follow-up list once a key is compromised', async () => {
    await show(
      key('Backup key', {
        id: 'id-backup',
        state: 'compromised',
        nextStates: [],
        followUp: ['Rotate the key.', 'Re-issue every kit.', 'Tell the people who rely on it.'],
      }),
    );
    const followUp = screen.getByTestId('key-follow-up');
    expect(followUp.querySelectorAll('li')).toHaveLength(3);
    expect(followUp).toHaveTextContent('Re-issue every kit.');
    expect(screen.queryByTestId('key-rotate')).not.toBeInTheDocument();
  });

  it('rotates and shows the new version', async () => {
    const { user } = await show();
    const rotated = key('Backup key', {
      id: 'id-backup',
      version: 2,
      versions: [
        ...backup.versions.map((v) => ({ ...v, deactivatedAt: '2025-04-01T00:00:00Z' })),
        {
          number: 2,
          algorithm: 'aes-256',
          createdAt: '2025-04-01T00:00:00Z',
          fingerprint: '',
          fingerprints: [],
          deactivatedAt: null,
          destroyedAt: null,
        },
      ],
    });
    answer({ key_rotate: () => rotated, keys_list: () => [] });
    await user.click(screen.getByTestId('key-rotate'));
    await user.type(screen.getByTestId('reason-input'), 'Yearly');
    await user.click(screen.getByTestId('reason-confirm'));
    expect(callsTo('key_rotate')).toEqual([{ id: 'id-backup', algorithm: null, reason: 'Yearly' }]);
    await vi.waitFor(() => expect(screen.getAllByTestId('key-version')).toHaveLength(2));
    expect(screen.getAllByTestId('key-version')[0]).toHaveTextContent('v2');
    expect(screen.getAllByTestId('key-version')[0]).toHaveTextContent('Current');
    expect(screen.getAllByTestId('key-version')[1]).toHaveTextContent('Retired');
  });

  it('schedules a destruction with an optional wait, shows it, and shows a refusal in the dialog', async () => {
    const { user } = await show();
    answer({
      key_schedule_destruction: reject('not_allowed', 'The policy asks for a waiting period of at least 7 days.'),
    });
    await user.click(screen.getByTestId('key-schedule-destruction'));
    await user.type(screen.getByTestId('destruction-days'), '3');
    await user.type(screen.getByTestId('reason-input'), 'Retired');
    await user.click(screen.getByTestId('reason-confirm'));
    expect(await screen.findByTestId('reason-error')).toHaveTextContent('at least 7 days');
    expect(callsTo('key_schedule_destruction')).toEqual([{ id: 'id-backup', days: 3, reason: 'Retired' }]);

    const scheduled = key('Backup key', {
      id: 'id-backup',
      destructionDue: '2025-05-01T00:00:00Z',
      destruction: {
        scheduledAt: '2025-04-24T00:00:00Z',
        dueAt: '2025-05-01T00:00:00Z',
        actor: 'alex',
        reason: 'Retired',
      },
    });
    answer({ key_schedule_destruction: () => scheduled, keys_list: () => [] });
    await user.clear(screen.getByTestId('destruction-days'));
    await user.click(screen.getByTestId('reason-confirm'));
    expect(callsTo('key_schedule_destruction').at(-1)).toEqual({ id: 'id-backup', days: null, reason: 'Retired' });
    expect(await screen.findByTestId('key-destruction')).toHaveTextContent('Scheduled for destruction');
    expect(screen.getByTestId('key-cancel-destruction')).toBeInTheDocument();
  });
});

describe('RevealDialog', () => {
  async function showReveal() {
    const vault = new VaultStore();
    answer({ vault_status: () => unlocked(), key_get: () => backup });
    await vault.load();
    const keys = new KeyStore(vault);
    const onclose = vi.fn();
    render(RevealDialog, { keys, key: backup, onclose });
    return { onclose, user: userEvent.setup() };
  }

  it('asks for the passphrase, shows a refusal, and reveals on the right one', async () => {
    const { user } = await showReveal();
    answer({ key_reveal: reject('wrong_passphrase', 'That passphrase is not this vault’s. Nothing was revealed.') });
    await user.type(screen.getByTestId('reveal-passphrase'), 'wrong one{Enter}');
    expect(await screen.findByTestId('reveal-error')).toHaveTextContent('Nothing was revealed.');
    expect(screen.getByTestId('reveal-passphrase')).toHaveValue('');

    answer({ key_reveal: () => ({ version: 1, encoding: 'hex', text: 'a1b2c3' }), key_get: () => backup });
    await user.type(screen.getByTestId('reveal-passphrase'), 'correct horse{Enter}');
    expect(await screen.findByTestId('reveal-secret')).toHaveTextContent('a1b2c3');
    expect(callsTo('key_reveal').at(-1)).toEqual({
      id: backup.id,
      version: null,
      passphrase: 'correct horse',
      keyfilePath: null,
    });
  });

  it('copies through the shell, which wipes the secret: the dialog counts its wait down', async () => {
    const { user } = await showReveal();
    answer({
      key_reveal: () => ({ version: 1, encoding: 'hex', text: 'a1b2c3' }),
      key_get: () => backup,
      clipboard_copy: () => ({ clearsInSeconds: 2 }),
      clipboard_clear: () => null,
    });
    await user.type(screen.getByTestId('reveal-passphrase'), 'correct horse{Enter}');
    await screen.findByTestId('reveal-secret');
    await user.click(screen.getByTestId('reveal-copy'));
    expect(callsTo('clipboard_copy')).toEqual([{ text: 'a1b2c3', secret: true }]);
    expect(screen.getByTestId('reveal-countdown')).toHaveTextContent('2 s');
    await vi.waitFor(() => expect(screen.queryByTestId('reveal-countdown')).not.toBeInTheDocument(), {
      timeout: 4000,
    });
    // The wipe is the shell's: the window asks for none.
    expect(callsTo('clipboard_clear')).toEqual([]);

    // Clear now empties it at once.
    await user.click(screen.getByTestId('reveal-copy'));
    await user.click(screen.getByTestId('reveal-clear'));
    expect(callsTo('clipboard_clear')).toHaveLength(1);
    expect(screen.queryByTestId('reveal-countdown')).not.toBeInTheDocument();
  });

  it('says so when the clipboard cannot be written', async () => {
    const { user } = await showReveal();
    answer({
      key_reveal: () => ({ version: 1, encoding: 'hex', text: 'a1b2c3' }),
      key_get: () => backup,
      clipboard_copy: reject('io', 'The clipboard cannot be written: no display.'),
    });
    await user.type(screen.getByTestId('reveal-passphrase'), 'correct horse{Enter}');
    await screen.findByTestId('reveal-secret');
    await user.click(screen.getByTestId('reveal-copy'));
    expect(await screen.findByTestId('reveal-copy-error')).toHaveTextContent('cannot be written');
    expect(screen.queryByTestId('reveal-countdown')).not.toBeInTheDocument();
  });
});
