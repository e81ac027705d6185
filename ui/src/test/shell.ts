// Test double for the desktop shell: answers `invoke` per command, like the Rust side would.
import { invoke } from '@tauri-apps/api/core';
import { vi } from 'vitest';
import type {
  Algorithm,
  Dashboard,
  DueItem,
  KeyDetail,
  KeyFormat,
  KeyStateInfo,
  KeySummary,
  KitInfo,
  PreparedKit,
  Purpose,
  RecoveryProgress,
  VaultStatus,
} from '$lib/ipc';

type Handler = (args: Record<string, unknown>) => unknown;

/** Makes the mocked `invoke` answer with `handlers[command](args)`; a handler may throw to reject. */
export function answer(handlers: Record<string, Handler>) {
  const mock = vi.mocked(invoke);
  mock.mockImplementation(async (command: string, args?: unknown) => {
    const handler = handlers[command];
    if (!handler) throw { code: 'internal', message: `no test handler for ${command}` };
    return handler((args ?? {}) as Record<string, unknown>);
  });
  return mock;
}

/** The arguments of every call to `command`, in order. */
export function callsTo(command: string): unknown[] {
  return vi
    .mocked(invoke)
    .mock.calls.filter(([name]) => name === command)
    .map(([, args]) => args);
}

export function status(overrides: Partial<VaultStatus> = {}): VaultStatus {
  return {
    state: 'closed',
    path: null,
    defaultVaultPath: '/data/keywarden/vault.keywarden',
    defaultVaultExists: false,
    keyfileRequired: null,
    autoLockMinutes: null,
    clipboardClearSeconds: null,
    recoveryKit: null,
    ...overrides,
  };
}

export const locked = (overrides: Partial<VaultStatus> = {}) =>
  status({ state: 'locked', path: '/data/keywarden/vault.keywarden', keyfileRequired: false, ...overrides });

export const unlocked = (overrides: Partial<VaultStatus> = {}) =>
  locked({ state: 'unlocked', autoLockMinutes: 5, clipboardClearSeconds: 30, ...overrides });

export const ALGORITHMS: Algorithm[] = [
  {
    id: 'aes-128',
    label: 'AES-128',
    bits: 128,
    description: 'AES with a 128-bit key.',
    family: 'symmetric',
    strength: 128,
    purposes: ['data-encryption', 'key-wrapping'],
  },
  {
    id: 'aes-256',
    label: 'AES-256',
    bits: 256,
    description: 'AES with a 256-bit key.',
    family: 'symmetric',
    strength: 256,
    purposes: ['data-encryption', 'key-wrapping'],
  },
  {
    id: 'hmac-sha256',
    label: 'HMAC-SHA-256',
    bits: 256,
    description: 'A MAC key.',
    family: 'symmetric',
    strength: 256,
    purposes: ['authentication', 'key-derivation'],
  },
  {
    id: 'rsa-2048',
    label: 'RSA-2048',
    bits: 2048,
    description: 'RSA for legacy systems.',
    family: 'asymmetric',
    strength: 112,
    purposes: ['signature', 'authentication', 'key-transport'],
  },
  {
    id: 'ed25519',
    label: 'Ed25519',
    bits: 256,
    description: 'Signature key pair.',
    family: 'asymmetric',
    strength: 128,
    purposes: ['signature', 'authentication'],
  },
];

export const PURPOSES: Purpose[] = [
  { id: 'data-encryption', label: 'Data encryption', algorithms: ['aes-128', 'aes-256'] },
  { id: 'authentication', label: 'Authentication', algorithms: ['hmac-sha256', 'rsa-2048', 'ed25519'] },
  { id: 'signature', label: 'Signature', algorithms: ['rsa-2048', 'ed25519'] },
];

export const STATES: KeyStateInfo[] = [
  { id: 'pre-activation', label: 'Pre-activation', next: ['active', 'compromised'] },
  { id: 'active', label: 'Active', next: ['suspended', 'deactivated', 'compromised'] },
  { id: 'suspended', label: 'Suspended', next: ['active', 'deactivated', 'compromised'] },
  { id: 'deactivated', label: 'Deactivated', next: ['compromised'] },
  { id: 'compromised', label: 'Compromised', next: [] },
  { id: 'destroyed', label: 'Destroyed', next: [] },
];

