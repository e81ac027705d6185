// Shows the contract's RFC 3339 timestamps in the person's locale and time zone.

const day = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const moment = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function parse(iso: string): Date | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "12 Mar 2025", or the raw text if it is not a timestamp. */
export function formatDay(iso: string): string {
  const date = parse(iso);
  return date ? day.format(date) : iso;
}

/** "12 Mar 2025, 14:05", or the raw text if it is not a timestamp. */
export function formatMoment(iso: string): string {
  const date = parse(iso);
  return date ? moment.format(date) : iso;
}

/** Whether the timestamp is before now. */
export function isPast(iso: string, now: Date = new Date()): boolean {
  const date = parse(iso);
  return date !== null && date.getTime() <= now.getTime();
}

/**
 * Whether the timestamp falls on or before the local calendar day `days` after today (0:
 * today), past ones included: the calendar days a person counts, as the dashboard's
 * "in 5 days" does, so a daylight-saving change moves no date across the line.
 */
export function isWithinDays(iso: string, days: number, now: Date = new Date()): boolean {
  const date = parse(iso);
  const end = new Date(now.getFullYear(), now.getMonth(), now.getDate() + days + 1);
  return date !== null && date.getTime() < end.getTime();
}
