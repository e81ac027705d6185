// An in-memory stand-in for the Rust shell, following docs/ipc.md closely enough to click through.
import type { Algorithm, KeyDetail, KeyFormat, KeyState, Policy, VaultStatus } from '../../src/lib/ipc/types';
import { MockKits, NO_CODE } from './kits';

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
  {
    id: 'ed25519',
    family: 'asymmetric',
    strength: 128,
    purposes: ['signature', 'authentication'],
    label: 'Ed25519',
    bits: 256,
    description: 'A key pair for Ed25519 signatures: small, fast, the usual choice for SSH and signing.',
  },
  {
    id: 'ecdsa-p256',
    family: 'asymmetric',
    strength: 128,
    purposes: ['signature', 'authentication'],
    label: 'ECDSA P-256',
    bits: 256,
    description: 'A key pair for ECDSA signatures on the NIST P-256 curve.',
  },
  {
    id: 'rsa-4096',
    family: 'asymmetric',
    strength: 152,
    purposes: ['signature', 'key-transport', 'authentication'],
    label: 'RSA-4096',
    bits: 4096,
    description: 'A 4096-bit RSA key pair; slow to generate (seconds).',
  },
];

const asymmetric = algorithms.filter((a) => a.family === 'asymmetric').map((a) => a.id);
const symmetric = algorithms.filter((a) => a.family === 'symmetric').map((a) => a.id);
const formats: KeyFormat[] = [
  ['pkcs8-pem', 'PKCS#8 PEM', 'private', false, 'pem', asymmetric, []],
  ['pkcs8-der', 'PKCS#8 DER', 'private', true, 'der', asymmetric, []],
  ['openssh-private', 'OpenSSH', 'private', false, '', asymmetric, []],
  ['hex', 'raw hex', 'private', false, 'hex', symmetric, []],
  ['base64', 'raw base64', 'private', false, 'b64', symmetric, []],
  ['spki-pem', 'SPKI PEM public key', 'public', false, 'pem', [], asymmetric],
  ['spki-der', 'SPKI DER public key', 'public', true, 'der', [], asymmetric],
  ['openssh-public', 'OpenSSH public key', 'public', false, 'pub', [], asymmetric],
  ['jwk', 'JSON Web Key', 'both', false, 'jwk', [...asymmetric, ...symmetric], asymmetric],
].map(([id, label, kind, binary, extension, privateFor, publicFor]) => ({
  id,
  label,
  kind,
  binary,
  extension,
  privateFor,
  publicFor,
})) as KeyFormat[];

