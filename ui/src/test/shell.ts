// Test double for the desktop shell: answers `invoke` per command, like the Rust side would.
import { invoke } from '@tauri-apps/api/core';
import { vi } from 'vitest';
import type { Algorithm, KeyDetail, VaultStatus } from '$lib/ipc';

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
    ...overrides,
  };
}

export const locked = (overrides: Partial<VaultStatus> = {}) =>
  status({ state: 'locked', path: '/data/keywarden/vault.keywarden', keyfileRequired: false, ...overrides });

export const unlocked = (overrides: Partial<VaultStatus> = {}) =>
  locked({ state: 'unlocked', autoLockMinutes: 5, ...overrides });

export const ALGORITHMS: Algorithm[] = [
  { id: 'aes-128', label: 'AES-128', bits: 128, description: 'AES with a 128-bit key.' },
  { id: 'aes-256', label: 'AES-256', bits: 256, description: 'AES with a 256-bit key.' },
  { id: 'hmac-sha256', label: 'HMAC-SHA-256', bits: 256, description: 'A MAC key.' },
];

export function key(name: string, overrides: Partial<KeyDetail> = {}): KeyDetail {
  return {
    id: `00000000-0000-4000-8000-${name.length.toString().padStart(12, '0')}`,
    name,
    algorithm: 'aes-256',
    tags: [],
    notes: '',
    createdAt: '2025-03-04T12:14:00Z',
    updatedAt: '2025-03-04T12:14:00Z',
    ...overrides,
  };
}

export const reject =
  (code: string, message = `failed: ${code}`) =>
  () => {
    throw { code, message };
  };
