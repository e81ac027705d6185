// @vitest-environment node
import { invoke, type InvokeArgs } from '@tauri-apps/api/core';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as ipc from '.';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));
const invokeMock = vi.mocked(invoke);

describe('commands', () => {
  beforeEach(() => {
    invokeMock.mockResolvedValue('result');
  });

  // The start of a PNG file, as a scanned sheet is sent: the bytes themselves are the call's body.
  const scan = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

  // Every command in docs/ipc.md, with the exact object the shell must receive.
  const cases: [name: string, run: () => Promise<unknown>, command: string, args?: InvokeArgs][] = [
    ['vaultStatus', () => ipc.vaultStatus(), 'vault_status', undefined],
    ['vaultSelect', () => ipc.vaultSelect('/v.keywarden'), 'vault_select', { path: '/v.keywarden' }],
    [
      'vaultCreate',
      () => ipc.vaultCreate({ path: '/v.keywarden', passphrase: 'pp', keyfilePath: null }),
      'vault_create',
      { path: '/v.keywarden', passphrase: 'pp', keyfilePath: null },
    ],
    [
      'vaultUnlock',
      () => ipc.vaultUnlock({ passphrase: 'pp', keyfilePath: '/k' }),
      'vault_unlock',
      { passphrase: 'pp', keyfilePath: '/k' },
    ],
    ['vaultLock', () => ipc.vaultLock(), 'vault_lock', undefined],
    ['vaultClose', () => ipc.vaultClose(), 'vault_close', undefined],
    [
      'vaultChangePassphrase',
      () => ipc.vaultChangePassphrase({ currentPassphrase: 'old', newPassphrase: 'new', keyfilePath: null }),
      'vault_change_passphrase',
      { currentPassphrase: 'old', newPassphrase: 'new', keyfilePath: null },
    ],
    ['settingsSetAutoLock', () => ipc.settingsSetAutoLock(15), 'settings_set_auto_lock', { minutes: 15 }],
    [
      'settingsSetClipboardClear',
      () => ipc.settingsSetClipboardClear(45),
      'settings_set_clipboard_clear',
      { seconds: 45 },
    ],
    ['activity', () => ipc.activity(), 'activity', undefined],
    ['keyAlgorithms', () => ipc.keyAlgorithms(), 'key_algorithms', undefined],
    ['keysList (all)', () => ipc.keysList(null), 'keys_list', { query: null }],
    ['keysList (query)', () => ipc.keysList('prod'), 'keys_list', { query: 'prod' }],
    ['keyGet', () => ipc.keyGet('id-1'), 'key_get', { id: 'id-1' }],
    [
      'keyGenerate',
      () => ipc.keyGenerate({ name: 'n', algorithm: 'aes-256', notes: '', tags: ['a', 'b'] }),
      'key_generate',
      {
        name: 'n',
        algorithm: 'aes-256',
        notes: '',
        tags: ['a', 'b'],
        purpose: null,
        owner: null,
        custodians: null,
        preActivation: null,
        rotationDays: null,
      },
    ],
    [
      'keyGenerate (full)',
      () =>
        ipc.keyGenerate({
          name: 'n',
          algorithm: 'ed25519',
          notes: '',
          tags: [],
          purpose: 'signature',
          owner: 'Ops',
          custodians: ['Ana'],
          preActivation: true,
          rotationDays: 90,
        }),
      'key_generate',
      {
        name: 'n',
        algorithm: 'ed25519',
        notes: '',
        tags: [],
        purpose: 'signature',
        owner: 'Ops',
        custodians: ['Ana'],
        preActivation: true,
        rotationDays: 90,
      },
    ],
    ['keyPurposes', () => ipc.keyPurposes(), 'key_purposes', undefined],
    ['keyStates', () => ipc.keyStates(), 'key_states', undefined],
    [
      'keyUpdate',
      () => ipc.keyUpdate('id-1', { owner: 'Ops', rotationDays: 0 }),
      'key_update',
      { id: 'id-1', name: null, notes: null, tags: null, owner: 'Ops', custodians: null, rotationDays: 0 },
    ],
    [
      'keySetState',
      () => ipc.keySetState('id-1', 'suspended', 'why'),
      'key_set_state',
      { id: 'id-1', to: 'suspended', reason: 'why' },
    ],
    [
      'keyRotate',
      () => ipc.keyRotate('id-1', null, 'why'),
      'key_rotate',
      { id: 'id-1', algorithm: null, reason: 'why' },
    ],
    ['copySecret', () => ipc.copySecret('a1b2'), 'clipboard_copy', { text: 'a1b2', secret: true }],
    ['copyPublic', () => ipc.copyPublic('age1x'), 'clipboard_copy', { text: 'age1x', secret: false }],
    ['clearClipboard', () => ipc.clearClipboard(), 'clipboard_clear', undefined],
    [
      'keyReplacePublic',
      () => ipc.keyReplacePublic({ id: 'id-1', text: 'ssh-ed25519 AAAA', reason: 'why' }),
      'key_replace_public',
      { id: 'id-1', path: null, text: 'ssh-ed25519 AAAA', format: null, reason: 'why' },
    ],
    [
      'keyScheduleDestruction',
      () => ipc.keyScheduleDestruction('id-1', 30, 'why'),
      'key_schedule_destruction',
      { id: 'id-1', days: 30, reason: 'why' },
    ],
    [
      'keyCancelDestruction',
      () => ipc.keyCancelDestruction('id-1', 'why'),
      'key_cancel_destruction',
      { id: 'id-1', reason: 'why' },
    ],
    [
      'keyReveal',
      () => ipc.keyReveal({ id: 'id-1', version: null, passphrase: 'pp', keyfilePath: null }),
      'key_reveal',
      { id: 'id-1', version: null, passphrase: 'pp', keyfilePath: null },
    ],
    ['policyGet', () => ipc.policyGet(), 'policy_get', undefined],
    [
      'policySet',
      () => ipc.policySet('min-strength', '192', 'why'),
      'policy_set',
      { name: 'min-strength', value: '192', reason: 'why' },
    ],
    [
      'policyCheckNew',
      () => ipc.policyCheckNew(null, 'signature'),
      'policy_check_new',
      { algorithm: null, purpose: 'signature' },
    ],
    [
      'auditList',
      () => ipc.auditList({ action: 'key-rotated', limit: 5 }),
      'audit_list',
      { action: 'key-rotated', key: null, outcome: null, since: null, until: null, text: null, limit: 5 },
    ],
    ['auditVerify', () => ipc.auditVerify(), 'audit_verify', undefined],
    [
      'reportExport (defaults)',
      () => ipc.reportExport('/home/a/key-review.html'),
      'report_export',
      { path: '/home/a/key-review.html', format: 'html', paper: 'a4', unusedDays: null, overwrite: false },
    ],
    [
      'reportExport (window, replace)',
      () => ipc.reportExport('/home/a/key-review.pdf', 'pdf', 'letter', 30, true),
      'report_export',
      { path: '/home/a/key-review.pdf', format: 'pdf', paper: 'letter', unusedDays: 30, overwrite: true },
    ],
    ['keyRename', () => ipc.keyRename('id-1', 'New'), 'key_rename', { id: 'id-1', name: 'New' }],
    ['keyDelete', () => ipc.keyDelete('id-1'), 'key_delete', { id: 'id-1' }],
    ['kitsList (register)', () => ipc.kitsList(), 'kits_list', { key: null }],
    ['kitsList (one key)', () => ipc.kitsList('id-1'), 'kits_list', { key: 'id-1' }],
    ['kitGeneratePassphrase', () => ipc.kitGeneratePassphrase(), 'kit_generate_passphrase', undefined],
    [
      'kitPrepare (split)',
      () =>
        ipc.kitPrepare({
          keys: ['id-1'],
          kind: 'split',
          custodians: ['Ada', 'Bea', 'Cy'],
          threshold: 2,
          paper: 'a4',
          passphrase: 'pp',
          keyfilePath: null,
        }),
      'kit_prepare',
      {
        keys: ['id-1'],
        kind: 'split',
        custodians: ['Ada', 'Bea', 'Cy'],
        threshold: 2,
        kitPassphrase: null,
        recipient: null,
        unencryptedAcknowledged: null,
        paper: 'a4',
        passphrase: 'pp',
        keyfilePath: null,
      },
    ],
    ['kitPreview', () => ipc.kitPreview(2), 'kit_preview', { sheet: 2 }],
    ['kitSave', () => ipc.kitSave('/home/a/kit'), 'kit_save', { directory: '/home/a/kit' }],
    ['kitDiscard', () => ipc.kitDiscard(), 'kit_discard', undefined],
    ['kitRecoverAdd', () => ipc.kitRecoverAdd('KW1 …'), 'kit_recover_add', { text: 'KW1 …' }],
    ['kitRecoverAddScan', () => ipc.kitRecoverAddScan(scan), 'kit_recover_add_scan', scan],
    ['vaultRecoveryAddScan', () => ipc.vaultRecoveryAddScan(scan), 'vault_recovery_add_scan', scan],
    [
      'kitRecoverOpen',
      () => ipc.kitRecoverOpen({ kitPassphrase: 'six words' }),
      'kit_recover_open',
      { kitPassphrase: 'six words', identity: null },
    ],
    ['kitRecoverRestore', () => ipc.kitRecoverRestore(), 'kit_recover_restore', undefined],
    ['kitRecoverReset', () => ipc.kitRecoverReset(), 'kit_recover_reset', undefined],
    ['kitDrill', () => ipc.kitDrill(), 'kit_drill', { kitPassphrase: null, identity: null }],
  ];

  it.each(cases)('%s sends the contract arguments', async (_, run, command, args) => {
    await expect(run()).resolves.toBe('result');
    expect(invokeMock).toHaveBeenCalledTimes(1);
    const call = invokeMock.mock.calls[0];
    expect(call[0]).toBe(command);
    if (args === undefined) {
      expect(call).toHaveLength(1);
    } else if (args instanceof Uint8Array) {
      // The very bytes, not a copy or an object around them: Tauri sends them as the raw body.
      expect(call[1]).toBe(args);
    } else {
      // Exact keys: nothing extra, nothing snake_case.
      expect(call[1]).toStrictEqual(args);
    }
  });

  it('covers every command in the contract', () => {
    const commands = new Set(cases.map(([, , command]) => command));
    expect([...commands].sort()).toEqual(
      [
        'activity',
        'audit_list',
        'audit_verify',
        'clipboard_clear',
        'clipboard_copy',
        'key_cancel_destruction',
        'key_purposes',
        'key_replace_public',
        'key_reveal',
        'key_rotate',
        'key_schedule_destruction',
        'key_set_state',
        'key_states',
        'key_update',
        'policy_check_new',
        'policy_get',
        'policy_set',
        'report_export',
        'key_algorithms',
        'key_delete',
        'key_generate',
        'key_get',
        'key_rename',
        'keys_list',
        'kit_discard',
        'kit_drill',
        'kit_generate_passphrase',
        'kit_prepare',
        'kit_preview',
        'kit_recover_add',
        'kit_recover_add_scan',
        'kit_recover_open',
        'kit_recover_reset',
        'kit_recover_restore',
        'kit_save',
        'kits_list',
        'settings_set_auto_lock',
        'settings_set_clipboard_clear',
        'vault_change_passphrase',
        'vault_close',
        'vault_create',
        'vault_lock',
        'vault_recovery_add_scan',
        'vault_select',
        'vault_status',
        'vault_unlock',
      ].sort(),
    );
  });

  it('does not pass fields the contract does not name', async () => {
    const extra = { path: '/v', passphrase: 'pp', keyfilePath: null, secret: 'x' };
    await ipc.vaultCreate(extra);
    expect(invokeMock.mock.calls[0][1]).toStrictEqual({ path: '/v', passphrase: 'pp', keyfilePath: null });
  });

  it('rejects with an IpcError carrying the code and message of a {code, message} rejection', async () => {
    invokeMock.mockRejectedValue({ code: 'wrong_passphrase', message: 'That passphrase does not open this vault.' });
    const error = await ipc.vaultUnlock({ passphrase: 'x', keyfilePath: null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ipc.IpcError);
    expect(error).toMatchObject({ code: 'wrong_passphrase', message: 'That passphrase does not open this vault.' });
  });

  it.each([
    ['a plain string', 'command vault_unlock not found'],
    ['an Error', new Error('boom')],
    ['undefined', undefined],
    ['an object without a code', { message: 'hi' }],
    ['an unknown code', { code: 'exploded', message: 'hi' }],
    ['a non-string message', { code: 'io', message: 42 }],
  ])('turns %s into an internal IpcError', async (_, reason) => {
    invokeMock.mockRejectedValue(reason);
    const error = await ipc.vaultStatus().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ipc.IpcError);
    expect((error as ipc.IpcError).code).toBe('internal');
    expect((error as ipc.IpcError).message).toMatch(/report/);
  });

  it('never shows the text of a non-contract rejection, which might echo an argument', async () => {
    invokeMock.mockRejectedValue('invalid args `passphrase`: hunter2hunter2');
    const error = (await ipc.vaultUnlock({ passphrase: 'hunter2hunter2', keyfilePath: null }).catch((e) => e)) as Error;
    expect(error.message).not.toContain('hunter2');
  });
});
