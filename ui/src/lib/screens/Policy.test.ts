import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Policy as PolicyInfo } from '$lib/ipc';
import { VaultStore } from '$lib/stores/vault.svelte';
import { answer, callsTo, unlocked } from '../../test/shell';
import Policy from './Policy.svelte';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));
vi.mock('@tauri-apps/plugin-dialog', () => ({ open: vi.fn(), save: vi.fn() }));

const POLICY: PolicyInfo = {
  minStrengthBits: 128,
  allowedAlgorithms: ['aes-256'],
  destructionWaitDays: 7,
  cryptoperiods: [],
  reminderDays: [30, 14, 7, 1],
  maxSnoozeDays: 30,
  drillDays: 365,
};

async function show() {
  const vault = new VaultStore();
  answer({
    vault_status: () => unlocked(),
    policy_get: () => POLICY,
    policy_set: (args) => ({ ...POLICY, drillDays: Number(args.value) }),
    key_algorithms: () => [],
    key_purposes: () => [],
  });
  await vault.load();
  render(Policy, { vault });
  await screen.findByTestId('policy-drill-days');
  return userEvent.setup();
}

describe('Policy', () => {
  it('shows how often kits are drilled and changes it with a reason, refusing days out of range', async () => {
    const user = await show();
    expect(screen.getByTestId('policy-drill-days')).toHaveTextContent('every 365 days');
    await user.click(screen.getByTestId('policy-edit-drill-days'));
    const value = screen.getByTestId('policy-value');
    await user.clear(value);
    await user.type(value, '3');
    await user.type(screen.getByTestId('reason-input'), 'quarterly drills');
    expect(screen.getByText('Choose a whole number of days from 7 to 1,826.')).toBeInTheDocument();
    await user.click(screen.getByTestId('reason-confirm'));
    expect(callsTo('policy_set')).toEqual([]);

    await user.clear(value);
    await user.type(value, '90');
    await user.click(screen.getByTestId('reason-confirm'));
    expect(callsTo('policy_set')).toEqual([{ name: 'drill-days', value: '90', reason: 'quarterly drills' }]);
    expect(await screen.findByTestId('policy-drill-days')).toHaveTextContent('every 90 days');
  });
});
