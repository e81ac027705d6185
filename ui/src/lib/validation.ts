// Input rules mirrored from docs/ipc.md so people get feedback before a round trip.
// Rust still validates everything; these only decide what the UI flags and disables.

export const NAME_MAX = 200;
export const NOTES_MAX = 10_000;
export const TAGS_MAX = 32;
export const TAG_MAX = 64;
export const PASSPHRASE_MIN = 12;
export const AUTO_LOCK_MIN = 1;
export const AUTO_LOCK_MAX = 1440;
export const CLIPBOARD_CLEAR_MIN = 5;
export const CLIPBOARD_CLEAR_MAX = 600;
export const REASON_MAX = 1000;
export const PERSON_MAX = 200;
export const ROTATION_DAYS_MAX = 3650;
export const UNUSED_DAYS_MIN = 1;
export const UNUSED_DAYS_MAX = 36500;
export const UNUSED_DAYS_DEFAULT = 90;

/** Length in Unicode code points, as Rust's `chars().count()` measures it. */
export function charCount(text: string): number {
  return [...text].length;
}

/** Why a key name is not acceptable, or null when it is. */
export function keyNameProblem(name: string): string | null {
  const length = charCount(name.trim());
  if (length === 0) return 'Give the key a name.';
  if (length > NAME_MAX) return `Names are at most ${NAME_MAX} characters.`;
  return null;
}

export function notesProblem(notes: string): string | null {
  return charCount(notes) > NOTES_MAX ? `Notes are at most ${NOTES_MAX.toLocaleString('en')} characters.` : null;
}

/** Why one tag (already trimmed) is not acceptable, or null when it is. */
export function tagProblem(tag: string): string | null {
  if (tag.length === 0) return 'Tags cannot be empty.';
  if (tag.includes(',')) return 'Tags cannot contain commas.';
  if (charCount(tag) > TAG_MAX) return `Tags are at most ${TAG_MAX} characters.`;
  return null;
}

export function tagsProblem(tags: readonly string[]): string | null {
  if (tags.length > TAGS_MAX) return `A key can have at most ${TAGS_MAX} tags.`;
  for (const tag of tags) {
    const problem = tagProblem(tag);
    if (problem) return problem;
  }
  return null;
}

/** Splits typed text on commas into trimmed, non-empty tags. */
export function splitTags(text: string): string[] {
  return text
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}

/** Adds tags to a list, skipping ones already present. */
export function addTags(tags: readonly string[], added: readonly string[]): string[] {
  const result = [...tags];
  for (const tag of added) if (!result.includes(tag)) result.push(tag);
  return result;
}

/** Why a new passphrase and its confirmation cannot be used, or null when they can. */
export function newPassphraseProblem(passphrase: string, confirmation: string): string | null {
  if (charCount(passphrase) < PASSPHRASE_MIN) return `Use at least ${PASSPHRASE_MIN} characters.`;
  if (passphrase !== confirmation) return 'The two passphrases do not match.';
  return null;
}

/** True once a long-enough passphrase and a typed confirmation differ: worth saying so. */
export function confirmationDiffers(passphrase: string, confirmation: string): boolean {
  return confirmation !== '' && charCount(passphrase) >= PASSPHRASE_MIN && passphrase !== confirmation;
}

export function autoLockProblem(minutes: number): string | null {
  if (!Number.isInteger(minutes) || minutes < AUTO_LOCK_MIN || minutes > AUTO_LOCK_MAX) {
    return `Choose a whole number of minutes from ${AUTO_LOCK_MIN} to ${AUTO_LOCK_MAX}.`;
  }
  return null;
}

/** Why a clipboard wait cannot be used, or null when it can. */
export function clipboardClearProblem(seconds: number): string | null {
  if (!Number.isInteger(seconds) || seconds < CLIPBOARD_CLEAR_MIN || seconds > CLIPBOARD_CLEAR_MAX) {
    return `Choose a whole number of seconds from ${CLIPBOARD_CLEAR_MIN} to ${CLIPBOARD_CLEAR_MAX}.`;
  }
  return null;
}

/** Why a reason for an audited change cannot be used, or null when it can. */
export function reasonProblem(reason: string): string | null {
  const length = charCount(reason.trim());
  if (length === 0) return 'Say why; the reason is kept in the audit log.';
  if (length > REASON_MAX) return `A reason has at most ${REASON_MAX.toLocaleString('en')} characters.`;
  return null;
}

/** Why an owner or custodian name cannot be used, or null when it can. */
export function personProblem(name: string): string | null {
  return charCount(name.trim()) > PERSON_MAX ? `Names of people are at most ${PERSON_MAX} characters.` : null;
}

/** Why a rotation interval (typed text; empty means the policy's) cannot be used. */
export function rotationDaysProblem(text: string): string | null {
  if (text.trim() === '') return null;
  const days = Number(text);
  if (!Number.isInteger(days) || days < 1 || days > ROTATION_DAYS_MAX) {
    return `Choose a whole number of days from 1 to ${ROTATION_DAYS_MAX.toLocaleString('en')}, or leave it empty.`;
  }
  return null;
}

/** Why a report's unused window (in days; null, left empty, means the default) cannot be used. */
export function unusedDaysProblem(days: number | null): string | null {
  if (days === null) return null;
  if (!Number.isInteger(days) || days < UNUSED_DAYS_MIN || days > UNUSED_DAYS_MAX) {
    return `Choose a whole number of days from ${UNUSED_DAYS_MIN} to ${UNUSED_DAYS_MAX.toLocaleString('en')}, or leave it empty for ${UNUSED_DAYS_DEFAULT}.`;
  }
  return null;
}
