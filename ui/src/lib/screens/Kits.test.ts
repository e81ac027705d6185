import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VaultStore } from '$lib/stores/vault.svelte';
import { answer, callsTo, key, kitInfo, preparedKit, progress, reject, summary, unlocked } from '../../test/shell';
import Kits from './Kits.svelte';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));
vi.mock('@tauri-apps/plugin-dialog', () => ({ open: vi.fn(), save: vi.fn() }));

const PAYROLL = summary(key('Payroll export key', { id: '0b6b0a8e-3c41-4d1c-9c5a-8f0e3d2b7a10' }));
const DRAFT = summary(key('Draft key', { state: 'pre-activation' }));

type Handlers = Parameters<typeof answer>[0];

async function show(handlers: Handlers = {}, request?: Parameters<VaultStore['openKits']>[0]) {
  const vault = new VaultStore();
  answer({
    vault_status: () => unlocked(),
    kits_list: () => [],
    keys_list: () => [PAYROLL, DRAFT],
    kit_generate_passphrase: () => ({ passphrase: 'ample bravo cider delta eagle fable', words: 6 }),
    kit_prepare: () => preparedKit(),
    kit_preview: (args) => ({ sheet: args.sheet, pages: ['<svg/>', '<svg/>'] }),
    kit_save: (args) => ({ kit: kitInfo(), directory: args.directory, files: ['/k/a.pdf'] }),
    kit_discard: () => null,
    kit_recover_reset: () => null,
    ...handlers,
  });
  await vault.load();
  vault.openKits(request ?? null);
  render(Kits, { vault });
  return { vault, user: userEvent.setup() };
}

afterEach(() => {
  document.body.querySelectorAll('.kit-print').forEach((n) => n.remove());
});

describe('Kits page', () => {
  it('explains kits when there are none yet', async () => {
    await show();
    expect(await screen.findByTestId('kits-empty')).toHaveTextContent('No kits yet');
  });

  it('lists the register; a void kit says what to do and offers a new kit of its keys', async () => {
    const voided = kitInfo({
      id: 'KW-0000-0001',
      status: 'void',
      statusAt: '2027-03-05T09:00:00Z',
      statusReason: 'the key "Payroll export key" was marked compromised',
    });
    const { user } = await show({ kits_list: () => [kitInfo({ lastDrill: '2027-03-02T10:00:00Z' }), voided] });
    const kits = await screen.findAllByTestId('kit');
    expect(kits.map((k) => k.getAttribute('data-status'))).toEqual(['current', 'void']);
    expect(within(kits[0]).getByTestId('kit-custody')).toHaveTextContent('Share 1 · Ada');
    expect(kits[0]).toHaveTextContent('Split, 2 of 3');
    expect(within(kits[0]).getByTestId('kit-last-drill')).toHaveTextContent('Drilled');
    const advice = within(kits[1]).getByTestId('kit-advice');
    expect(advice).toHaveTextContent('The key "Payroll export key" was marked compromised.');
    expect(advice).toHaveTextContent('Collect every sheet of this kit');
    expect(within(kits[1]).queryByTestId('kit-drill')).not.toBeInTheDocument();
    expect(screen.getByTestId('kits-summary')).toHaveTextContent('1 current');

    await user.click(within(kits[1]).getByTestId('kit-remake'));
    const wizard = await screen.findByTestId('kit-wizard');
    await user.click(within(wizard).getByTestId('kit-kind-split'));
    await user.click(within(wizard).getByTestId('kit-next'));
    const choice = await within(wizard).findByRole('checkbox', { name: /Payroll export key/ });
    expect(choice).toBeChecked();
  });
});

