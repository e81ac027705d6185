import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { save } from '@tauri-apps/plugin-dialog';
import { describe, expect, it, vi } from 'vitest';
import { VaultStore } from '$lib/stores/vault.svelte';
import { answer, callsTo, dashboard, dueItem, reject, unlocked } from '../../test/shell';
import Dashboard from './Dashboard.svelte';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));
vi.mock('@tauri-apps/plugin-dialog', () => ({ open: vi.fn(), save: vi.fn() }));

async function show(data = dashboard(), extra: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  const vault = new VaultStore();
  answer({ vault_status: () => unlocked(), dashboard: () => data, ...extra });
  await vault.load();
  render(Dashboard, { vault });
  await screen.findByTestId('dashboard-counts');
  return { vault, user: userEvent.setup() };
}

describe('Dashboard', () => {
  it('asks for kits of keys with no current one, a void kit first, and opens the wizard on the key', async () => {
    const data = dashboard({
      withoutKit: [
        {
          keyId: 'k1',
          keyName: 'Payroll export key',
          keyFingerprint: 'b3e7342fb97bb3ded1163fca7c22c576',
          keyState: 'active',
          kit: 'KW-28T5-CY4T',
          kitStatus: 'void',
          kitReason: 'the key "Payroll export key" was marked compromised',
        },
        {
          keyId: 'k2',
          keyName: 'Backup key',
          keyFingerprint: 'c26a5b316395660e',
          keyState: 'active',
          kit: null,
          kitStatus: null,
          kitReason: null,
        },
      ],
    });
    const { vault, user } = await show(data);
    const keys = within(screen.getByTestId('without-kit')).getAllByTestId('without-kit-key');
    expect(keys.map((k) => k.getAttribute('data-kit-status'))).toEqual(['void', 'none']);
    expect(keys[0]).toHaveTextContent('Kit void');
    expect(keys[0]).toHaveTextContent('KW-28T5-CY4T: the key "Payroll export key" was marked compromised');
    expect(keys[1]).toHaveTextContent('Never put in a recovery kit');
    await user.click(within(keys[1]).getByTestId('without-kit-make'));
    expect(vault.page).toBe('kits');
    expect(vault.takeKitRequest()).toEqual({ action: 'make', keys: ['k2'] });
  });

  it('says so calmly when nothing is due', async () => {
    await show();
    expect(screen.getByTestId('due-empty')).toHaveTextContent('Nothing is overdue or due within 30 days.');
    expect(screen.getByTestId('count-overdue')).toHaveTextContent('0');
    expect(screen.queryByTestId('violations')).not.toBeInTheDocument();
    expect(screen.queryByTestId('unused')).not.toBeInTheDocument();
  });

  it('lists overdue and due-soon keys with the action that resolves each', async () => {
    const data = dashboard({
      due: [
        dueItem({ id: 'k1', name: 'Old signing key', urgency: 'overdue', days: 4, threshold: null }),
        dueItem({ id: 'k2', name: 'Laptop backup', kind: 'destruction', keyState: 'compromised', days: 2 }),
      ],
    });
    data.counts.overdue = 1;
    data.counts.soon = 1;
    const { vault, user } = await show(data);
    expect(screen.getByTestId('count-overdue')).toHaveTextContent('1');
    const items = screen.getAllByTestId('due-item');
    expect(items.map((i) => i.getAttribute('data-name'))).toEqual(['Old signing key', 'Laptop backup']);
    expect(items[0]).toHaveTextContent('4 days overdue');
    expect(within(items[1]).getByTestId('due-action')).toHaveTextContent('Review');

    // Rotate opens the key list on that key, with its rotate dialog.
    await user.click(within(items[0]).getByTestId('due-action'));
    expect(vault.page).toBe('home');
    expect(vault.takeKeyRequest()).toEqual({ id: 'k1', action: 'rotate' });
  });

  it('lists a kit due for a drill, without a snooze, and opens the drill of that kit', async () => {
    const item = dueItem({
      subject: 'kit',
      id: 'KW-28T5-CY4T',
      name: 'split kit of "Archive signing"',
      keyState: null,
      kind: 'drill',
    });
    const { vault, user } = await show(dashboard({ due: [item] }));
    const row = screen.getByTestId('due-item');
    expect(row).toHaveAttribute('data-subject', 'kit');
    expect(row).toHaveTextContent('split kit of "Archive signing"');
    expect(row).toHaveTextContent('Drill due');
    expect(within(row).queryByTestId('due-snooze-open')).not.toBeInTheDocument();
    await user.click(within(row).getByTestId('due-action'));
    expect(vault.page).toBe('kits');
    expect(vault.takeKitRequest()).toEqual({ action: 'drill', kit: 'KW-28T5-CY4T' });
  });

  it('shows a snooze with its date and reason', async () => {
    const snooze = { until: '2999-04-01T00:00:00Z', reason: 'Vendor ships the new HSM in March', by: 'alex', at: '' };
    await show(dashboard({ due: [dueItem({ snooze })] }));
    expect(screen.getByTestId('due-snooze')).toHaveTextContent('Vendor ships the new HSM in March');
    expect(screen.getByTestId('due-snooze')).toHaveTextContent('Snoozed until');
  });

  it('snoozes an item with a day and a reason, and shows the refusal of the shell', async () => {
    const due = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const item = dueItem({ id: 'k1', dueAt: due, days: 3 });
    let refuse = true;
    const { user } = await show(dashboard({ due: [item] }), {
      reminder_snooze: (args) => {
        if (refuse) throw { code: 'not_allowed', message: 'The policy allows snoozing at most 30 days.' };
        return dashboard({
          due: [{ ...item, snooze: { until: String(args.until), reason: String(args.reason), by: 'a', at: '' } }],
        });
      },
    });
    await user.click(screen.getByTestId('due-snooze-open'));
    expect(screen.getByTestId('snooze-until')).toHaveValue(
      new Date(new Date().getFullYear(), new Date().getMonth(), new Date().getDate() + 7).toLocaleDateString('sv'),
    );
    await user.type(screen.getByTestId('reason-input'), 'Vendor ships next week');
    await user.click(screen.getByTestId('reason-confirm'));
    expect(await screen.findByTestId('reason-error')).toHaveTextContent('at most 30 days');
    refuse = false;
    await user.click(screen.getByTestId('reason-confirm'));
    expect(await screen.findByTestId('due-snooze')).toHaveTextContent('Vendor ships next week');
    expect(screen.getByTestId('dashboard-notice')).toHaveTextContent('snoozed until');
    expect(screen.getByTestId('due-unsnooze')).toBeInTheDocument();
  });

  it('lists violations and unused keys, and links to the policy and the audit log', async () => {
    const data = dashboard({
      violations: [
        {
          keyId: 'k3',
          keyName: 'Legacy RSA',
          keyFingerprint: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
          keyState: 'active',
          findings: [{ severity: 'violation', code: 'algorithm-not-allowed', message: 'RSA-2048 is not allowed.' }],
        },
      ],
      unused: [
        {
          keyId: 'k4',
          keyName: 'Forgotten token',
          keyFingerprint: '',
          keyState: 'active',
          lastUsedAt: '2026-01-01T00:00:00Z',
        },
      ],
      recentAudit: [
        {
          seq: 7,
          at: '2027-03-01T08:00:00Z',
          actor: 'alex',
          action: 'key-rotated',
          keyId: 'k1',
          keyName: 'Old signing key',
          keyFingerprint: 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s',
          reason: 'r',
          outcome: 'success',
          detail: '',
        },
      ],
    });
    const { vault, user } = await show(data);
    expect(screen.getByTestId('violation')).toHaveTextContent('RSA-2048 is not allowed.');
    // Keys are named with their fingerprint, cut to 16 characters; none when there is none.
    const violating = within(screen.getByTestId('violation')).getByTestId('fingerprint');
    expect(violating).toHaveTextContent('9f86d081884c7d65…');
    expect(violating).toHaveAttribute('title', '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08');
    expect(within(screen.getByTestId('unused-key')).queryByTestId('fingerprint')).toBeNull();
    expect(screen.getByTestId('recent-entry').querySelector('.key')).toHaveAttribute(
      'title',
      'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s',
    );
    expect(screen.getByTestId('unused-key')).toHaveTextContent('Forgotten token');
    expect(screen.getByTestId('recent-entry')).toHaveTextContent('Key rotated');
    await user.click(screen.getByTestId('unused-review'));
    expect(vault.takeKeyRequest()).toEqual({ id: 'k4', action: null });
    await user.click(screen.getByTestId('dashboard-audit'));
    expect(vault.page).toBe('audit');
  });

  it('exports the calendar with key ids by default, and asks before replacing a file', async () => {
    let calls = 0;
    const { user } = await show(dashboard(), {
      calendar_export: (args) => {
        calls += 1;
        if (!args.overwrite) throw { code: 'file_exists', message: 'exists' };
        return { path: args.path, events: 3, names: false };
      },
    });
    await user.click(screen.getByTestId('calendar-open'));
    await user.type(screen.getByTestId('calendar-path'), '/home/a/due.ics');
    await user.click(screen.getByTestId('calendar-submit'));
    await user.click(await screen.findByRole('button', { name: 'Replace it' }));
    expect(await screen.findByTestId('calendar-saved')).toHaveTextContent('Saved 3 events');
    expect(calls).toBe(2);
    expect(callsTo('calendar_export')).toEqual([
      { path: '/home/a/due.ics', naming: 'ids', overwrite: false },
      { path: '/home/a/due.ics', naming: 'ids', overwrite: true },
    ]);
  });

  it('keeps a calendar file the person does not replace, shows why one was not written, and waits while writing', async () => {
    let finish = () => {};
    const { user } = await show(dashboard(), {
      calendar_export: (args) => {
        if (args.path === '/home/a/due.ics') throw { code: 'file_exists', message: 'exists' };
        if (args.path === '/home/a/locked.ics') {
          throw { code: 'io', message: 'Could not write /home/a/locked.ics: permission denied.' };
        }
        return new Promise((resolve) => {
          finish = () => resolve({ path: args.path, events: 1, names: true });
        });
      },
    });
    await user.click(screen.getByTestId('calendar-open'));
    await user.click(screen.getByTestId('calendar-names'));
    const path = screen.getByTestId('calendar-path');
    await user.type(path, '/home/a/due.ics');
    await user.click(screen.getByTestId('calendar-submit'));
    expect(await screen.findByRole('alertdialog')).toHaveTextContent('/home/a/due.ics already exists.');
    await user.click(screen.getByTestId('confirm-cancel'));
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(screen.queryByTestId('calendar-saved')).not.toBeInTheDocument();
    expect(callsTo('calendar_export')).toEqual([{ path: '/home/a/due.ics', naming: 'names', overwrite: false }]);
    await user.clear(path);
    await user.type(path, '/home/a/locked.ics');
    await user.click(screen.getByTestId('calendar-submit'));
    expect(await screen.findByTestId('calendar-error')).toHaveTextContent('permission denied');
    await user.clear(path);
    await user.type(path, '/home/a/new.ics');
    await user.click(screen.getByTestId('calendar-submit'));
    await vi.waitFor(() => expect(callsTo('calendar_export')).toHaveLength(3));
    expect(screen.getByTestId('calendar-submit')).toBeDisabled();
    expect(screen.getByTestId('calendar-submit')).toHaveAttribute('aria-busy', 'true');
    expect(path).toBeDisabled();
    expect(screen.queryByTestId('calendar-error')).not.toBeInTheDocument();
    finish();
    expect(await screen.findByTestId('calendar-saved')).toHaveTextContent('Saved 1 event to /home/a/new.ics.');
    expect(callsTo('calendar_export')).toEqual([
      { path: '/home/a/due.ics', naming: 'names', overwrite: false },
      { path: '/home/a/locked.ics', naming: 'names', overwrite: false },
      { path: '/home/a/new.ics', naming: 'names', overwrite: false },
    ]);
  });

  const report = (path: unknown, overrides = {}) => ({
    path,
    keys: 12,
    overdue: 1,
    dueSoon: 2,
    violations: 1,
    unused: 3,
    unescrowed: 3,
    auditIntact: true,
    ...overrides,
  });

  it('exports the review report where the person chooses, and asks before replacing a file', async () => {
    vi.mocked(save).mockResolvedValue('/home/a/review');
    const { user } = await show(dashboard(), {
      report_export: (args) => {
        if (!args.overwrite) throw { code: 'file_exists', message: 'exists' };
        return report(args.path);
      },
    });
    await user.click(screen.getByTestId('report-open'));
    await user.click(screen.getByTestId('report-format-html'));
    expect(screen.queryByTestId('report-paper-a4')).not.toBeInTheDocument();
    const days = screen.getByTestId('report-unused-days');
    expect(days).toHaveValue(90);
    await user.clear(days);
    await user.type(days, '30');
    expect(screen.getByTestId('report-save')).toBeDisabled();
    await user.click(screen.getByTestId('report-path-choose'));
    expect(save).toHaveBeenCalledWith(
      expect.objectContaining({
        defaultPath: expect.stringMatching(/^key-review-\d{4}-\d{2}-\d{2}\.html$/),
        filters: [{ name: 'HTML document', extensions: ['html', 'htm'] }],
      }),
    );
    expect(screen.getByTestId('report-path')).toHaveValue('/home/a/review.html');
    expect(callsTo('report_export')).toEqual([]);
    await user.click(screen.getByTestId('report-save'));
    await user.click(await screen.findByRole('button', { name: 'Replace it' }));
    expect(await screen.findByTestId('report-written')).toHaveTextContent(
      'Wrote /home/a/review.html: 12 keys, 1 overdue, 2 due soon, 1 policy violation, 3 unused keys, 3 keys with no current recovery kit, audit log intact.',
    );
    expect(screen.queryByTestId('report-audit-broken')).not.toBeInTheDocument();
    expect(callsTo('report_export')).toEqual([
      { path: '/home/a/review.html', format: 'html', paper: 'letter', unusedDays: 30, overwrite: false },
      { path: '/home/a/review.html', format: 'html', paper: 'letter', unusedDays: 30, overwrite: true },
    ]);
  });

  it('writes nothing when the save dialog is cancelled, and checks the unused window', async () => {
    vi.mocked(save).mockResolvedValue(null);
    const { user } = await show(dashboard(), { report_export: (args) => report(args.path) });
    await user.click(screen.getByTestId('report-open'));
    await user.click(screen.getByTestId('report-path-choose'));
    expect(save).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('report-path')).toHaveValue('');
    expect(screen.getByTestId('report-save')).toBeDisabled();
    expect(callsTo('report_export')).toEqual([]);
    await user.type(screen.getByTestId('report-path'), '/home/a/typed.html');
    expect(screen.getByTestId('report-save')).toBeEnabled();
    // A PDF by default; choosing a format gives the path its extension.
    expect(screen.getByTestId('report-format-pdf')).toBeChecked();
    await user.click(screen.getByTestId('report-format-pdf'));
    await user.click(screen.getByTestId('report-format-html'));
    expect(screen.getByTestId('report-path')).toHaveValue('/home/a/typed.html');
    await user.click(screen.getByTestId('report-format-pdf'));
    expect(screen.getByTestId('report-path')).toHaveValue('/home/a/typed.pdf');
    await user.clear(screen.getByTestId('report-unused-days'));
    await user.type(screen.getByTestId('report-unused-days'), '0');
    expect(screen.getByTestId('report-save')).toBeDisabled();
    expect(screen.getByText(/from 1 to 36,500/)).toBeInTheDocument();
  });

  it('shows why the report could not be written, and says so prominently when the audit log is broken', async () => {
    let refuse = true;
    const { user } = await show(dashboard(), {
      report_export: (args) => {
        if (refuse) throw { code: 'io', message: 'Could not write /home/a/key-review.html: permission denied.' };
        return report(args.path, { auditIntact: false });
      },
    });
    await user.click(screen.getByTestId('report-open'));
    await user.clear(screen.getByTestId('report-unused-days'));
    await user.type(screen.getByTestId('report-path'), '  /home/a/key-review.pdf ');
    await user.click(screen.getByTestId('report-paper-a4'));
    await user.click(screen.getByTestId('report-save'));
    expect(await screen.findByTestId('report-error')).toHaveTextContent('permission denied');
    refuse = false;
    await user.click(screen.getByTestId('report-save'));
    expect(await screen.findByTestId('report-audit-broken')).toHaveTextContent('The audit log does not verify.');
    expect(screen.getByTestId('report-written')).toHaveTextContent('audit log not intact');
    // Left empty, the window is the shell's default.
    expect(callsTo('report_export')).toEqual([
      { path: '/home/a/key-review.pdf', format: 'pdf', paper: 'a4', unusedDays: null, overwrite: false },
      { path: '/home/a/key-review.pdf', format: 'pdf', paper: 'a4', unusedDays: null, overwrite: false },
    ]);
    await user.click(screen.getByTestId('report-done'));
    expect(screen.queryByTestId('report-dialog')).not.toBeInTheDocument();
  });

  it('keeps a report file the person does not replace, and waits while writing over it', async () => {
    let finish = () => {};
    const { user } = await show(dashboard(), {
      report_export: (args) => {
        if (!args.overwrite) throw { code: 'file_exists', message: 'exists' };
        return new Promise((resolve) => {
          finish = () => resolve(report(args.path));
        });
      },
    });
    await user.click(screen.getByTestId('report-open'));
    await user.type(screen.getByTestId('report-path'), '/home/a/review.pdf');
    await user.click(screen.getByTestId('report-save'));
    expect(await screen.findByRole('alertdialog')).toHaveTextContent('/home/a/review.pdf already exists.');
    await user.click(screen.getByTestId('confirm-cancel'));
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(screen.queryByTestId('report-written')).not.toBeInTheDocument();
    expect(callsTo('report_export')).toEqual([
      { path: '/home/a/review.pdf', format: 'pdf', paper: 'letter', unusedDays: 90, overwrite: false },
    ]);
    await user.click(screen.getByTestId('report-save'));
    await user.click(await screen.findByRole('button', { name: 'Replace it' }));
    await vi.waitFor(() => expect(callsTo('report_export')).toHaveLength(3));
    expect(screen.getByTestId('report-save')).toBeDisabled();
    expect(screen.getByTestId('report-save')).toHaveAttribute('aria-busy', 'true');
    expect(screen.getByTestId('report-path')).toBeDisabled();
    expect(screen.getByTestId('report-unused-days')).toBeDisabled();
    finish();
    expect(await screen.findByTestId('report-written')).toHaveTextContent('Wrote /home/a/review.pdf: 12 keys');
    expect(callsTo('report_export')).toEqual([
      { path: '/home/a/review.pdf', format: 'pdf', paper: 'letter', unusedDays: 90, overwrite: false },
      { path: '/home/a/review.pdf', format: 'pdf', paper: 'letter', unusedDays: 90, overwrite: false },
      { path: '/home/a/review.pdf', format: 'pdf', paper: 'letter', unusedDays: 90, overwrite: true },
    ]);
  });

  it('shows why the dashboard could not load', async () => {
    const vault = new VaultStore();
    answer({ vault_status: () => unlocked(), dashboard: reject('vault_damaged', 'The vault file is damaged.') });
    await vault.load();
    render(Dashboard, { vault });
    expect(await screen.findByTestId('dashboard-error')).toHaveTextContent('The vault file is damaged.');
  });
});
