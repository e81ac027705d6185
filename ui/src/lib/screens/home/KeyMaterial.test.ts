import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { KeyStore } from '$lib/stores/keys.svelte';
import { VaultStore } from '$lib/stores/vault.svelte';
import { FORMATS, answer, callsTo, key, reject, unlocked, vocabulary } from '../../../test/shell';
import EditKey from './EditKey.svelte';
import ExportKey, { suggestedFileName } from './ExportKey.svelte';
import ImportKey from './ImportKey.svelte';
import KeyDetail from './KeyDetail.svelte';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));
vi.mock('@tauri-apps/plugin-dialog', () => ({ open: vi.fn(), save: vi.fn() }));

const signer = key('Signer', {
  id: 'id-signer',
  algorithm: 'ed25519',
  purpose: 'signature',
  owner: 'ops',
  tags: ['release'],
  custodians: ['Ana'],
  fingerprint: 'ab'.repeat(32),
});

async function store() {
  const vault = new VaultStore();
  answer({ vault_status: () => unlocked(), ...vocabulary, key_formats: () => FORMATS });
  await vault.load();
  const keys = new KeyStore(vault);
  await keys.loadVocabulary();
  return keys;
}

describe('ImportKey', () => {
  it('imports a typed file path and shows the fingerprints and findings', async () => {
    const keys = await store();
    const user = userEvent.setup();
    const onclose = vi.fn();
    const imported = {
      ...signer,
      findings: [{ severity: 'warning', code: 'quantum-deadline', message: 'Plan a successor by 2035.' }],
    };
    answer({
      key_formats: () => FORMATS,
      key_import: () => ({
        key: imported,
        format: 'pkcs8-pem',
        fingerprints: [signer.fingerprint, 'SHA256:abc'],
        sameMaterialAs: ['Old signer'],
      }),
      keys_list: () => [imported],
    });
    render(ImportKey, { keys, onclose });
    await user.type(screen.getByTestId('import-path'), '/home/a/signing.pem');
    await user.type(screen.getByTestId('import-name'), ' Signer ');
    await user.type(screen.getByTestId('import-owner'), 'ops');
    await user.type(screen.getByTestId('import-tags'), 'release,');
    await user.click(screen.getByTestId('import-submit'));

    expect(callsTo('key_import')).toEqual([
      {
        path: '/home/a/signing.pem',
        text: null,
        format: null,
        algorithm: null,
        name: 'Signer',
        purpose: null,
        owner: 'ops',
        custodians: [],
        tags: ['release'],
        notes: null,
        preActivation: null,
        rotationDays: null,
      },
    ]);
    expect(await screen.findByTestId('import-fingerprint')).toHaveTextContent(signer.fingerprint);
    expect(screen.getByTestId('import-findings')).toHaveTextContent('Plan a successor by 2035.');
    expect(screen.getByTestId('import-twin')).toHaveTextContent('“Old signer”');
    expect(keys.selected?.id).toBe('id-signer');
    await user.click(screen.getByTestId('import-done'));
    expect(onclose).toHaveBeenCalled();
  });

  it('asks for the algorithm of raw hex, and shows the shell’s refusal of pasted text', async () => {
    const keys = await store();
    const user = userEvent.setup();
    answer({
      key_formats: () => FORMATS,
      key_import: reject('invalid_input', 'The PKCS#8 PEM key is encrypted; decrypt it first.'),
    });
    render(ImportKey, { keys, onclose: vi.fn() });
    await user.click(screen.getByTestId('import-source-paste'));
    await user.type(screen.getByTestId('import-text'), '00ff');
    await user.type(screen.getByTestId('import-name'), 'Raw');
    await user.selectOptions(screen.getByTestId('import-format'), 'hex');
    await user.click(screen.getByTestId('import-submit'));
    expect(screen.getByTestId('import-problem')).toHaveTextContent('Choose the algorithm');
    expect(callsTo('key_import')).toEqual([]);

    await user.selectOptions(screen.getByTestId('import-algorithm'), 'aes-256');
    await user.click(screen.getByTestId('import-submit'));
    expect(callsTo('key_import')).toEqual([
      expect.objectContaining({ path: null, text: '00ff', format: 'hex', algorithm: 'aes-256' }),
    ]);
    expect(await screen.findByTestId('import-error')).toHaveTextContent('encrypted');
  });
});