describe('Make a kit', () => {
  it('makes a 2-of-3 split kit: custodians, vault passphrase, preview, save to a typed folder, print', async () => {
    const print = vi.spyOn(window, 'print').mockImplementation(() => {});
    const { user } = await show({}, { action: 'make', keys: [] });
    const wizard = await screen.findByTestId('kit-wizard');
    expect(screen.getByTestId('kit-next')).toBeDisabled();
    await user.click(screen.getByTestId('kit-kind-split'));
    await user.click(screen.getByTestId('kit-next'));

    // Keys: a pre-activation key cannot be chosen, and says why.
    const draft = await screen.findByRole('checkbox', { name: /Draft key/ });
    expect(draft).toBeDisabled();
    expect(wizard).toHaveTextContent('Activate it first');
    expect(screen.getByTestId('kit-next')).toBeDisabled();
    await user.click(screen.getByRole('checkbox', { name: /Payroll export key/ }));
    await user.click(screen.getByTestId('kit-next'));

    // Custody: three names, two needed.
    await user.type(screen.getByTestId('kit-custodian-0'), 'Ada');
    await user.type(screen.getByTestId('kit-custodian-1'), 'Bea');
    expect(screen.getByTestId('kit-next')).toBeDisabled();
    await user.type(screen.getByTestId('kit-custodian-2'), 'Cy');
    expect(screen.getByTestId('kit-threshold')).toHaveValue('2');
    expect(wizard).toHaveTextContent('any 2 of these people together can recover the keys');
    await user.click(screen.getByTestId('kit-next'));

    // Review, paper, the vault passphrase; a wrong one is said and cleared.
    expect(screen.getByTestId('kit-review')).toHaveTextContent('Share 1 · Ada, Share 2 · Bea, Share 3 · Cy');
    await user.click(screen.getByTestId('kit-paper-letter'));
    answer({ kit_prepare: reject('wrong_passphrase', 'That passphrase (or key file) is not this vault’s.') });
    await user.type(screen.getByTestId('kit-vault-passphrase'), 'not it');
    await user.click(screen.getByTestId('kit-prepare'));
    expect(await screen.findByTestId('kit-error')).toHaveTextContent('not this vault’s');
    expect(screen.getByTestId('kit-vault-passphrase')).toHaveValue('');

    answer({
      kit_prepare: () => preparedKit({ paper: 'letter' }),
      kit_preview: (args) => ({ sheet: args.sheet, pages: ['<svg/>', '<svg/>'] }),
      kit_save: (args) => ({ kit: kitInfo(), directory: args.directory, files: ['/k/a.pdf', '/k/b.pdf'] }),
      kit_discard: () => null,
      kits_list: () => [kitInfo()],
    });
    await user.type(screen.getByTestId('kit-vault-passphrase'), 'correct horse battery staple');
    await user.click(screen.getByTestId('kit-prepare'));
    expect(callsTo('kit_prepare').at(-1)).toEqual({
      keys: [PAYROLL.id],
      kind: 'split',
      custodians: ['Ada', 'Bea', 'Cy'],
      threshold: 2,
      kitPassphrase: null,
      recipient: null,
      unencryptedAcknowledged: null,
      paper: 'letter',
      passphrase: 'correct horse battery staple',
      keyfilePath: null,
    });

    // Preview: each sheet's pages, one tab per custodian.
    await screen.findByTestId('kit-preview');
    expect(await screen.findAllByTestId('kit-page')).toHaveLength(2);
    const tabs = screen.getAllByTestId('kit-sheet-tab');
    expect(tabs.map((t) => t.textContent?.trim())).toEqual(['Share 1 · Ada', 'Share 2 · Bea', 'Share 3 · Cy']);
    await user.click(tabs[2]);
    expect(screen.getByTestId('kit-sheet')).toHaveAttribute('data-sheet', '2');
    await vi.waitFor(() => expect(callsTo('kit_preview')).toHaveLength(3));
    await user.click(screen.getByTestId('kit-next'));

    // Save: the folder is typed; the files are listed before anything is written.
    expect(wizard).toHaveTextContent('KW-28T5-CY4T-share-2-of-3-bea.pdf');
    expect(wizard).toHaveTextContent('KW-28T5-CY4T.age');
    await user.type(screen.getByTestId('kit-folder'), '/home/alex/kits');
    await user.click(screen.getByTestId('kit-save'));
    expect(await screen.findByTestId('kit-saved')).toHaveTextContent('/home/alex/kits');
    expect(callsTo('kit_save')).toEqual([{ directory: '/home/alex/kits' }]);

    // Print: every page of every sheet, and nothing else.
    expect(document.querySelectorAll('.kit-print img')).toHaveLength(6);
    await user.click(screen.getByTestId('kit-print-button'));
    expect(print).toHaveBeenCalledTimes(1);
    await user.click(screen.getByTestId('kit-finish'));
    expect(screen.queryByTestId('kit-wizard')).not.toBeInTheDocument();
    expect(callsTo('kit_discard')).toEqual([]);
    expect(await screen.findByTestId('kit')).toHaveAttribute('data-kit-id', 'KW-28T5-CY4T');
  });

  it('generates a personal kit’s passphrase, shows it large and sends it once', async () => {
    const { user } = await show({}, { action: 'make', keys: [PAYROLL.id] });
    await user.click(await screen.findByTestId('kit-kind-personal'));
    await user.click(screen.getByTestId('kit-next'));
    await user.click(screen.getByTestId('kit-next'));
    expect(await screen.findByTestId('kit-generated')).toHaveTextContent('ample bravo cider delta eagle fable');
    await user.type(screen.getByTestId('kit-holder'), 'Alex');
    await user.click(screen.getByTestId('kit-next'));
    await user.type(screen.getByTestId('kit-vault-passphrase'), 'correct horse battery staple');
    answer({
      kit_prepare: () => preparedKit({ kind: 'personal', threshold: null, count: null }),
      kit_preview: () => ({ sheet: 0, pages: ['<svg/>'] }),
    });
    await user.click(screen.getByTestId('kit-prepare'));
    expect(callsTo('kit_prepare').at(-1)).toMatchObject({
      kind: 'personal',
      custodians: ['Alex'],
      kitPassphrase: 'ample bravo cider delta eagle fable',
    });
    expect(await screen.findByTestId('kit-passphrase-reminder')).toHaveTextContent('ample bravo cider');
  });

  it('makes an unencrypted kit only after the warning is acknowledged', async () => {
    const { user } = await show({}, { action: 'make', keys: [PAYROLL.id] });
    await user.click(await screen.findByTestId('kit-kind-unencrypted'));
    await user.click(screen.getByTestId('kit-next'));
    await user.click(screen.getByTestId('kit-next'));
    await user.type(screen.getByTestId('kit-holder'), 'Alex');
    expect(screen.getByTestId('kit-unencrypted-warning')).toHaveTextContent('This sheet is the keys.');
    expect(screen.getByTestId('kit-next')).toBeDisabled();
    await user.click(screen.getByTestId('kit-unencrypted-ack'));
    expect(screen.getByTestId('kit-next')).toBeEnabled();
  });

  it('asks before dropping a kit that was made and not saved, and discards it in the shell', async () => {
    const { user } = await show({}, { action: 'make', keys: [PAYROLL.id] });
    await user.click(await screen.findByTestId('kit-kind-escrow'));
    await user.click(screen.getByTestId('kit-next'));
    await user.click(screen.getByTestId('kit-next'));
    await user.type(screen.getByTestId('kit-holder'), 'Mercer & Hale');
    await user.type(screen.getByTestId('kit-recipient'), 'age1nope');
    expect(screen.getByTestId('kit-custody-problem')).toHaveTextContent('not an age public key');
    await user.clear(screen.getByTestId('kit-recipient'));
    await user.type(screen.getByTestId('kit-recipient'), `age1${'q'.repeat(58)}`);
    await user.click(screen.getByTestId('kit-next'));
    await user.type(screen.getByTestId('kit-vault-passphrase'), 'correct horse battery staple');
    await user.click(screen.getByTestId('kit-prepare'));
    await screen.findByTestId('kit-preview');
    await user.click(screen.getByTestId('kit-discard'));
    await user.click(await screen.findByTestId('confirm-ok'));
    await vi.waitFor(() => expect(screen.queryByTestId('kit-wizard')).not.toBeInTheDocument());
    expect(callsTo('kit_discard')).toHaveLength(1);
  });
});