/** The answers every screen of an unlocked vault needs. */
export const vocabulary = {
  key_algorithms: () => ALGORITHMS,
  key_purposes: () => PURPOSES,
  key_states: () => STATES,
};

export function key(name: string, overrides: Partial<KeyDetail> = {}): KeyDetail {
  const at = '2025-03-04T12:14:00Z';
  return {
    id: `00000000-0000-4000-8000-${name.length.toString().padStart(12, '0')}`,
    name,
    algorithm: 'aes-256',
    purpose: 'data-encryption',
    state: 'active',
    tags: [],
    notes: '',
    createdAt: at,
    updatedAt: at,
    nextRotation: '2027-03-04T12:14:00Z',
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
        algorithm: 'aes-256',
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
    nextStates: ['suspended', 'deactivated', 'compromised'],
    followUp: [],
    ...overrides,
  };
}

/** The list form of a key. */
export function summary(detail: KeyDetail): KeySummary {
  const { id, name, algorithm, purpose, state, tags, createdAt, nextRotation, destructionDue } = detail;
  const { fingerprint, version, publicOnly, violations, warnings } = detail;
  return {
    id,
    name,
    algorithm,
    purpose,
    state,
    tags,
    createdAt,
    nextRotation,
    destructionDue,
    fingerprint,
    version,
    publicOnly,
    violations,
    warnings,
  };
}

export const reject =
  (code: string, message = `failed: ${code}`) =>
  () => {
    throw { code, message };
  };

/** The formats `key_formats` answers, for the algorithms above. */
export const FORMATS: KeyFormat[] = [
  {
    id: 'pkcs8-pem',
    label: 'PKCS#8 PEM',
    kind: 'private',
    binary: false,
    extension: 'pem',
    privateFor: ['rsa-2048', 'ed25519'],
    publicFor: [],
  },
  {
    id: 'hex',
    label: 'raw hex',
    kind: 'private',
    binary: false,
    extension: 'hex',
    privateFor: ['aes-128', 'aes-256', 'hmac-sha256'],
    publicFor: [],
  },
  {
    id: 'spki-pem',
    label: 'SPKI PEM public key',
    kind: 'public',
    binary: false,
    extension: 'pem',
    privateFor: [],
    publicFor: ['rsa-2048', 'ed25519'],
  },
  {
    id: 'spki-der',
    label: 'SPKI DER public key',
    kind: 'public',
    binary: true,
    extension: 'der',
    privateFor: [],
    publicFor: ['rsa-2048', 'ed25519'],
  },
  {
    id: 'jwk',
    label: 'JSON Web Key',
    kind: 'both',
    binary: false,
    extension: 'jwk',
    privateFor: ['aes-256', 'rsa-2048', 'ed25519'],
    publicFor: ['rsa-2048', 'ed25519'],
  },
];

/** A dashboard with nothing due; `overrides` replace whole fields. */
export function dashboard(overrides: Partial<Dashboard> = {}): Dashboard {
  return {
    generatedAt: '2027-03-01T09:00:00Z',
    timeZone: 'Europe/Berlin',
    reminderDays: [30, 14, 7, 1],
    maxSnoozeDays: 30,
    due: [],
    counts: {
      keys: 0,
      byState: [
        { state: 'pre-activation', count: 0 },
        { state: 'active', count: 0 },
        { state: 'suspended', count: 0 },
        { state: 'deactivated', count: 0 },
        { state: 'compromised', count: 0 },
        { state: 'destroyed', count: 0 },
      ],
      overdue: 0,
      soon: 0,
      snoozed: 0,
      violations: 0,
      unused: 0,
      withoutKit: 0,
    },
    violations: [],
    unusedDays: 90,
    unused: [],
    withoutKit: [],
    recentAudit: [],
    ...overrides,
  };
}

