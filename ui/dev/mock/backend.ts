// An in-memory stand-in for the Rust shell, following docs/ipc.md closely enough to click through.
import type { Algorithm, KeyDetail, KeyState, Policy, VaultStatus } from '../../src/lib/ipc/types';

export const MOCK_PASSPHRASE = 'correct horse battery staple';
const DEFAULT_PATH = '/home/alex/.local/share/keywarden/vault.keywarden';

const algorithms: Algorithm[] = [
  {
    id: 'aes-256',
    family: 'symmetric',
    strength: 256,
    purposes: ['data-encryption', 'key-wrapping'],
    label: 'AES-256',
    bits: 256,
    description: 'A symmetric key for AES with 256-bit keys: the usual choice for encrypting data.',
  },
  {
    id: 'aes-128',
    family: 'symmetric',
    strength: 128,
    purposes: ['data-encryption', 'key-wrapping'],
    label: 'AES-128',
    bits: 128,
    description: 'A symmetric key for AES with 128-bit keys, for systems that require them.',
  },
  {
    id: 'chacha20',
    family: 'symmetric',
    strength: 256,
    purposes: ['data-encryption'],
    label: 'ChaCha20',
    bits: 256,
    description: 'A 256-bit key for ChaCha20-Poly1305, fast without AES hardware.',
  },
  {
    id: 'hmac-sha256',
    family: 'symmetric',
    strength: 256,
    purposes: ['authentication', 'key-derivation'],
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

const purposes = [
  ['data-encryption', 'Data encryption'],
  ['key-wrapping', 'Key wrapping'],
  ['authentication', 'Authentication'],
  ['signature', 'Signature'],
  ['key-agreement', 'Key agreement'],
  ['key-transport', 'Key transport'],
  ['key-derivation', 'Key derivation'],
  ['secret', 'Password or secret'],
].map(([id, label]) => ({ id, label, algorithms: algorithms.filter((a) => a.purposes.includes(id)).map((a) => a.id) }));

const NEXT: Record<KeyState, KeyState[]> = {
  'pre-activation': ['active', 'compromised'],
  active: ['suspended', 'deactivated', 'compromised'],
  suspended: ['active', 'deactivated', 'compromised'],
  deactivated: ['compromised'],
  compromised: [],
  destroyed: [],
};
const states = (Object.keys(NEXT) as KeyState[]).map((id) => ({ id, label: id, next: NEXT[id] }));

const policy: Policy = {
  minStrengthBits: 128,
  allowedAlgorithms: algorithms.map((a) => a.id),
  destructionWaitDays: 7,
  cryptoperiods: purposes.map((p) => ({ purpose: p.id, days: 730 })),
};

function makeKey(
  name: string,
  algorithm: string,
  tags: string[],
  notes: string,
  at: string,
  purpose?: string,
): KeyDetail {
  const rotation = new Date(Date.parse(at) + 730 * 86_400_000).toISOString();
  return {
    id: uuid(),
    name,
    algorithm,
    purpose: purpose ?? algorithms.find((a) => a.id === algorithm)?.purposes[0] ?? 'data-encryption',
    state: 'active',
    tags,
    notes,
    createdAt: at,
    updatedAt: at,
    nextRotation: rotation,
    destructionDue: null,
    fingerprint: '',
    version: 1,
    violations: 0,
    warnings: 0,
    owner: '',
    custodians: [],
    rotationDays: null,
    versions: [{ number: 1, algorithm, createdAt: at, fingerprint: '', deactivatedAt: null, destroyedAt: null }],
    history: [
      { from: null, to: 'pre-activation', at, actor: 'alex', reason: 'generated' },
      { from: 'pre-activation', to: 'active', at, actor: 'alex', reason: 'activated when generated' },
    ],
    findings: [],
    destruction: null,
    activatedAt: at,
    rotatedAt: null,
    revealedAt: null,
    exportedAt: null,
    nextStates: NEXT.active,
    followUp: [],
  };
}

function sampleKeys(): KeyDetail[] {
  return sample.map(([name, algorithm, tags, notes], i) =>
    makeKey(name, algorithm, tags, notes, new Date(Date.UTC(2025, 0, 6 + i * 19, 9 + i, 14)).toISOString()),
  );
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
    const summary = (key: KeyDetail) => ({
      id: key.id,
      name: key.name,
      algorithm: key.algorithm,
      purpose: key.purpose,
      state: key.state,
      tags: key.tags,
      createdAt: key.createdAt,
      nextRotation: key.nextRotation,
      destructionDue: key.destructionDue,
      fingerprint: key.fingerprint,
      version: key.version,
      violations: key.violations,
      warnings: key.warnings,
    });
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
      case 'key_purposes':
        return purposes;
      case 'key_states':
        return states;
      case 'policy_get':
        needUnlocked();
        return policy;
      case 'policy_check_new':
        needUnlocked();
        return algorithms
          .filter((a) => args.algorithm === null || a.id === args.algorithm)
          .map((a) => ({
            algorithm: a.id,
            findings: a.purposes.includes(args.purpose)
              ? []
              : [
                  {
                    severity: 'violation',
                    code: 'purpose-mismatch',
                    message: `${a.label} keys cannot serve this purpose.`,
                  },
                ],
          }));
      case 'audit_list':
        needUnlocked();
        return [];
      case 'audit_verify':
        needUnlocked();
        return { entries: 0, intact: true, problems: [] };
      case 'key_set_state': {
        needUnlocked();
        const key = find(args.id);
        const at = new Date().toISOString();
        key.history.push({ from: key.state, to: args.to, at, actor: 'alex', reason: args.reason });
        key.state = args.to;
        key.nextStates = NEXT[key.state];
        key.followUp = key.state === 'compromised' ? ['Rotate or replace the key.', 'Re-issue its kits.'] : [];
        return key;
      }
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
        const key = makeKey(args.name, args.algorithm, args.tags, args.notes, new Date().toISOString(), args.purpose);
        key.owner = args.owner ?? '';
        key.custodians = args.custodians ?? [];
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
