// The dashboard: what falls due, policy violations, unused keys and recent activity, the
// calendar export and the review report. The wording of each item and the action that resolves it are
// plain functions, so they are tested without a screen.
import * as ipc from '$lib/ipc';
import {
  IpcError,
  type CalendarExport,
  type CalendarNaming,
  type Dashboard,
  type DueItem,
  type DueKind,
  type KeyState,
  type Paper,
  type ReportExport,
  type ReportFormat,
} from '$lib/ipc';
import type { VaultStore } from './vault.svelte';

/** What resolves a dashboard item: rotate the key, open it to review, or drill the kit. */
export interface ItemAction {
  kind: 'rotate' | 'open' | 'drill';
  label: string;
}

const KIND_LABEL: Record<DueKind, string> = {
  rotation: 'Rotation',
  'usage-end': 'End of use',
  destruction: 'Destruction',
  drill: 'Kit drill',
};

export function kindLabel(kind: DueKind): string {
  return KIND_LABEL[kind] ?? kind;
}

/** What the item is, in a few words: "Rotation due", "Use ends", "Will be destroyed". */
export function kindPhrase(kind: DueKind): string {
  switch (kind) {
    case 'rotation':
      return 'Rotation due';
    case 'usage-end':
      return 'Originator use ends';
    case 'destruction':
      return 'Scheduled for destruction';
    case 'drill':
      return 'Drill due';
  }
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** How near the date is: "3 days overdue", "Due today", "In 5 days". */
export function whenLabel(item: DueItem): string {
  if (item.urgency === 'overdue') {
    return item.days === 0 ? 'Overdue since today' : `${plural(item.days, 'day')} overdue`;
  }
  if (item.days === 0) return 'Due today';
  if (item.days === 1) return 'Due tomorrow';
  return `In ${plural(item.days, 'day')}`;
}

/**
 * The action that resolves an item: a rotation (or the end of originator use) is resolved
 * by rotating an active key; a scheduled destruction is reviewed on the key, where it can
 * be cancelled; a kit's drill is resolved by drilling it; anything else opens the key.
 */
export function dueAction(item: DueItem): ItemAction {
  if (item.kind === 'drill') return { kind: 'drill', label: 'Drill' };
  if ((item.kind === 'rotation' || item.kind === 'usage-end') && item.keyState === 'active') {
    return { kind: 'rotate', label: 'Rotate' };
  }
  if (item.kind === 'destruction') return { kind: 'open', label: 'Review' };
  return { kind: 'open', label: 'Open key' };
}

/** Whether the item's reminder is snoozed at `now`. */
export function isSnoozed(item: DueItem, now: Date = new Date()): boolean {
  return item.snooze !== null && new Date(item.snooze.until).getTime() > now.getTime();
}

/** The latest day a reminder may be snoozed to: `maxSnoozeDays` past its due date. */
export function latestSnooze(item: DueItem, maxSnoozeDays: number): Date {
  return new Date(new Date(item.dueAt).getTime() + maxSnoozeDays * 86_400_000);
}

/** A time zone as people say it: `Etc/UTC` is just UTC. */
export function zoneLabel(zone: string): string {
  return /^(Etc\/)?(UTC|UCT|Universal|Zulu|GMT)$/.test(zone) ? 'UTC' : zone;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A local calendar day as `yyyy-mm-dd`, as a date input takes it. */
export function localDay(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The start of a local `yyyy-mm-dd` day as RFC 3339 in UTC, or null if it is not a day. */
export function dayStartInstant(day: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const date = new Date(`${day}T00:00:00`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The days a reminder may be snoozed to, as `yyyy-mm-dd`: from tomorrow to the last day
 * whose start is within `maxSnoozeDays` past the due date. Null when it cannot be snoozed
 * (the policy allows no snoozing, or that limit has passed).
 */
export function snoozeBounds(
  item: DueItem,
  maxSnoozeDays: number,
  now: Date = new Date(),
): { min: string; max: string } | null {
  if (maxSnoozeDays <= 0) return null;
  const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  const latest = latestSnooze(item, maxSnoozeDays);
  const lastDay = new Date(latest.getFullYear(), latest.getMonth(), latest.getDate());
  if (lastDay < tomorrow) return null;
  return { min: localDay(tomorrow), max: localDay(lastDay) };
}

/** The day a snooze dialog suggests: a week from now, within the bounds. */
export function suggestedSnoozeDay(bounds: { min: string; max: string }, now: Date = new Date()): string {
  const week = localDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() + 7));
  return week > bounds.max ? bounds.max : week < bounds.min ? bounds.min : week;
}

/** Keys per state, leaving out the states no key is in. */
export function stateCounts(dashboard: Dashboard): { state: KeyState; count: number }[] {
  return dashboard.counts.byState.filter((s) => s.count > 0);
}

/** A file name to suggest for the calendar: `keywarden-due-2027-03-01.ics`. */
export function calendarFileName(now: Date = new Date()): string {
  return `keywarden-due-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.ics`;
}

/** A file name to suggest for the review report: `key-review-2027-03-01.html`. */
export function reportFileName(format: ReportFormat, now: Date = new Date()): string {
  return `key-review-${localDay(now)}.${format}`;
}

/** `path` with the extension of `format` in place of a report's other one (or none yet). */
export function withReportExtension(path: string, format: ReportFormat): string {
  const trimmed = path.trim();
  if (trimmed === '') return path;
  const bare = trimmed.replace(/\.(html?|pdf)$/i, '');
  return `${bare}.${format}`;
}

/**
 * The numbers of a written report in a line: "12 keys, 1 overdue, 2 due soon, 1 policy
 * violation, 3 unused keys, 3 keys with no current recovery kit, audit log intact".
 */
export function reportSummary(done: ReportExport): string {
  return [
    plural(done.keys, 'key'),
    `${done.overdue} overdue`,
    `${done.dueSoon} due soon`,
    plural(done.violations, 'policy violation'),
    plural(done.unused, 'unused key'),
    `${plural(done.unescrowed, 'key')} with no current recovery kit`,
    done.auditIntact ? 'audit log intact' : 'audit log not intact',
  ].join(', ');
}

export class DashboardStore {
  data = $state<Dashboard | null>(null);
  error = $state<IpcError | null>(null);
  loading = $state(false);

  /** Overdue items first, then soon; snoozed items last, in the same order. */
  readonly attention = $derived.by(() => {
    const due = this.data?.due ?? [];
    return [...due.filter((d) => !isSnoozed(d)), ...due.filter((d) => isSnoozed(d))];
  });

  constructor(private readonly vault: VaultStore) {}

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.data = await this.vault.run(ipc.dashboard);
      this.error = null;
    } catch (reason) {
      this.error = IpcError.from(reason);
    } finally {
      this.loading = false;
    }
  }

  /** Snoozes an item's reminders until the start of local day `day` (`yyyy-mm-dd`). */
  async snooze(item: DueItem, day: string, reason: string): Promise<void> {
    const until = dayStartInstant(day);
    if (until === null) throw new IpcError('invalid_input', 'Choose the day the reminders come back.');
    this.data = await this.vault.run(() => ipc.reminderSnooze(item.id, item.kind, until, reason));
  }

  async cancelSnooze(item: DueItem, reason: string): Promise<void> {
    this.data = await this.vault.run(() => ipc.reminderCancelSnooze(item.id, item.kind, reason));
  }

  /** Writes the calendar to `path`; `file_exists` unless `overwrite`. */
  async exportCalendar(path: string, naming: CalendarNaming, overwrite = false): Promise<CalendarExport> {
    const done = await this.vault.run(() => ipc.calendarExport(path, naming, overwrite));
    // The export is in the audit log: the recent entries changed.
    void this.load();
    return done;
  }

  /**
   * Writes the review report to `path` as `format` (a PDF on `paper`); `unusedDays` null: 90.
   * `file_exists` unless `overwrite`.
   */
  async exportReport(
    path: string,
    format: ReportFormat,
    paper: Paper,
    unusedDays: number | null = null,
    overwrite = false,
  ): Promise<ReportExport> {
    const done = await this.vault.run(() => ipc.reportExport(path, format, paper, unusedDays, overwrite));
    // The export is in the audit log: the recent entries changed.
    void this.load();
    return done;
  }
}