const MOCK_SPKI = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=
-----END PUBLIC KEY-----
`;
const MOCK_FINGERPRINT = '5f1c0e3a9b8d7c6e2f4a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e';

const sample: [string, string, string[], string][] = [
  ['Backup encryption', 'aes-256', ['backup', 'production'], 'Encrypts the nightly restic backups.\nRotate yearly.'],
  ['Billing webhook secret', 'hmac-sha256', ['payments'], 'Verifies webhooks from the payment provider.'],
  ['Customer exports', 'aes-256', ['production', 'exports'], ''],
  ['Database column key', 'aes-256', ['production', 'postgres', 'pii'], 'Encrypts the email and phone columns.'],
  ['Internal API tokens', 'hmac-sha256', ['api'], ''],
  ['Laptop disk recovery', 'aes-128', [], 'Only for the old fleet that still needs 128-bit keys.'],
  ['Log shipping', 'chacha20', ['logs', 'staging'], ''],
  ['Staging secrets', 'aes-256', ['staging'], 'Shared with the QA team.'],
  ['Release signing', 'ed25519', ['release'], 'Signs the desktop app’s releases.'],
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
  reminderDays: [30, 14, 7, 1],
  maxSnoozeDays: 30,
  drillDays: 365,
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
    publicOnly: false,
    violations: 0,
    warnings: 0,
    owner: '',
    custodians: [],
    rotationDays: null,
    versions: [
      {
        number: 1,
        algorithm,
        createdAt: at,
        fingerprint: '',
        fingerprints: [],
        deactivatedAt: null,
        destroyedAt: null,
      },
    ],
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
    clipboardClearSeconds: null,
    recoveryKit: false,
  };
  keys: KeyDetail[] = [];
  listeners = new Map<string, Set<Listener>>();
  autoLock = 5;
  clipboardClear = 30;
  /** Keeps vault_create busy for a minute, to look at the busy state. */
  slow = false;
  /** Files the fake has "written", so that a second export to one asks before replacing it. */
  files = new Set<string>();
  autostart = false;
  kits = new MockKits();
  /** Sheets of the vault recovery kit read from scans. */
  vaultSheets = 0;

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
    this.status.clipboardClearSeconds = state === 'unlocked' ? this.clipboardClear : null;
    this.keys = options.keys ? sampleKeys() : [];
  }

  emit(event: string, payload: unknown) {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }

  /** What the dashboard shows, computed from the fake's keys like the shell does. */
  dashboard() {
    const now = Date.now();
    const largest = Math.max(...policy.reminderDays);
    const due = this.keys
      .flatMap((key) => [
        ...(key.nextRotation ? [{ key, kind: 'rotation', at: key.nextRotation }] : []),
        ...(key.destructionDue ? [{ key, kind: 'destruction', at: key.destructionDue }] : []),
      ])
      .map(({ key, kind, at }) => {
        const days = Math.floor((Date.parse(at) - now) / 86_400_000);
        const overdue = Date.parse(at) <= now;
        return {
          subject: 'key',
          id: key.id,
          name: key.name,
          fingerprint: key.fingerprint,
          keyState: key.state,
          kind,
          dueAt: at,
          urgency: overdue ? 'overdue' : 'soon',
          days: Math.abs(days),
          threshold: overdue ? null : Math.min(...policy.reminderDays.filter((t) => t >= days)),
          snooze: null,
        };
      })
      .filter((d) => d.urgency === 'overdue' || d.days <= largest)
      .sort((a, b) => (a.urgency === b.urgency ? a.dueAt.localeCompare(b.dueAt) : a.urgency === 'overdue' ? -1 : 1));
    const byState = states.map((s) => ({ state: s.id, count: this.keys.filter((k) => k.state === s.id).length }));
    const withoutKit = this.kits.withoutKit(this.keys);
    return {
      generatedAt: new Date(now).toISOString(),
      timeZone: 'Europe/Berlin',
      reminderDays: policy.reminderDays,
      maxSnoozeDays: policy.maxSnoozeDays,
      due,
      counts: {
        keys: this.keys.length,
        byState,
        overdue: due.filter((d) => d.urgency === 'overdue').length,
        soon: due.filter((d) => d.urgency === 'soon').length,
        snoozed: 0,
        violations: 0,
        unused: 0,
        withoutKit: withoutKit.length,
      },
      violations: [],
      unusedDays: 90,
      unused: [],
      withoutKit,
      recentAudit: [],
    };
  }

  async handle(command: string, args: Record<string, any> = {}): Promise<unknown> {
    await new Promise((resolve) =>
      setTimeout(
        resolve,
        command === 'vault_create'
          ? this.slow
            ? 60_000
            : 1500
          : command === 'vault_unlock' || command === 'key_reveal' || command === 'key_export'
            ? 500
            : (command === 'key_generate' || command === 'key_rotate') && String(args.algorithm).startsWith('rsa')
              ? 4000
              : 40,
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
          clipboardClearSeconds: this.clipboardClear,
        });
        return status();
      case 'vault_unlock':
        if (args.passphrase !== MOCK_PASSPHRASE) fail('wrong_passphrase', 'That passphrase does not open this vault.');
        Object.assign(this.status, {
          state: 'unlocked',
          autoLockMinutes: this.autoLock,
          clipboardClearSeconds: this.clipboardClear,
        });
        return status();
      case 'vault_recovery_add_scan':
        if (this.status.state === 'closed') fail('no_vault', 'Choose a vault first.');
        // An empty file stands in for a page without a code; any other file is one more sheet.
        if (!(args instanceof Uint8Array) || args.length === 0) fail('no_code', NO_CODE);
        this.vaultSheets += 1;
        return { have: this.vaultSheets, need: 2 };
      case 'vault_lock':
        Object.assign(this.status, { state: 'locked', autoLockMinutes: null, clipboardClearSeconds: null });
        this.emit('vault-locked', { reason: 'user' });
        return status();
      case 'vault_close':
        Object.assign(this.status, {
          state: 'closed',
          path: null,
          keyfileRequired: null,
          autoLockMinutes: null,
          clipboardClearSeconds: null,
        });
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
      case 'settings_set_clipboard_clear':
        needUnlocked();
        this.clipboardClear = args.seconds;
        this.status.clipboardClearSeconds = args.seconds;
        return status();
      case 'activity':
        needUnlocked();
        return null;
      // The browser's clipboard; the real shell also wipes a secret when the vault locks.
      case 'clipboard_copy': {
        if (args.secret) needUnlocked();
        await navigator.clipboard?.writeText(args.text);
        if (!args.secret) return { clearsInSeconds: null };
        const seconds = this.clipboardClear;
        setTimeout(() => void navigator.clipboard?.writeText(''), seconds * 1000);
        return { clearsInSeconds: seconds };
      }
      case 'clipboard_clear':
        await navigator.clipboard?.writeText('');
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
      case 'key_update': {
        needUnlocked();
        const key = find(args.id);
        for (const field of ['name', 'notes', 'tags', 'owner', 'custodians'] as const)
          if (args[field] !== null && args[field] !== undefined) (key as any)[field] = args[field];
        if (args.rotationDays !== null && args.rotationDays !== undefined)
          key.rotationDays = args.rotationDays === 0 ? null : args.rotationDays;
        key.updatedAt = new Date().toISOString();
        return key;
      }
      case 'key_rotate': {
        needUnlocked();
        const key = find(args.id);
        if (key.state !== 'active') fail('not_allowed', 'Only an active key can be rotated.');
        const at = new Date().toISOString();
        const algorithm = args.algorithm ?? key.algorithm;
        for (const v of key.versions) v.deactivatedAt ??= at;
        key.version += 1;
        key.versions.push({
          number: key.version,
          algorithm,
          createdAt: at,
          fingerprint: '',
          fingerprints: [],
          deactivatedAt: null,
          destroyedAt: null,
        });
        Object.assign(key, { algorithm, rotatedAt: at, updatedAt: at });
        return key;
      }
      case 'key_replace_public': {
        needUnlocked();
        const key = find(args.id);
        if (!key.publicOnly) fail('not_allowed', `The vault holds the private key of “${key.name}”: rotate it.`);
        if (key.state !== 'active') fail('not_allowed', 'Only an active key can be rotated.');
        const data: string = args.text ?? '';
        if (data.includes('PRIVATE KEY'))
          fail(
            'invalid_input',
            'This is a private key: give the new public key only (its holder keeps the private key).',
          );
        const at = new Date().toISOString();
        for (const v of key.versions) v.deactivatedAt ??= at;
        key.version += 1;
        key.versions.push({
          number: key.version,
          algorithm: key.algorithm,
          createdAt: at,
          fingerprint: '',
          fingerprints: [],
          deactivatedAt: null,
          destroyedAt: null,
        });
        Object.assign(key, { rotatedAt: at, updatedAt: at });
        return key;
      }
      case 'key_schedule_destruction': {
        needUnlocked();
        const key = find(args.id);
        if (key.destruction) fail('not_allowed', 'A destruction is already scheduled.');
        const now = new Date();
        const due = new Date(now.getTime() + (args.days ?? policy.destructionWaitDays) * 86_400_000).toISOString();
        key.destruction = { scheduledAt: now.toISOString(), dueAt: due, actor: 'alex', reason: args.reason };
        key.destructionDue = due;
        return key;
      }
      case 'key_cancel_destruction': {
        needUnlocked();
        const key = find(args.id);
        if (!key.destruction) fail('not_allowed', 'No destruction is scheduled.');
        Object.assign(key, { destruction: null, destructionDue: null });
        return key;
      }
      case 'key_reveal': {
        needUnlocked();
        const key = find(args.id);
        if (args.passphrase !== MOCK_PASSPHRASE)
          fail('wrong_passphrase', 'That passphrase (or key file) is not this vault’s. Nothing was revealed.');
        key.revealedAt = new Date().toISOString();
        const asym = asymmetric.includes(key.algorithm);
        return {
          version: args.version ?? key.version,
          encoding: asym ? 'pkcs8-pem' : 'hex',
          text: asym
            ? '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIMOCKMOCKMOCKMOCKMOCKMOCKMOCKMOCKMOCKMOCKMOC\n-----END PRIVATE KEY-----'
            : 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        };
      }
      case 'key_formats':
        return formats;
      case 'key_import': {
        needUnlocked();
        const data: string = args.text ?? '';
        if (args.path === null && data.trim() === '')
          fail('invalid_input', 'Choose a file with the key, or paste the key.');
        if (args.path !== null && !String(args.path).startsWith('/'))
          fail('invalid_input', 'The path of the file to import must be absolute.');
        const publicOnly = data.includes('PUBLIC KEY') || data.startsWith('ssh-');
        if (data.includes('ENCRYPTED'))
          fail(
            'invalid_input',
            'The PKCS#8 PEM key is encrypted; decrypt it first (openssl pkcs8 -in FILE -out PLAIN.pem).',
          );
        const format =
          args.format ??
          (data.includes('PUBLIC KEY')
            ? 'spki-pem'
            : data.startsWith('ssh-')
              ? 'openssh-public'
              : args.path !== null || data.includes('PRIVATE KEY')
                ? 'pkcs8-pem'
                : null);
        if (format === null)
          fail(
            'invalid_input',
            'Keywarden cannot tell what kind of key this is. Choose its format (hex, base64 and text also need the algorithm).',
          );
        if (this.keys.some((k) => k.name === args.name.trim()))
          fail('name_taken', `A key named “${args.name}” already exists.`);
        const algorithm = args.algorithm ?? (format === 'hex' ? 'aes-256' : 'ed25519');
        const key = makeKey(
          args.name.trim(),
          algorithm,
          args.tags ?? [],
          args.notes ?? '',
          new Date().toISOString(),
          args.purpose ?? undefined,
        );
        Object.assign(key, {
          owner: args.owner ?? '',
          custodians: args.custodians ?? [],
          fingerprint: MOCK_FINGERPRINT,
          publicOnly,
        });
        key.versions[0].fingerprint = MOCK_FINGERPRINT;
        key.history[0].reason = 'imported';
        if (algorithm === 'ed25519')
          key.findings = [
            {
              severity: 'warning',
              code: 'quantum-deadline',
              message: 'Ed25519 is not safe against quantum computers; NIST plans to retire it by 2035.',
            },
          ];
        key.warnings = key.findings.length;
        this.keys.push(key);
        return {
          key,
          format,
          fingerprints: asymmetric.includes(algorithm)
            ? [MOCK_FINGERPRINT, 'SHA256:Qx9t0m3gkqVh0yM2e8s7w6V1a2b3c4d5e6f7g8h9i0j']
            : [MOCK_FINGERPRINT.slice(0, 16)],
          sameMaterialAs: [],
        };
      }
      case 'key_export_public': {
        needUnlocked();
        const key = find(args.id);
        if (!asymmetric.includes(key.algorithm)) fail('invalid_input', `${key.algorithm} keys have no public form.`);
        if (args.path === null) {
          if (args.format === 'spki-der') fail('invalid_input', 'SPKI DER public key is binary: save it to a file.');
          const text =
            args.format === 'openssh-public'
              ? `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBm/RAlphM3+hUG6wWfcO5bIUIaqMLa2ywxcOK1wMWbh ${key.name}\n`
              : args.format === 'jwk'
                ? '{\n  "kty": "OKP",\n  "crv": "Ed25519",\n  "x": "Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE"\n}\n'
                : MOCK_SPKI;
          return { format: args.format, version: key.version, text, path: null };
        }
        if (this.files.has(args.path) && !args.overwrite)
          fail('file_exists', `${args.path} already exists. Nothing was written; confirm to replace it.`);
        this.files.add(args.path);
        return { format: args.format, version: key.version, text: null, path: args.path };
      }
      case 'key_export': {
        needUnlocked();
        const key = find(args.id);
        if (!String(args.path).startsWith('/'))
          fail('invalid_input', 'The path of the file to write must be absolute.');
        if (this.files.has(args.path) && !args.overwrite)
          fail('file_exists', `${args.path} already exists. Nothing was written; confirm to replace it.`);
        if (args.passphrase !== MOCK_PASSPHRASE)
          fail('wrong_passphrase', 'That passphrase (or key file) is not this vault’s. Nothing was revealed.');
        this.files.add(args.path);
        key.exportedAt = new Date().toISOString();
        return { format: args.format, version: key.version, path: args.path };
      }
      case 'settings_autostart':
        return { enabled: this.autostart };
      case 'settings_set_autostart':
        needUnlocked();
        this.autostart = Boolean(args.enabled);
        return { enabled: this.autostart };
      case 'dashboard':
        needUnlocked();
        return this.dashboard();
      case 'calendar_export': {
        needUnlocked();
        if (this.files.has(args.path) && !args.overwrite) fail('file_exists', `${args.path} already exists.`);
        this.files.add(args.path);
        return { path: args.path, events: this.dashboard().due.length, names: args.naming === 'names' };
      }
      case 'report_export': {
        needUnlocked();
        const days = args.unusedDays ?? 90;
        if (!Number.isInteger(days) || days < 1 || days > 36500) {
          fail('invalid_input', 'The unused window is 1 to 36500 days.');
        }
        if (this.files.has(args.path) && !args.overwrite) fail('file_exists', `${args.path} already exists.`);
        this.files.add(args.path);
        const { counts } = this.dashboard();
        return {
          path: args.path,
          keys: counts.keys,
          overdue: counts.overdue,
          dueSoon: counts.soon,
          violations: counts.violations,
          unused: counts.unused,
          unescrowed: counts.withoutKit,
          auditIntact: true,
        };
      }
      case 'key_delete':
        needUnlocked();
        find(args.id);
        this.keys = this.keys.filter((k) => k.id !== args.id);
        return null;
      default: {
        if (command.startsWith('kit')) {
          needUnlocked();
          const answer = this.kits.handle(command, args, this.keys, fail);
          if (answer !== undefined) return answer;
        }
        return fail('internal', `The mock does not know ${command}.`);
      }
    }
  }
}

export const shell = new MockShell();