/** One due date of the dashboard. */
export function dueItem(overrides: Partial<DueItem> = {}): DueItem {
  return {
    subject: 'key',
    id: '0b6b0a8e-3c41-4d1c-9c5a-8f0e3d2b7a10',
    name: 'Payroll export key',
    fingerprint: 'b3e7342fb97bb3ded1163fca7c22c576',
    keyState: 'active',
    kind: 'rotation',
    dueAt: '2027-03-06T09:00:00Z',
    urgency: 'soon',
    days: 5,
    threshold: 7,
    snooze: null,
    ...overrides,
  };
}

/** A kit of the register: a current 2-of-3 split kit of one key, unless `overrides` say otherwise. */
export function kitInfo(overrides: Partial<KitInfo> = {}): KitInfo {
  return {
    id: 'KW-28T5-CY4T',
    generation: 1,
    kind: 'split',
    threshold: 2,
    count: 3,
    recipient: null,
    madeAt: '2027-03-01T09:00:00Z',
    madeBy: 'alex',
    keys: [
      { id: '0b6b0a8e-3c41-4d1c-9c5a-8f0e3d2b7a10', name: 'Payroll export key', version: 1, fingerprint: 'kcv 4f0c1a' },
    ],
    custody: [
      { custodian: 'Ada', share: 1 },
      { custodian: 'Bea', share: 2 },
      { custodian: 'Cy', share: 3 },
    ],
    status: 'current',
    statusAt: null,
    statusReason: null,
    lastDrill: null,
    ...overrides,
  };
}

/** What `kit_prepare` answers for `kitInfo()`'s kit. */
export function preparedKit(overrides: Partial<PreparedKit> = {}): PreparedKit {
  const { id, generation, kind, threshold, count, recipient, madeAt, custody, keys } = kitInfo();
  return {
    id,
    generation,
    kind,
    threshold,
    count,
    recipient,
    paper: 'a4',
    madeAt,
    sheets: custody.map(({ custodian, share }, index) => ({
      index,
      custodian,
      share,
      file: `${id}-share-${share}-of-${custody.length}-${custodian.toLowerCase()}.pdf`,
    })),
    payloadFile: `${id}.age`,
    keys: keys.map(({ id: keyId, name, version, fingerprint }) => ({
      id: keyId,
      name,
      algorithm: 'aes-256',
      purpose: 'data-encryption',
      version,
      fingerprints: [{ kind: 'kcv', value: fingerprint.replace(/^kcv /, '') }],
    })),
    passphrase: null,
    ...overrides,
  };
}

/** A recovery's progress: nothing read, unless `overrides` say otherwise. */
export function progress(overrides: Partial<RecoveryProgress> = {}): RecoveryProgress {
  return {
    kit: null,
    codes: { have: 0, need: 0 },
    typedLines: 0,
    shares: { have: 0, need: 0 },
    added: { codes: 0, typedLines: 0, shares: 0 },
    ...overrides,
  };
}

/** "Now" in the due-date tests: 1 March 2027, 09:00 in the local time zone. */
export const DUE_NOW = new Date(2027, 2, 1, 9, 0);

/** A local time, `days` calendar days after `DUE_NOW`'s day, in the contract's RFC 3339 form. */
const localAt = (days: number, hours: number, minutes = 0) =>
  new Date(2027, 2, 1 + days, hours, minutes).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Keys due at set distances from `DUE_NOW` (the 30 days after it cross the spring
 * daylight-saving change in Europe and North America); each name says when.
 */
export const DUE_KEYS: KeySummary[] = [
  // Rotation overdue; its destruction, later, is not the sooner date.
  { rotate: localAt(-2, 12), destroy: localAt(90, 12), name: 'Both' },
  { rotate: localAt(-9, 12), destroy: null, name: 'Late' },
  { rotate: localAt(0, 9), destroy: null, name: 'Now' },
  { rotate: localAt(7, 23, 59), destroy: null, name: 'Week' },
  { rotate: null, destroy: localAt(30, 23, 59), name: 'Doomed', state: 'deactivated' as const },
  { rotate: localAt(31, 0), destroy: null, name: 'Next' },
  { rotate: null, destroy: null, name: 'Idle', state: 'deactivated' as const },
].map(({ rotate, destroy, name, state = 'active' as const }) =>
  summary(key(name, { id: `id-${name.toLowerCase()}`, state, nextRotation: rotate, destructionDue: destroy })),
);