describe('ExportKey', () => {
  it('shows the public key in the chosen format without a passphrase', async () => {
    const keys = await store();
    const user = userEvent.setup();
    answer({
      key_formats: () => FORMATS,
      key_export_public: () => ({ format: 'spki-pem', version: 1, text: '-----BEGIN PUBLIC KEY-----\n', path: null }),
    });
    render(ExportKey, { keys, key: signer, secret: false, onclose: vi.fn() });
    const select = screen.getByTestId('export-format');
    await vi.waitFor(() => expect(select).toHaveValue('spki-pem'));
    expect([...select.querySelectorAll('option')].map((o) => o.value)).toEqual(['spki-pem', 'spki-der', 'jwk']);
    await user.click(screen.getByTestId('export-show'));
    expect(callsTo('key_export_public')).toEqual([
      { id: 'id-signer', version: null, format: 'spki-pem', path: null, overwrite: false },
    ]);
    expect(await screen.findByTestId('export-text')).toHaveTextContent('BEGIN PUBLIC KEY');
    // Binary formats are saved, not shown.
    await user.selectOptions(select, 'spki-der');
    expect(screen.getByTestId('export-show')).toBeDisabled();
  });

  it('exports the secret to a file, and asks before replacing one', async () => {
    const keys = await store();
    const user = userEvent.setup();
    let exists = true;
    answer({
      key_formats: () => FORMATS,
      key_export: (args) => {
        if (exists && !args.overwrite) throw { code: 'file_exists', message: 'It exists.' };
        return { format: args.format, version: 1, path: args.path };
      },
      key_get: () => signer,
    });
    render(ExportKey, { keys, key: signer, secret: true, onclose: vi.fn() });
    const select = screen.getByTestId('export-format');
    await vi.waitFor(() => expect(select).toHaveValue('pkcs8-pem'));
    expect([...select.querySelectorAll('option')].map((o) => o.value)).toEqual(['pkcs8-pem', 'jwk']);
    expect(screen.getByTestId('export-submit')).toBeDisabled();
    await user.type(screen.getByTestId('export-path'), '/home/a/signer.pem');
    await user.type(screen.getByTestId('export-passphrase'), 'pass phrase 1234');
    await user.click(screen.getByTestId('export-submit'));
    expect(await screen.findByTestId('confirm-ok')).toBeInTheDocument();
    exists = true;
    await user.click(screen.getByTestId('confirm-ok'));
    expect(await screen.findByTestId('export-saved')).toHaveTextContent('/home/a/signer.pem');
    expect(callsTo('key_export')).toEqual([
      {
        id: 'id-signer',
        version: null,
        format: 'pkcs8-pem',
        path: '/home/a/signer.pem',
        overwrite: false,
        passphrase: 'pass phrase 1234',
        keyfilePath: null,
      },
      expect.objectContaining({ overwrite: true }),
    ]);
  });

  it('keeps a file the person does not replace, and shows why the secret was not written', async () => {
    const keys = await store();
    const user = userEvent.setup();
    answer({
      key_formats: () => FORMATS,
      key_export: (args) => {
        if (args.path === '/home/a/signer.pem') throw { code: 'file_exists', message: 'It exists.' };
        throw { code: 'io', message: 'Could not write /home/a/ro/signer.pem: permission denied.' };
      },
    });
    render(ExportKey, { keys, key: signer, secret: true, onclose: vi.fn() });
    await vi.waitFor(() => expect(screen.getByTestId('export-format')).toHaveValue('pkcs8-pem'));
    const path = screen.getByTestId('export-path');
    await user.type(path, '/home/a/signer.pem');
    await user.type(screen.getByTestId('export-passphrase'), 'pass phrase 1234');
    await user.click(screen.getByTestId('export-submit'));
    expect(await screen.findByRole('alertdialog', { name: 'Replace the existing file?' })).toHaveTextContent(
      '/home/a/signer.pem already exists.',
    );
    await user.click(screen.getByTestId('confirm-cancel'));
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(screen.queryByTestId('export-saved')).not.toBeInTheDocument();
    expect(callsTo('key_export')).toEqual([expect.objectContaining({ overwrite: false })]);
    await user.clear(path);
    await user.type(path, '/home/a/ro/signer.pem');
    await user.click(screen.getByTestId('export-submit'));
    expect(await screen.findByTestId('export-error')).toHaveTextContent('permission denied');
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
  });

  it('suggests file names', () => {
    expect(suggestedFileName('Release signing key', 'pem', false)).toBe('release-signing-key.pub.pem');
    expect(suggestedFileName('Release signing key', 'pem', true)).toBe('release-signing-key.pem');
    expect(suggestedFileName('ssh', 'pub', false)).toBe('ssh.pub');
    expect(suggestedFileName('  ', '', true)).toBe('key');
  });
});

