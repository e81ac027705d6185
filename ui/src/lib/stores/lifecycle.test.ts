import { describe, expect, it, vi } from 'vitest';
import { AuditStore, dayAfter, dayStart } from './audit.svelte';
import { KeyStore } from './keys.svelte';
import { PolicyStore } from './policy.svelte';
import { VaultStore } from './vault.svelte';
import { answer, callsTo, key, reject, summary, unlocked, vocabulary } from '../../test/shell';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

async function vault() {
  const store = new VaultStore();
  answer({ vault_status: () => unlocked() });
  await store.load();
  return store;
}

const keysListed = [
  summary(key('Zed', { state: 'active', nextRotation: '2027-01-01T00:00:00Z', algorithm: 'aes-256' })),
  summary(
    key('Alpha', {
      state: 'suspended',
      nextRotation: '2026-01-01T00:00:00Z',
      algorithm: 'hmac-sha256',
      purpose: 'authentication',
    }),
  ),
  summary(key('Mid', { state: 'compromised', nextRotation: null, destructionDue: '2025-06-01T00:00:00Z' })),
  summary(key('Old', { state: 'deactivated', nextRotation: null })),
];

describe('KeyStore filters and sort', () => {
  async function listed() {
    const keys = new KeyStore(await vault());
    answer({ ...vocabulary, keys_list: () => keysListed });
    await keys.loadVocabulary();
    await keys.refresh();
    return keys;
  }

  it('sorts by name, due date (soonest first, nothing due last) and state', async () => {
    const keys = await listed();
    expect(keys.visible.map((k) => k.name)).toEqual(['Alpha', 'Mid', 'Old', 'Zed']);
    keys.sort = 'due';
    expect(keys.visible.map((k) => k.name)).toEqual(['Mid', 'Alpha', 'Zed', 'Old']);
    keys.sort = 'state';
    expect(keys.visible.map((k) => k.name)).toEqual(['Zed', 'Alpha', 'Old', 'Mid']);
  });

  it('filters by state, purpose and algorithm, and clears the filters', async () => {
    const keys = await listed();
    keys.stateFilter = 'suspended';
    expect(keys.visible.map((k) => k.name)).toEqual(['Alpha']);
    keys.stateFilter = '';
    keys.purposeFilter = 'data-encryption';
    expect(keys.visible.map((k) => k.name)).toEqual(['Mid', 'Old', 'Zed']);
    keys.algorithmFilter = 'hmac-sha256';
    expect(keys.visible).toEqual([]);
    expect(keys.filtering).toBe(true);
    keys.clearFilters();
    expect(keys.visible).toHaveLength(4);
  });

  it('sends lifecycle changes and keeps the answer as the selected key', async () => {
    const keys = await listed();
    const done = key('Zed', { state: 'deactivated' });
    answer({ key_set_state: () => done, keys_list: () => keysListed });
    await keys.setState(done.id, 'deactivated', 'retired');
    expect(callsTo('key_set_state')).toEqual([{ id: done.id, to: 'deactivated', reason: 'retired' }]);
    expect(keys.selected?.state).toBe('deactivated');
    answer({ key_rotate: reject('not_allowed', 'Only an active key can be rotated.') });
    await expect(keys.rotate(done.id, null, 'x')).rejects.toMatchObject({ code: 'not_allowed' });
  });
});

describe('AuditStore', () => {
  it('sends the filters, dates as whole UTC days with an exclusive end', async () => {
    const audit = new AuditStore(await vault());
    answer({ audit_list: () => [] });
    audit.action = 'key-rotated';
    audit.outcome = 'failure';
    audit.since = '2025-03-01';
    audit.until = '2025-03-31';
    audit.text = '  laptop ';
    await audit.refresh();
    expect(callsTo('audit_list')).toEqual([
      {
        action: 'key-rotated',
        key: null,
        outcome: 'failure',
        since: '2025-03-01T00:00:00Z',
        until: '2025-04-01T00:00:00Z',
        text: 'laptop',
        limit: 500,
      },
    ]);
    expect(audit.loaded).toBe(true);
  });

  it('keeps the verification result, or the error', async () => {
    const audit = new AuditStore(await vault());
    answer({ audit_verify: () => ({ entries: 12, intact: false, problems: ['Entry 4 was edited.'] }) });
    await audit.verify();
    expect(audit.check).toEqual({ entries: 12, intact: false, problems: ['Entry 4 was edited.'] });
    answer({ audit_verify: reject('vault_damaged', 'The vault file is damaged.') });
    await audit.verify();
    expect(audit.check).toBeNull();
    expect(audit.verifyError?.code).toBe('vault_damaged');
  });

  it('reads date inputs strictly', () => {
    expect(dayStart('')).toBeNull();
    expect(dayStart('2025-1-1')).toBeNull();
    expect(dayAfter('2024-02-29')).toBe('2024-03-01T00:00:00Z');
  });
});

describe('PolicyStore', () => {
  it('loads and changes one setting with its reason', async () => {
    const policy = new PolicyStore(await vault());
    const current = { minStrengthBits: 128, allowedAlgorithms: ['aes-256'], destructionWaitDays: 7, cryptoperiods: [] };
    answer({ policy_get: () => current, policy_set: () => ({ ...current, minStrengthBits: 192 }) });
    await policy.load();
    expect(policy.policy?.minStrengthBits).toBe(128);
    await policy.set('min-strength', '192', 'stronger');
    expect(callsTo('policy_set')).toEqual([{ name: 'min-strength', value: '192', reason: 'stronger' }]);
    expect(policy.policy?.minStrengthBits).toBe(192);
  });
});
