// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import { answer, callsTo, kitInfo, preparedKit, progress, reject, summary, key, unlocked } from '../../test/shell';
import {
  KitMaker,
  custodiansProblem,
  defaultThreshold,
  keyKitProblem,
  kitPassphraseProblem,
  kitRequest,
  vaultCustodyProblem,
  localPaper,
  recipientProblem,
  svgSource,
  thresholdProblem,
} from './kitmaker.svelte';
import {
  KitStore,
  custodyLabel,
  drillLabel,
  kindLabel,
  progressLabel,
  statusAdvice,
  statusSentence,
} from './kits.svelte';
import { RecoveryStore, canOpen, missingLabel, opener, payloadComplete } from './recovery.svelte';
import { VaultStore } from './vault.svelte';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

async function vaultWith(handlers: Parameters<typeof answer>[0] = {}) {
  const vault = new VaultStore();
  answer({ vault_status: () => unlocked(), ...handlers });
  await vault.load();
  return vault;
}

describe('kit wording', () => {
  it('names kinds, custody and drills as people say them', () => {
    expect(kindLabel(kitInfo())).toBe('Split, 2 of 3');
    expect(kindLabel(kitInfo({ kind: 'personal', threshold: null, count: null }))).toBe('Personal');
    expect(custodyLabel({ custodian: 'Bea', share: 2 })).toBe('Share 2 · Bea');
    expect(custodyLabel({ custodian: 'Mercer & Hale', share: null })).toBe('Mercer & Hale');
    expect(drillLabel(kitInfo())).toBe('Never drilled');
    expect(drillLabel(kitInfo({ lastDrill: '2027-03-02T10:00:00Z' }))).toMatch(/^Drilled /);
    expect(progressLabel(2, 3, 'share')).toBe('2 of 3 shares');
    expect(progressLabel(1, 1, 'code')).toBe('1 of 1 code');
    expect(progressLabel(0, 0, 'code')).toBe('0 codes');
  });

  it('say what to do about a kit that is no longer current', () => {
    expect(statusAdvice(kitInfo())).toBeNull();
    expect(statusSentence(kitInfo())).toBe('');
    const superseded = kitInfo({ status: 'superseded', statusReason: 'the key "Payroll" was rotated to version 2' });
    expect(statusSentence(superseded)).toBe('The key "Payroll" was rotated to version 2.');
    expect(statusAdvice(superseded)).toMatch(/^Make a new kit/);
    const voided = kitInfo({ status: 'void', statusReason: 'the key "Payroll" was marked compromised' });
    expect(statusAdvice(voided)).toMatch(/Collect every sheet .* and destroy it/);
  });
});

describe('the register', () => {
  it('lists the kits, of the vault or of one key, and keeps the error', async () => {
    const vault = await vaultWith({
      kits_list: (args) => (args.key === null ? [kitInfo(), kitInfo({ id: 'KW-0000-0001', status: 'void' })] : []),
    });
    const all = new KitStore(vault);
    await all.load();
    expect(all.kits).toHaveLength(2);
    expect(all.attention.map((k) => k.id)).toEqual(['KW-0000-0001']);
    const one = new KitStore(vault, 'id-9');
    await one.load();
    expect(one.kits).toEqual([]);
    expect(callsTo('kits_list')).toEqual([{ key: null }, { key: 'id-9' }]);

    answer({ kits_list: reject('locked', 'The vault is locked. Unlock it first.') });
    await all.load();
    expect(all.error?.code).toBe('locked');
    expect(vault.status?.state).toBe('locked');
  });
});