describe('Recover from a kit', () => {
  const ONE = progress({
    kit: 'KW-28T5-CY4T',
    codes: { have: 3, need: 3 },
    shares: { have: 1, need: 2 },
    added: { codes: 3, typedLines: 0, shares: 1 },
  });
  const TWO = { ...ONE, shares: { have: 2, need: 2 }, added: { codes: 0, typedLines: 0, shares: 1 } };
  const OPENED = {
    kit: 'KW-28T5-CY4T',
    generation: 1,
    madeAt: '2027-03-01T09:00:00Z',
    inRegister: false,
    keys: [
      {
        id: PAYROLL.id,
        name: 'Payroll export key',
        algorithm: 'aes-256',
        purpose: 'data-encryption',
        version: 1,
        fingerprints: [{ kind: 'kcv', value: '4f0c1a9e2b7d3c11' }],
      },
    ],
  };

  it('reads one box per sheet with progress, says what is wrong, then opens and restores', async () => {
    let reads = 0;
    const { user } = await show(
      {
        kit_recover_add: (args) => {
          if (String(args.text).includes('zzzz')) {
            throw { code: 'invalid_input', message: 'Share: word 2 ("zzzz") is not a SLIP-39 word.' };
          }
          reads += 1;
          return reads === 1 ? ONE : TWO;
        },
        kit_recover_open: () => OPENED,
        kit_recover_restore: () => ({
          kit: 'KW-28T5-CY4T',
          keys: [{ outcome: 'added', id: 'new-id', name: 'Payroll export key' }],
        }),
      },
      { action: 'recover' },
    );
    await screen.findByTestId('recover-screen');
    await user.type(screen.getByTestId('recover-text'), 'KW1 KW-28T5-CY4T 01/03 …');
    await user.click(screen.getByTestId('recover-add'));
    expect(await screen.findByTestId('recover-shares')).toHaveTextContent('1 of 2 shares');
    expect(screen.getByTestId('recover-codes')).toHaveTextContent('3 of 3 codes');
    expect(screen.getByTestId('recover-kit-id')).toHaveTextContent('KW-28T5-CY4T');
    expect(screen.getByTestId('recover-missing')).toHaveTextContent('1 more sheet’s share is needed.');
    expect(screen.getByTestId('recover-read')).toHaveTextContent('Read 3 codes, a share.');

    const boxes = screen.getAllByTestId('recover-text');
    expect(boxes).toHaveLength(1);
    await user.type(boxes[0], 'academic zzzz acne');
    await user.click(screen.getByTestId('recover-add'));
    expect(await screen.findByTestId('recover-error')).toHaveTextContent('word 2 ("zzzz")');
    await user.clear(screen.getByTestId('recover-text'));
    await user.type(screen.getByTestId('recover-text'), 'the second sheet');
    await user.click(screen.getByTestId('recover-add'));
    expect(await screen.findByTestId('recover-ready')).toBeInTheDocument();
    expect(screen.getByTestId('recover-shares')).toHaveTextContent('2 of 2 shares');
    // A split kit needs nothing more: no passphrase is asked.
    expect(screen.queryByTestId('recover-secret')).not.toBeInTheDocument();

    await user.click(screen.getByTestId('recover-open'));
    expect(await screen.findByTestId('recover-fingerprint')).toHaveTextContent('4f0c1a9e2b7d3c11');
    expect(callsTo('kit_recover_open')).toEqual([{ kitPassphrase: null, identity: null }]);
    await user.click(screen.getByTestId('recover-restore'));
    const restored = await screen.findByTestId('recover-restored-key');
    expect(restored).toHaveAttribute('data-outcome', 'added');
    expect(restored).toHaveTextContent('Added to this vault');
  });

  it('reads scanned sheets one file after the other, with one result per file', async () => {
    let first: (progress: typeof ONE) => void = () => {};
    const { user } = await show(
      {
        kit_recover_add_scan: () => {
          const calls = callsTo('kit_recover_add_scan').length;
          if (calls === 1) return new Promise((resolve) => (first = resolve));
          if (calls === 2) throw { code: 'no_code', message: 'No QR code could be read on it (a page of text).' };
          return TWO;
        },
      },
      { action: 'recover' },
    );
    const input = await screen.findByTestId('recover-scan-input');
    expect(input).toHaveAttribute('type', 'file');
    expect(input).toHaveAttribute('multiple');
    const sheet = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'page-1.png', { type: 'image/png' });
    const instructions = new File([new Uint8Array([0x25, 0x50, 0x44, 0x46])], 'page-2.pdf', {
      type: 'application/pdf',
    });
    await user.upload(input, [sheet, instructions]);

    // The first file is being read: it is named, and nothing else can be done meanwhile.
    expect(await screen.findByTestId('recover-scan-busy')).toHaveTextContent('Reading the codes of page-1.png…');
    expect(input).toBeDisabled();
    expect(screen.getByTestId('recover-text')).toBeDisabled();
    expect(callsTo('kit_recover_add_scan')).toHaveLength(1);
    first(ONE);

    await vi.waitFor(() => expect(screen.getAllByTestId('recover-scan-result')).toHaveLength(2));
    const [read, failed] = screen.getAllByTestId('recover-scan-result');
    expect(read).toHaveAttribute('data-file-name', 'page-1.png');
    expect(read).toHaveAttribute('data-outcome', 'read');
    expect(read).toHaveTextContent('Read 3 codes, a share.');
    expect(failed).toHaveAttribute('data-file-name', 'page-2.pdf');
    // A page without a code is a note, not a failure.
    expect(failed).toHaveAttribute('data-outcome', 'empty');
    expect(failed).toHaveTextContent('No QR code could be read on it');
    expect(callsTo('kit_recover_add_scan')).toEqual([
      new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
      new Uint8Array([0x25, 0x50, 0x44, 0x46]),
    ]);
    expect(screen.queryByTestId('recover-scan-busy')).not.toBeInTheDocument();
    expect(screen.getByTestId('recover-shares')).toHaveTextContent('1 of 2 shares');
    expect(input).toBeEnabled();
    expect(input).toHaveValue('');

    // The second sheet's scan; starting again forgets every result.
    await user.upload(input, new File([new Uint8Array([0xff, 0xd8, 0xff])], 'page-3.jpg', { type: 'image/jpeg' }));
    expect(await screen.findByTestId('recover-ready')).toBeInTheDocument();
    expect(screen.getAllByTestId('recover-scan-result')).toHaveLength(3);
    await user.click(screen.getByTestId('recover-reset'));
    await vi.waitFor(() => expect(screen.queryByTestId('recover-scan-result')).not.toBeInTheDocument());
  });

  it('asks for the kit passphrase of a personal kit, and clears a wrong one', async () => {
    const codes = progress({
      kit: 'KW-28T5-CY4T',
      codes: { have: 1, need: 1 },
      added: { codes: 1, typedLines: 0, shares: 0 },
    });
    const { user } = await show(
      {
        kit_recover_add: () => codes,
        kit_recover_open: reject('wrong_passphrase', 'That passphrase or identity does not open this kit.'),
      },
      { action: 'recover' },
    );
    await user.type(await screen.findByTestId('recover-text'), 'KW1 KW-28T5-CY4T 01/01 …');
    await user.click(screen.getByTestId('recover-add'));
    expect(await screen.findByTestId('recover-open')).toBeDisabled();
    await user.type(screen.getByTestId('recover-secret'), 'the wrong words');
    await user.click(screen.getByTestId('recover-open'));
    expect(await screen.findByTestId('recover-open-error')).toHaveTextContent('does not open this kit');
    expect(screen.getByTestId('recover-secret')).toHaveValue('');
    expect(callsTo('kit_recover_open')).toEqual([{ kitPassphrase: 'the wrong words', identity: null }]);
  });

  it('drills a kit of the register and says it passed', async () => {
    const { user } = await show({
      kits_list: () => [kitInfo()],
      kit_recover_add: () => ({ ...ONE, shares: { have: 2, need: 2 } }),
      kit_drill: () => kitInfo({ lastDrill: '2027-03-09T10:00:00Z' }),
    });
    await user.click(await screen.findByTestId('kit-drill'));
    expect(screen.getByTestId('recover-screen')).toHaveAttribute('data-mode', 'drill');
    await user.type(screen.getByTestId('recover-text'), 'both sheets');
    await user.click(screen.getByTestId('recover-add'));
    await user.click(await screen.findByTestId('recover-open'));
    expect(await screen.findByTestId('recover-drilled')).toHaveTextContent('Drill passed');
    expect(callsTo('kit_drill')).toEqual([{ kitPassphrase: null, identity: null }]);
    expect(callsTo('kit_recover_open')).toEqual([]);
  });
});
