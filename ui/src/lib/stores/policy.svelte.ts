// The vault's policy for the Policy screen: read it, change one setting with a reason.
import * as ipc from '$lib/ipc';
import { IpcError, type Policy } from '$lib/ipc';
import type { VaultStore } from './vault.svelte';

/** The security strengths a policy may ask for (SP 800-57 Part 1, Table 2). */
export const STRENGTHS = [112, 128, 192, 256] as const;
export const CRYPTOPERIOD_MAX = 3650;
export const DESTRUCTION_WAIT_MAX = 365;
/** The policy's limits on reminders (crates/keywarden-core/src/policy.rs). */
export const MAX_REMINDERS = 8;
export const REMINDER_DAY_MAX = 365;
export const MAX_SNOOZE_MAX = 180;
export const DRILL_DAYS_MIN = 7;
export const DRILL_DAYS_MAX = 1826;

/** What is wrong with a `reminder-days` value ("30, 14, 7, 1"), or null. */
export function reminderDaysProblem(text: string): string | null {
  const parts = text
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '');
  const days = parts.map(Number);
  if (
    parts.length === 0 ||
    parts.some((d) => !/^\d+$/.test(d)) ||
    days.some((d) => d < 1 || d > REMINDER_DAY_MAX) ||
    new Set(days).size > MAX_REMINDERS
  ) {
    return `Give one to ${MAX_REMINDERS} whole numbers of days from 1 to ${REMINDER_DAY_MAX}, separated by commas.`;
  }
  return null;
}

export class PolicyStore {
  policy = $state<Policy | null>(null);
  error = $state<IpcError | null>(null);

  constructor(private readonly vault: VaultStore) {}

  async load(): Promise<void> {
    try {
      this.policy = await this.vault.run(ipc.policyGet);
      this.error = null;
    } catch (reason) {
      this.error = IpcError.from(reason);
    }
  }

  /** Changes one setting (`min-strength`, `allowed-algorithms`, `destruction-wait-days`, `cryptoperiod.<purpose>`, `reminder-days`, `max-snooze-days`). */
  async set(name: string, value: string, reason: string): Promise<void> {
    this.policy = await this.vault.run(() => ipc.policySet(name, value, reason));
  }
}
