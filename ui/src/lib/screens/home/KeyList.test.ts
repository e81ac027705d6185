import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeyStore } from '$lib/stores/keys.svelte';
import { VaultStore } from '$lib/stores/vault.svelte';
import { answer, DUE_KEYS, DUE_NOW, unlocked, vocabulary } from '../../../test/shell';
import KeyList from './KeyList.svelte';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

async function showList() {
  const vault = new VaultStore();
  answer({ vault_status: () => unlocked(), ...vocabulary, keys_list: () => DUE_KEYS });
  await vault.load();
  const keys = new KeyStore(vault);
  await keys.loadVocabulary();
  await keys.refresh();
  render(KeyList, { keys, ongenerate: vi.fn() });
  return { keys, user: userEvent.setup() };
}

const rows = () => screen.getAllByTestId('key-row').map((row) => row.dataset.keyName);

describe('KeyList due-date filter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(DUE_NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('filters the rows by due date, and shows every key again', async () => {
    const { user } = await showList();
    const due = screen.getByLabelText('Due date');
    expect(due).toBe(screen.getByTestId('filter-due'));
    expect(due).toHaveValue('');
    expect(rows()).toHaveLength(DUE_KEYS.length);

    await user.selectOptions(due, 'Overdue');
    expect(rows()).toEqual(['Both', 'Late', 'Now']);
    await user.selectOptions(due, 'Due within 30 days');
    expect(rows()).toEqual(['Both', 'Doomed', 'Late', 'Now', 'Week']);
    await user.selectOptions(due, 'No due date');
    expect(rows()).toEqual(['Idle']);

    await user.selectOptions(screen.getByTestId('filter-state'), 'active');
    expect(screen.queryByTestId('key-row')).not.toBeInTheDocument();
    expect(screen.getByTestId('key-no-match')).toHaveTextContent('No keys match these filters.');
    await user.click(screen.getByTestId('filters-clear'));
    expect(due).toHaveValue('');
    expect(rows()).toHaveLength(DUE_KEYS.length);
  });
});
