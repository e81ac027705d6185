// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import { answer, callsTo, dashboard, dueItem, reject, unlocked } from '../../test/shell';
import {
  DashboardStore,
  calendarFileName,
  dueAction,
  isSnoozed,
  kindPhrase,
  dayStartInstant,
  latestSnooze,
  reportFileName,
  withReportExtension,
  reportSummary,
  snoozeBounds,
  stateCounts,
  suggestedSnoozeDay,
  whenLabel,
  zoneLabel,
} from './dashboard.svelte';
import { VaultStore } from './vault.svelte';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

async function setup() {
  const vault = new VaultStore();
  answer({ vault_status: () => unlocked() });
  await vault.load();
  return { vault, store: new DashboardStore(vault) };
}

describe('dashboard items', () => {
  it('say how near the date is', () => {
    expect(whenLabel(dueItem({ urgency: 'overdue', days: 3, threshold: null }))).toBe('3 days overdue');
    expect(whenLabel(dueItem({ urgency: 'overdue', days: 1, threshold: null }))).toBe('1 day overdue');
    expect(whenLabel(dueItem({ urgency: 'overdue', days: 0, threshold: null }))).toBe('Overdue since today');
    expect(whenLabel(dueItem({ days: 0 }))).toBe('Due today');
    expect(whenLabel(dueItem({ days: 1 }))).toBe('Due tomorrow');
    expect(whenLabel(dueItem({ days: 12 }))).toBe('In 12 days');
  });

  it('offer the action that resolves them', () => {
    expect(dueAction(dueItem())).toEqual({ kind: 'rotate', label: 'Rotate' });
    expect(dueAction(dueItem({ kind: 'usage-end' }))).toEqual({ kind: 'rotate', label: 'Rotate' });
    // A suspended key cannot be rotated: open it instead.
    expect(dueAction(dueItem({ keyState: 'suspended' }))).toEqual({ kind: 'open', label: 'Open key' });
    // A scheduled destruction is reviewed on the key, where it can be cancelled.
    expect(dueAction(dueItem({ kind: 'destruction', keyState: 'compromised' }))).toEqual({
      kind: 'open',
      label: 'Review',
    });
    // A kit's drill is resolved by drilling the kit.
    const drill = dueItem({ subject: 'kit', id: 'KW-28T5-CY4T', kind: 'drill', keyState: null });
    expect(dueAction(drill)).toEqual({ kind: 'drill', label: 'Drill' });
    expect(kindPhrase('drill')).toBe('Drill due');
    expect(kindPhrase('destruction')).toBe('Scheduled for destruction');
    expect(kindPhrase('usage-end')).toBe('Originator use ends');
  });

  it('are snoozed only until the snooze ends', () => {
    const now = new Date('2027-03-01T09:00:00Z');
    const snooze = { until: '2027-03-10T00:00:00Z', reason: 'Waiting for the vendor', by: 'alex', at: '' };
    expect(isSnoozed(dueItem(), now)).toBe(false);
    expect(isSnoozed(dueItem({ snooze }), now)).toBe(true);
    expect(isSnoozed(dueItem({ snooze }), new Date('2027-03-10T00:00:00Z'))).toBe(false);
    expect(latestSnooze(dueItem({ dueAt: '2027-03-06T09:00:00Z' }), 30).toISOString()).toBe('2027-04-05T09:00:00.000Z');
  });

  it('count keys only in the states that have some', () => {
    const d = dashboard();
    d.counts.byState[1].count = 3;
    d.counts.byState[4].count = 1;
    expect(stateCounts(d)).toEqual([
      { state: 'active', count: 3 },
      { state: 'compromised', count: 1 },
    ]);
    expect(calendarFileName(new Date(2027, 2, 1))).toBe('keywarden-due-2027-03-01.ics');
    expect(reportFileName('html', new Date(2027, 2, 1))).toBe('key-review-2027-03-01.html');
    expect(reportFileName('pdf', new Date(2027, 2, 1))).toBe('key-review-2027-03-01.pdf');
    expect(withReportExtension('/home/a/review.html', 'pdf')).toBe('/home/a/review.pdf');
    expect(withReportExtension('/home/a/Review.HTM', 'pdf')).toBe('/home/a/Review.pdf');
    expect(withReportExtension('/home/a/review.PDF', 'html')).toBe('/home/a/review.html');
    expect(withReportExtension('/home/a/review', 'pdf')).toBe('/home/a/review.pdf');
    expect(withReportExtension('', 'pdf')).toBe('');
    expect(zoneLabel('Etc/UTC')).toBe('UTC');
    expect(zoneLabel('Europe/Berlin')).toBe('Europe/Berlin');
  });
});

describe('snoozing', () => {
  it('is bounded by tomorrow and the policy’s longest snooze past the due date', () => {
    const now = new Date(2027, 2, 1, 9, 0);
    const item = dueItem({ dueAt: new Date(2027, 2, 6, 9, 0).toISOString() });
    expect(snoozeBounds(item, 30, now)).toEqual({ min: '2027-03-02', max: '2027-04-05' });
    expect(suggestedSnoozeDay({ min: '2027-03-02', max: '2027-04-05' }, now)).toBe('2027-03-08');
    expect(suggestedSnoozeDay({ min: '2027-03-02', max: '2027-03-04' }, now)).toBe('2027-03-04');
    expect(snoozeBounds(item, 0, now)).toBeNull();
    // Long overdue: the longest snooze has passed.
    const old = dueItem({ dueAt: new Date(2027, 0, 1, 9, 0).toISOString(), urgency: 'overdue' });
    expect(snoozeBounds(old, 30, now)).toBeNull();
  });

  it('ends at the start of the chosen local day', () => {
    expect(dayStartInstant('2027-03-08')).toBe(new Date(2027, 2, 8).toISOString().replace('.000Z', 'Z'));
    expect(dayStartInstant('next week')).toBeNull();
  });
});

