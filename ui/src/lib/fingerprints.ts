// How a fingerprint is shown where room is short (a list row); key detail shows it whole.

/**
 * The first 16 characters of a fingerprint, as `keywarden key list` prints it:
 * `b3e7342fb97bb3de…`. A key check value has 16 and is shown whole.
 */
export function shortFingerprint(fingerprint: string): string {
  if (fingerprint === '') return '—';
  const chars = [...fingerprint];
  return chars.slice(0, 16).join('') + (chars.length > 16 ? '…' : '');
}