describe('making a kit', () => {
  it('checks the choices as the shell does', () => {
    expect(custodiansProblem(['Ada'])).toMatch(/at least two/);
    expect(custodiansProblem(['Ada', ' '])).toMatch(/Name who keeps/);
    expect(custodiansProblem(['Ada', 'ada '])).toMatch(/named twice/);
    expect(custodiansProblem(Array.from({ length: 17 }, (_, i) => `c${i}`))).toMatch(/at most 16/);
    expect(custodiansProblem(['Ada', 'Bea'])).toBeNull();
    expect(thresholdProblem(1, 3)).not.toBeNull();
    expect(thresholdProblem(4, 3)).not.toBeNull();
    expect(thresholdProblem(3, 3)).toBeNull();
    expect([2, 3, 5, 16].map(defaultThreshold)).toEqual([2, 2, 3, 9]);
    expect(kitPassphraseProblem('short', 'short')).toMatch(/at least 12/);
    expect(kitPassphraseProblem('a long passphrase', 'a long passphrasE')).toMatch(/do not match/);
    expect(kitPassphraseProblem('a long passphrase', 'a long passphrase')).toBeNull();
    expect(recipientProblem('')).toMatch(/Paste/);
    expect(recipientProblem('age1nope')).toMatch(/not an age public key/);
    expect(recipientProblem(`age1${'q'.repeat(58)}`)).toBeNull();
    expect(recipientProblem(`age1${'b'.repeat(58)}`)).not.toBeNull();
    expect(localPaper('en-US')).toBe('letter');
    expect(localPaper('de-DE')).toBe('a4');
    expect(keyKitProblem(summary(key('k')))).toBeNull();
    expect(keyKitProblem(summary(key('k', { state: 'pre-activation' })))).toMatch(/Activate it first/);
    expect(keyKitProblem(summary(key('k', { state: 'compromised' })))).not.toBeNull();
  });

  it('sends only what the kind of kit takes', () => {
    const choices = {
      keys: ['id-1'],
      holder: ' Ada ',
      custodians: [' Ada', 'Bea ', 'Cy'],
      threshold: 2,
      kitPassphrase: ' six words here and there ',
      recipient: ' age1xyz ',
      paper: 'a4' as const,
      passphrase: 'pp',
      keyfilePath: null,
    };
    const base = { keys: ['id-1'], paper: 'a4', passphrase: 'pp', keyfilePath: null };
    expect(kitRequest({ ...choices, kind: 'split' })).toEqual({
      ...base,
      kind: 'split',
      custodians: ['Ada', 'Bea', 'Cy'],
      threshold: 2,
    });
    expect(kitRequest({ ...choices, kind: 'personal' })).toEqual({
      ...base,
      kind: 'personal',
      custodians: ['Ada'],
      kitPassphrase: 'six words here and there',
    });
    expect(kitRequest({ ...choices, kind: 'escrow' })).toEqual({
      ...base,
      kind: 'escrow',
      custodians: ['Ada'],
      recipient: 'age1xyz',
    });
    expect(kitRequest({ ...choices, kind: 'unencrypted' })).toEqual({
      ...base,
      kind: 'unencrypted',
      custodians: ['Ada'],
      unencryptedAcknowledged: true,
    });
    // A vault recovery kit holds no keys; one sheet has no threshold.
    expect(kitRequest({ ...choices, kind: 'vault' })).toEqual({
      ...base,
      keys: [],
      kind: 'vault',
      custodians: ['Ada', 'Bea', 'Cy'],
      threshold: 2,
    });
    expect(kitRequest({ ...choices, custodians: [' Ada '], kind: 'vault' })).toEqual({
      ...base,
      keys: [],
      kind: 'vault',
      custodians: ['Ada'],
    });
  });

  it('checks the custody of a vault recovery kit', () => {
    expect(vaultCustodyProblem(['Ada'], 2)).toBeNull();
    expect(vaultCustodyProblem([''], 2)).toMatch(/Name who keeps/);
    expect(vaultCustodyProblem(['Ada', 'Bea'], 2)).toBeNull();
    expect(vaultCustodyProblem(['Ada', 'Bea'], 3)).not.toBeNull();
    expect(vaultCustodyProblem(['Ada', 'ada'], 2)).toMatch(/named twice/);
  });

  const SPLIT = kitRequest({
    keys: ['k'],
    kind: 'split',
    holder: '',
    custodians: ['A', 'B', 'C'],
    threshold: 2,
    kitPassphrase: '',
    recipient: '',
    paper: 'a4',
    passphrase: 'pp',
    keyfilePath: null,
  });

  it('prepares, loads every sheet’s pages, saves, and discards only an unsaved kit', async () => {
    const vault = await vaultWith({
      kit_prepare: () => preparedKit(),
      kit_preview: (args) => ({ sheet: args.sheet, pages: [`<svg id="${String(args.sheet)}"/>`] }),
      kit_save: (args) => ({ kit: kitInfo(), directory: args.directory, files: [] }),
      kit_discard: () => null,
    });
    const maker = new KitMaker(vault);
    await maker.prepare(SPLIT);
    expect(maker.previewed).toBe(false);
    await maker.loadPages();
    expect(callsTo('kit_preview')).toEqual([{ sheet: 0 }, { sheet: 1 }, { sheet: 2 }]);
    expect(maker.previewed).toBe(true);
    expect(maker.pages[1]).toEqual([svgSource('<svg id="1"/>')]);
    expect(maker.pages[1][0]).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg/);

    // An unsaved kit is discarded in the shell when the wizard closes.
    await maker.close();
    expect(callsTo('kit_discard')).toHaveLength(1);
    expect(maker.prepared).toBeNull();

    await maker.prepare(SPLIT);
    expect((await maker.save('/home/a/kit')).directory).toBe('/home/a/kit');
    await maker.close();
    expect(callsTo('kit_discard')).toHaveLength(1);
  });

  it('keeps a preview failure apart: the kit can still be saved', async () => {
    const vault = await vaultWith({
      kit_prepare: () => preparedKit(),
      kit_preview: reject('internal', 'Keywarden ran into an unexpected problem (preview).'),
    });
    const maker = new KitMaker(vault);
    await maker.prepare(SPLIT);
    await maker.loadPages();
    expect(maker.previewError?.code).toBe('internal');
    expect(maker.previewed).toBe(false);
    expect(maker.prepared?.id).toBe('KW-28T5-CY4T');
  });
});

