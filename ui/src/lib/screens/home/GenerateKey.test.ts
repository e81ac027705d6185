import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { KeyStore } from '$lib/stores/keys.svelte';
import { VaultStore } from '$lib/stores/vault.svelte';
import { answer, callsTo, key, reject, unlocked, vocabulary } from '../../../test/shell';
import GenerateKey from './GenerateKey.svelte';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

const SIGNATURE_VERDICTS = [
  {
    algorithm: 'rsa-2048',
    findings: [
      {
        severity: 'violation',
        code: 'strength-below-minimum',
        message: 'RSA-2048 gives 112-bit security; the policy asks for at least 128.',
      },
    ],
  },
  {
    algorithm: 'ed25519',
    findings: [
      { severity: 'warning', code: 'quantum-deadline', message: 'Ed25519 is expected to be disallowed after 2035.' },
    ],
  },
];

async function showWizard() {
  const vault = new VaultStore();
  answer({
    vault_status: () => unlocked(),
    ...vocabulary,
    policy_check_new: (args) => (args.purpose === 'signature' ? SIGNATURE_VERDICTS : []),
  });
  await vault.load();
  const keys = new KeyStore(vault);
  await keys.loadVocabulary();
  const onclose = vi.fn();
  render(GenerateKey, { keys, onclose });
  return { keys, onclose, user: userEvent.setup() };
}

describe('GenerateKey wizard', () => {
  it('asks for the purpose first, then offers only the algorithms that serve it, with the policy’s verdict', async () => {
    const { user } = await showWizard();
    expect(screen.getByTestId('wizard-next')).toBeDisabled();
    await user.click(screen.getByTestId('wizard-purpose-signature'));
    await user.click(screen.getByTestId('wizard-next'));

    await vi.waitFor(() => expect(screen.getByTestId('wizard-algorithm-ed25519')).toBeEnabled());
    expect(screen.queryByTestId('wizard-algorithm-aes-256')).not.toBeInTheDocument();
    expect(callsTo('policy_check_new')).toEqual([{ algorithm: null, purpose: 'signature' }]);
    // A violation cannot be chosen and says why; a warning can, and is explained.
    expect(screen.getByTestId('wizard-algorithm-rsa-2048')).toBeDisabled();
    expect(screen.getByText(/Not allowed: RSA-2048 gives 112-bit security/)).toBeInTheDocument();
    expect(screen.getByText('Ed25519 is expected to be disallowed after 2035.')).toBeInTheDocument();
    // The first allowed choice is preselected.
    expect(screen.getByTestId('wizard-algorithm-ed25519')).toBeChecked();
  });

  it('walks through details and review, then sends every field and closes', async () => {
    const { keys, onclose, user } = await showWizard();
    const created = key('Release signing', { algorithm: 'ed25519', purpose: 'signature' });
    await user.click(screen.getByTestId('wizard-purpose-signature'));
    await user.click(screen.getByTestId('wizard-next'));
    await vi.waitFor(() => expect(screen.getByTestId('wizard-algorithm-ed25519')).toBeChecked());
    await user.click(screen.getByTestId('wizard-next'));

    expect(screen.getByTestId('wizard-next')).toBeDisabled();
    await user.type(screen.getByTestId('generate-name'), '  Release signing ');
    await user.type(screen.getByTestId('generate-owner'), 'Build team');
    await user.type(screen.getByTestId('generate-custodians'), 'Ana, Bo');
    await user.type(screen.getByTestId('generate-tags'), 'release{Enter}');
    await user.type(screen.getByTestId('generate-rotation'), '365');
    await user.click(screen.getByTestId('generate-pre-activation'));
    await user.click(screen.getByTestId('wizard-next'));

    const review = screen.getByTestId('generate-review');
    expect(review).toHaveTextContent('Release signing');
    expect(review).toHaveTextContent('Ed25519');
    expect(review).toHaveTextContent('Ana, Bo');
    expect(review).toHaveTextContent('In pre-activation');
    expect(screen.getByTestId('generate-warning')).toHaveTextContent('disallowed after 2035');

    answer({ key_generate: () => created, keys_list: () => [] });
    await user.click(screen.getByTestId('generate-submit'));
    expect(callsTo('key_generate')).toEqual([
      {
        name: 'Release signing',
        algorithm: 'ed25519',
        notes: '',
        tags: ['release'],
        purpose: 'signature',
        owner: 'Build team',
        custodians: ['Ana', 'Bo'],
        preActivation: true,
        rotationDays: 365,
      },
    ]);
    await vi.waitFor(() => expect(onclose).toHaveBeenCalled());
    expect(keys.selected).toEqual(created);
  });

  it('flags a bad rotation interval and keeps Continue disabled', async () => {
    const { user } = await showWizard();
    await user.click(screen.getByTestId('wizard-purpose-data-encryption'));
    await user.click(screen.getByTestId('wizard-next'));
    await vi.waitFor(() => expect(screen.getByTestId('wizard-algorithm-aes-128')).toBeChecked());
    await user.click(screen.getByTestId('wizard-next'));
    await user.type(screen.getByTestId('generate-name'), 'Disk');
    expect(screen.getByTestId('wizard-next')).toBeEnabled();
    await user.type(screen.getByTestId('generate-rotation'), '0');
    expect(screen.getByText(/whole number of days from 1/)).toBeInTheDocument();
    expect(screen.getByTestId('wizard-next')).toBeDisabled();
  });

  it('shows the engine’s refusal cleanly (a kind it cannot generate yet) and stays open', async () => {
    const { onclose, user } = await showWizard();
    await user.click(screen.getByTestId('wizard-purpose-signature'));
    await user.click(screen.getByTestId('wizard-next'));
    await vi.waitFor(() => expect(screen.getByTestId('wizard-algorithm-ed25519')).toBeChecked());
    await user.click(screen.getByTestId('wizard-next'));
    await user.type(screen.getByTestId('generate-name'), 'Signer');
    await user.click(screen.getByTestId('wizard-next'));
    answer({ key_generate: reject('not_allowed', 'Ed25519 keys cannot be generated yet.') });
    await user.click(screen.getByTestId('generate-submit'));
    expect(await screen.findByTestId('generate-error')).toHaveTextContent('Ed25519 keys cannot be generated yet.');
    expect(onclose).not.toHaveBeenCalled();
    // Back to the algorithm step to choose another.
    await user.click(screen.getByTestId('wizard-back'));
    await user.click(screen.getByTestId('wizard-back'));
    expect(screen.getByTestId('wizard-algorithm-ed25519')).toBeInTheDocument();
  });

  it('closes on Escape', async () => {
    const { onclose, user } = await showWizard();
    await user.keyboard('{Escape}');
    expect(onclose).toHaveBeenCalled();
  });
});