describe('EditKey', () => {
  it('sends only what changed, and validates the rotation interval', async () => {
    const keys = await store();
    const user = userEvent.setup();
    const onclose = vi.fn();
    answer({ key_update: () => ({ ...signer, owner: 'sec' }), keys_list: () => [] });
    render(EditKey, { keys, key: signer, onclose });
    const owner = screen.getByTestId('edit-owner');
    expect(owner).toHaveValue('ops');
    await user.clear(owner);
    await user.type(owner, 'sec');
    await user.type(screen.getByTestId('edit-tags'), 'ci,');
    await user.type(screen.getByTestId('edit-rotation'), '0');
    expect(screen.getByTestId('edit-rotation-problem')).toHaveTextContent('whole number of days');
    expect(screen.getByTestId('edit-save')).toBeDisabled();
    await user.clear(screen.getByTestId('edit-rotation'));
    await user.type(screen.getByTestId('edit-rotation'), '90');
    await user.click(screen.getByTestId('edit-save'));
    expect(callsTo('key_update')).toEqual([
      {
        id: 'id-signer',
        name: null,
        notes: null,
        tags: ['release', 'ci'],
        owner: 'sec',
        custodians: null,
        rotationDays: 90,
      },
    ]);
    await vi.waitFor(() => expect(onclose).toHaveBeenCalled());
  });
});

describe('KeyDetail rotate', () => {
  it('offers the algorithms of the same family, with the policy’s verdict', async () => {
    const keys = await store();
    const user = userEvent.setup();
    answer({
      key_get: () => signer,
      policy_check_new: () => [
        { algorithm: 'ed25519', findings: [] },
        {
          algorithm: 'rsa-2048',
          findings: [{ severity: 'violation', code: 'strength-below-minimum', message: 'Too weak.' }],
        },
      ],
      key_rotate: () => ({ ...signer, version: 2 }),
      keys_list: () => [],
    });
    await keys.select('id-signer');
    render(KeyDetail, { keys });
    await user.click(screen.getByTestId('key-rotate'));
    const own = await screen.findByTestId('rotate-algorithm-ed25519');
    expect(own).toBeChecked();
    await vi.waitFor(() => expect(screen.getByTestId('rotate-algorithm-rsa-2048')).toBeDisabled());
    expect(screen.queryByTestId('rotate-algorithm-aes-256')).toBeNull();
    expect(screen.getByTestId('rotate-finding')).toHaveTextContent('Too weak.');
    await user.type(screen.getByTestId('reason-input'), 'Yearly');
    await user.click(screen.getByTestId('reason-confirm'));
    expect(callsTo('key_rotate')).toEqual([{ id: 'id-signer', algorithm: null, reason: 'Yearly' }]);
  });
});