describe('recovering a kit', () => {
  it('tells what is missing until the kit can be opened', () => {
    expect(canOpen(null)).toBe(false);
    expect(missingLabel(null)).toMatch(/Choose the scans of one sheet, or paste or type/);
    const codes = progress({ kit: 'KW-28T5-CY4T', codes: { have: 2, need: 3 } });
    expect(payloadComplete(codes)).toBe(false);
    expect(missingLabel(codes)).toBe('1 more code is needed: every code of a sheet (2 of 3 read).');
    const oneShare = progress({ codes: { have: 3, need: 3 }, shares: { have: 1, need: 2 } });
    expect(canOpen(oneShare)).toBe(false);
    expect(missingLabel(oneShare)).toBe('1 more sheet’s share is needed.');
    const both = progress({ codes: { have: 3, need: 3 }, shares: { have: 2, need: 2 } });
    expect(canOpen(both)).toBe(true);
    expect(missingLabel(both)).toBeNull();
    // Typed lines stand in for the codes; a personal kit has no shares.
    expect(canOpen(progress({ typedLines: 12 }))).toBe(true);
  });

  it('sends a passphrase or an identity only when the kit takes one', () => {
    expect(opener('passphrase', 'six words', true)).toEqual({});
    expect(opener('passphrase', 'six words', false)).toEqual({ kitPassphrase: 'six words' });
    expect(opener('identity', ' AGE-SECRET-KEY-1X ', false)).toEqual({ identity: 'AGE-SECRET-KEY-1X' });
    expect(opener('nothing', 'ignored', false)).toEqual({});
    expect(opener('passphrase', '  ', false)).toEqual({});
  });

  it('adds texts, opens, restores and drills through the shell', async () => {
    const read = progress({ kit: 'KW-28T5-CY4T', codes: { have: 3, need: 3 }, shares: { have: 2, need: 2 } });
    const vault = await vaultWith({
      kit_recover_reset: () => null,
      kit_recover_add: () => read,
      kit_recover_open: () => ({ kit: 'KW-28T5-CY4T', generation: 1, madeAt: '', inRegister: true, keys: [] }),
      kit_recover_restore: () => ({ kit: 'KW-28T5-CY4T', keys: [] }),
      kit_drill: () => kitInfo({ lastDrill: '2027-03-02T10:00:00Z' }),
    });
    const store = new RecoveryStore(vault);
    await store.reset();
    expect(await store.add('words')).toEqual(read);
    expect(store.progress).toEqual(read);
    await store.open({});
    expect(store.opened?.inRegister).toBe(true);
    await store.restore();
    expect(store.restored?.kit).toBe('KW-28T5-CY4T');
    await store.drill({ kitPassphrase: 'p' });
    expect(store.drilled?.lastDrill).toBe('2027-03-02T10:00:00Z');
    expect(callsTo('kit_recover_add')).toEqual([{ text: 'words' }]);
    expect(callsTo('kit_drill')).toEqual([{ kitPassphrase: 'p', identity: null }]);

    // A refusal keeps what was read, and the error says why.
    answer({ kit_recover_add: reject('invalid_input', 'Share: word 2 ("zzzz") is not a SLIP-39 word.') });
    await expect(store.add('bad')).rejects.toMatchObject({ code: 'invalid_input' });
    expect(store.progress).toEqual(read);
  });

  it('reads a scanned sheet as its bytes, and a scan that fails changes nothing', async () => {
    const read = progress({
      kit: 'KW-28T5-CY4T',
      codes: { have: 3, need: 3 },
      added: { codes: 3, typedLines: 0, shares: 0 },
    });
    const vault = await vaultWith({ kit_recover_add_scan: () => read });
    const store = new RecoveryStore(vault);
    store.opened = { kit: 'KW-28T5-CY4T', generation: 1, madeAt: '', inRegister: true, keys: [] };
    const bytes = new Uint8Array([0x25, 0x50, 0x44, 0x46]);
    expect(await store.addScan(bytes)).toEqual(read);
    expect(store.progress).toEqual(read);
    // More read means the kit is opened again.
    expect(store.opened).toBeNull();
    expect(callsTo('kit_recover_add_scan')).toEqual([bytes]);
    expect(callsTo('kit_recover_add_scan')[0]).toBe(bytes);

    answer({
      kit_recover_add_scan: reject(
        'no_code',
        'No QR code could be read on it (a page of typed lines or instructions, or a scan to redo flat at 300 dpi or more).',
      ),
    });
    await expect(store.addScan(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ code: 'no_code' });
    expect(store.progress).toEqual(read);
  });
});
