// An in-memory stand-in for the Rust shell, following docs/ipc.md closely enough to click through.
import type { Algorithm, KeyDetail, VaultStatus } from '../../src/lib/ipc/types';

export const MOCK_PASSPHRASE = 'correct horse battery staple';
const DEFAULT_PATH = '/home/alex/.local/share/keywarden/vault.keywarden';

const algorithms: Algorithm[] = [
  {
    id: 'aes-256',
    label: 'AES-256',
    bits: 256,
    description: 'A symmetric key for AES with 256-bit keys: the usual choice for encrypting data.',
  },
  {
    id: 'aes-128',
    label: 'AES-128',
    bits: 128,
    description: 'A symmetric key for AES with 128-bit keys, for systems that require them.',
  },
  {
    id: 'chacha20',
    label: 'ChaCha20',
    bits: 256,
    description: 'A 256-bit key for ChaCha20-Poly1305, fast without AES hardware.',
  },
  {
    id: 'hmac-sha256',
    label: 'HMAC-SHA-256',
    bits: 256,
    description: 'A 256-bit secret for signing and verifying messages with HMAC-SHA-256.',
  },
];

const sample: [string, string, string[], string][] = [
  ['Backup encryption', 'aes-256', ['backup', 'production'], 'Encrypts the nightly restic backups.\nRotate yearly.'],
  ['Billing webhook secret', 'hmac-sha256', ['payments'], 'Verifies webhooks from the payment provider.'],
  ['Customer exports', 'aes-256', ['production', 'exports'], ''],
  ['Database column key', 'aes-256', ['production', 'postgres', 'pii'], 'Encrypts the email and phone columns.'],
  ['Internal API tokens', 'hmac-sha256', ['api'], ''],
  ['Laptop disk recovery', 'aes-128', [], 'Only for the old fleet that still needs 128-bit keys.'],
  ['Log shipping', 'chacha20', ['logs', 'staging'], ''],
  ['Staging secrets', 'aes-256', ['staging'], 'Shared with the QA team.'],
];

let nextId = 1;
const uuid = () => `3f6c${(nextId++).toString(16).padStart(4, '0')}-8a1e-4b7d-9c2f-5e0a1b2c3d4e`;

function sampleKeys(): KeyDetail[] {
  return sample.map(([name, algorithm, tags, notes], i) => {
    const at = new Date(Date.UTC(2025, 0, 6 + i * 19, 9 + i, 14)).toISOString();
    return { id: uuid(), name, algorithm, tags, notes, createdAt: at, updatedAt: at };
  });
}

type Listener = (payload: unknown) => void;

export class MockShell {
  status: VaultStatus = {
    state: 'closed',
    path: null,
    defaultVaultPath: DEFAULT_PATH,
    defaultVaultExists: false,
    keyfileRequired: null,
    autoLockMinutes: null,
  };
  keys: KeyDetail[] = [];
  listeners = new Map<string, Set<Listener>>();
  autoLock = 5;
  /** Keeps vault_create busy for a minute, to look at the busy state. */
  slow = false;

  setup(
    state: VaultStatus['state'],
    options: { keys?: boolean; keyfile?: boolean; defaultExists?: boolean; slow?: boolean } = {},
  ) {
    this.slow = options.slow ?? false;
    this.status.defaultVaultExists = options.defaultExists ?? state !== 'closed';
    if (state !== 'closed') {
      this.status.path = DEFAULT_PATH;
      this.status.keyfileRequired = options.keyfile ?? false;
    }
    this.status.state = state;
    this.status.autoLockMinutes = state === 'unlocked' ? this.autoLock : null;
    this.keys = options.keys ? sampleKeys() : [];
  }

  emit(event: string, payload: unknown) {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }

  async handle(command: string, args: Record<string, any> = {}): Promise<unknown> {
    await new Promise((resolve) =>
      setTimeout(
        resolve,
        command === 'vault_create' ? (this.slow ? 60_000 : 1500) : command === 'vault_unlock' ? 500 : 40,
      ),
    );
    const fail = (code: string, message: string) => {
      throw { code, message };
    };
    const needUnlocked = () => this.status.state !== 'unlocked' && fail('locked', 'Unlock the vault first.');
    const find = (id: string) =>
      this.keys.find((k) => k.id === id) ?? fail('key_not_found', 'That key no longer exists.');
    const summary = ({ notes: _n, updatedAt: _u, ...rest }: KeyDetail) => rest;
    const status = () => ({ ...this.status });

    switch (command) {
      case 'vault_status':
        return status();
      case 'vault_select':
        Object.assign(this.status, { state: 'locked', path: args.path, keyfileRequired: false });
        return status();
      case 'vault_create':
        if (args.path === DEFAULT_PATH && this.status.defaultVaultExists)
          fail('vault_exists', 'A file already exists at that location.');
        Object.assign(this.status, {
          state: 'unlocked',
          path: args.path,
          keyfileRequired: args.keyfilePath !== null,
          autoLockMinutes: this.autoLock,
        });
        return status();
      case 'vault_unlock':
        if (args.passphrase !== MOCK_PASSPHRASE) fail('wrong_passphrase', 'That passphrase does not open this vault.');
        Object.assign(this.status, { state: 'unlocked', autoLockMinutes: this.autoLock });
        return status();
      case 'vault_lock':
        Object.assign(this.status, { state: 'locked', autoLockMinutes: null });
        this.emit('vault-locked', { reason: 'user' });
        return status();
      case 'vault_close':
        Object.assign(this.status, { state: 'closed', path: null, keyfileRequired: null, autoLockMinutes: null });
        return status();
      case 'vault_change_passphrase':
        needUnlocked();
        if (args.currentPassphrase !== MOCK_PASSPHRASE)
          fail('wrong_passphrase', 'The current passphrase is not right.');
        return null;
      case 'settings_set_auto_lock':
        needUnlocked();
        this.autoLock = args.minutes;
        this.status.autoLockMinutes = args.minutes;
        return status();
      case 'activity':
        needUnlocked();
        return null;
      case 'key_algorithms':
        return algorithms;
      case 'keys_list': {
        needUnlocked();
        const q = (args.query ?? '').toLowerCase();
        return this.keys
          .filter((k) => !q || [k.name, k.algorithm, ...k.tags].some((t) => t.toLowerCase().includes(q)))
          .sort((a, b) => a.name.localeCompare(b.name))
          .map(summary);
      }
      case 'key_get':
        needUnlocked();
        return find(args.id);
      case 'key_generate': {
        needUnlocked();
        if (this.keys.some((k) => k.name === args.name))
          fail('name_taken', `A key named “${args.name}” already exists.`);
        const now = new Date().toISOString();
        const key: KeyDetail = {
          id: uuid(),
          name: args.name,
          algorithm: args.algorithm,
          tags: args.tags,
          notes: args.notes,
          createdAt: now,
          updatedAt: now,
        };
        this.keys.push(key);
        return key;
      }
      case 'key_rename': {
        needUnlocked();
        const key = find(args.id);
        Object.assign(key, { name: args.name, updatedAt: new Date().toISOString() });
        return key;
      }
      case 'key_delete':
        needUnlocked();
        find(args.id);
        this.keys = this.keys.filter((k) => k.id !== args.id);
        return null;
      default:
        return fail('internal', `The mock does not know ${command}.`);
    }
  }
}

export const shell = new MockShell();
