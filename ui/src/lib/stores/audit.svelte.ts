// The audit log as the Audit screen shows it: filters, the entries (newest first), and
// the result of the last verification.
import * as ipc from '$lib/ipc';
import { IpcError, type AuditCheck, type AuditEntry, type AuditOutcome } from '$lib/ipc';
import type { VaultStore } from './vault.svelte';

/** How many entries one page shows. */
export const AUDIT_LIMIT = 500;

/** Every action id of docs/ipc.md, with a label for people. */
export const AUDIT_ACTIONS: [id: string, label: string][] = [
  ['vault-created', 'Vault created'],
  ['unlocked', 'Unlocked'],
  ['unlock-failed', 'Unlock failed'],
  ['passphrase-changed', 'Passphrase changed'],
  ['settings-changed', 'Settings changed'],
  ['policy-changed', 'Policy changed'],
  ['key-generated', 'Key generated'],
  ['key-imported', 'Key imported'],
  ['key-updated', 'Key updated'],
  ['key-deleted', 'Key deleted'],
  ['state-changed', 'State changed'],
  ['key-rotated', 'Key rotated'],
  ['destruction-scheduled', 'Destruction scheduled'],
  ['destruction-cancelled', 'Destruction cancelled'],
  ['key-destroyed', 'Key destroyed'],
  ['secret-revealed', 'Secret revealed'],
  ['secret-exported', 'Secret exported'],
  ['public-exported', 'Public part exported'],
  ['audit-tampered', 'Tampering found'],
  ['reminder-snoozed', 'Reminder snoozed'],
  ['snooze-cancelled', 'Snooze ended early'],
  ['calendar-exported', 'Calendar exported'],
  ['report-exported', 'Report exported'],
  ['kit-created', 'Recovery kit made'],
  ['kit-status-changed', 'Recovery kit superseded or void'],
  ['kit-recovered', 'Keys restored from a kit'],
  ['kit-drilled', 'Recovery kit drilled'],
  ['vault-recovered', 'Vault opened with its recovery kit'],
];

export function actionLabel(id: string): string {
  return AUDIT_ACTIONS.find(([action]) => action === id)?.[1] ?? id;
}

/** A `yyyy-mm-dd` date input as the start of that day in UTC, or null when empty. */
export function dayStart(day: string): string | null {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? `${day}T00:00:00Z` : null;
}

/** The start of the day after a `yyyy-mm-dd` date (an exclusive end), or null. */
export function dayAfter(day: string): string | null {
  const start = dayStart(day);
  if (start === null) return null;
  const next = new Date(Date.parse(start) + 86_400_000);
  return next.toISOString().replace('.000Z', 'Z');
}

export class AuditStore {
  action = $state('');
  outcome = $state<AuditOutcome | ''>('');
  /** `yyyy-mm-dd`, inclusive; '' for no bound. */
  since = $state('');
  /** `yyyy-mm-dd`, inclusive; '' for no bound. */
  until = $state('');
  text = $state('');
  /** Only entries about this key (its id), or null. */
  key = $state<string | null>(null);

  entries = $state<AuditEntry[]>([]);
  loaded = $state(false);
  error = $state<IpcError | null>(null);
  check = $state<AuditCheck | null>(null);
  verifying = $state(false);
  verifyError = $state<IpcError | null>(null);

  #request = 0;

  constructor(private readonly vault: VaultStore) {}

  async refresh(): Promise<void> {
    const request = ++this.#request;
    try {
      const entries = await this.vault.run(() =>
        ipc.auditList({
          action: this.action || null,
          key: this.key,
          outcome: this.outcome || null,
          since: dayStart(this.since),
          until: dayAfter(this.until),
          text: this.text.trim() || null,
          limit: AUDIT_LIMIT,
        }),
      );
      if (request !== this.#request) return;
      this.entries = entries;
      this.error = null;
    } catch (reason) {
      if (request === this.#request) this.error = IpcError.from(reason);
    } finally {
      if (request === this.#request) this.loaded = true;
    }
  }

  clearFilters(): void {
    this.action = '';
    this.outcome = '';
    this.since = '';
    this.until = '';
    this.text = '';
    this.key = null;
  }

  async verify(): Promise<void> {
    this.verifying = true;
    this.verifyError = null;
    try {
      this.check = await this.vault.run(ipc.auditVerify);
    } catch (reason) {
      this.check = null;
      this.verifyError = IpcError.from(reason);
    } finally {
      this.verifying = false;
    }
  }
}