describe('DashboardStore', () => {
  it('loads, and puts snoozed items after the others', async () => {
    const { store } = await setup();
    const snooze = { until: '2999-01-01T00:00:00Z', reason: 'r', by: 'alex', at: '' };
    const due = [
      dueItem({ name: 'A', urgency: 'overdue', days: 2, threshold: null, snooze }),
      dueItem({ name: 'B', urgency: 'overdue', days: 1, threshold: null }),
      dueItem({ name: 'C' }),
    ];
    answer({ dashboard: () => dashboard({ due }) });
    await store.load();
    expect(store.attention.map((d) => d.name)).toEqual(['B', 'C', 'A']);
    expect(store.error).toBeNull();
  });

  it('keeps the error, and follows a locked vault to the Unlock screen', async () => {
    const { vault, store } = await setup();
    answer({ dashboard: reject('locked', 'The vault is locked. Unlock it first.') });
    await store.load();
    expect(store.error?.code).toBe('locked');
    expect(vault.screen).toBe('unlock');
  });

  it('exports the calendar and reloads, so the export shows among the recent entries', async () => {
    const { store } = await setup();
    answer({
      calendar_export: () => ({ path: '/home/a/due.ics', events: 2, names: false }),
      dashboard: () => dashboard(),
    });
    const done = await store.exportCalendar('/home/a/due.ics', 'ids');
    expect(done.events).toBe(2);
    expect(callsTo('calendar_export')).toEqual([{ path: '/home/a/due.ics', naming: 'ids', overwrite: false }]);
    await vi.waitFor(() => expect(callsTo('dashboard')).toHaveLength(1));
  });
});

describe('the review report', () => {
  const written = {
    path: '/home/a/key-review.html',
    keys: 12,
    overdue: 1,
    dueSoon: 2,
    violations: 1,
    unused: 3,
    unescrowed: 3,
    auditIntact: true,
  };

  it('sums up what it found in a line', () => {
    expect(reportSummary(written)).toBe(
      '12 keys, 1 overdue, 2 due soon, 1 policy violation, 3 unused keys, 3 keys with no current recovery kit, audit log intact',
    );
    expect(reportSummary({ ...written, keys: 1, violations: 0, unused: 1, unescrowed: 1, auditIntact: false })).toBe(
      '1 key, 1 overdue, 2 due soon, 0 policy violations, 1 unused key, 1 key with no current recovery kit, audit log not intact',
    );
  });

  it('is written with the unused window, and the dashboard reloads to show the export', async () => {
    const { store } = await setup();
    answer({ report_export: () => written, dashboard: () => dashboard() });
    const done = await store.exportReport('/home/a/key-review.pdf', 'pdf', 'letter', 30);
    expect(done).toEqual(written);
    expect(callsTo('report_export')).toEqual([
      { path: '/home/a/key-review.pdf', format: 'pdf', paper: 'letter', unusedDays: 30, overwrite: false },
    ]);
    await vi.waitFor(() => expect(callsTo('dashboard')).toHaveLength(1));
  });

  it('replaces a file only when asked, and passes the refusal on', async () => {
    const { store } = await setup();
    answer({
      report_export: (args) => {
        if (!args.overwrite) throw { code: 'file_exists', message: '/home/a/key-review.html already exists.' };
        return written;
      },
      dashboard: () => dashboard(),
    });
    await expect(store.exportReport('/home/a/key-review.html', 'html', 'a4')).rejects.toMatchObject({
      code: 'file_exists',
    });
    await expect(store.exportReport('/home/a/key-review.html', 'html', 'a4', null, true)).resolves.toEqual(written);
    expect(callsTo('report_export')).toEqual([
      { path: '/home/a/key-review.html', format: 'html', paper: 'a4', unusedDays: null, overwrite: false },
      { path: '/home/a/key-review.html', format: 'html', paper: 'a4', unusedDays: null, overwrite: true },
    ]);
  });
});

describe('DashboardStore snoozes', () => {
  it('sends the start of the chosen day and shows the dashboard it answers', async () => {
    const { store } = await setup();
    const item = dueItem({ id: 'k1', kind: 'usage-end' });
    const after = dashboard({ due: [{ ...item, snooze: { until: 'x', reason: 'r', by: 'a', at: 'y' } }] });
    answer({ reminder_snooze: () => after, reminder_cancel_snooze: () => dashboard() });
    await store.snooze(item, '2027-03-08', 'Waiting for the vendor');
    expect(callsTo('reminder_snooze')).toEqual([
      { id: 'k1', kind: 'usage-end', until: dayStartInstant('2027-03-08'), reason: 'Waiting for the vendor' },
    ]);
    expect(store.data).toEqual(after);
    await expect(store.snooze(item, '', 'r')).rejects.toMatchObject({ code: 'invalid_input' });
    await store.cancelSnooze(item, 'It arrived');
    expect(callsTo('reminder_cancel_snooze')).toEqual([{ id: 'k1', kind: 'usage-end', reason: 'It arrived' }]);
    expect(store.data?.due).toEqual([]);
  });
});
