// How a fingerprint is shown where room is short (a list row); key detail shows it whole.

/**
 * The fingerprint's kind and the first 16 characters of its value, as `keywarden key list`
 * prints it: `spki-sha256 b3e7342fb97bb3de…`. A key check value has 16 and is shown whole.
 */
export function shortFingerprint(fingerprint: string): string {
  if (fingerprint === '') return '—';
  const space = fingerprint.indexOf(' ');
  const kind = space < 0 ? '' : fingerprint.slice(0, space);
  const value = [...(space < 0 ? fingerprint : fingerprint.slice(space + 1))];
  const short = value.slice(0, 16).join('') + (value.length > 16 ? '…' : '');
  return kind === '' ? short : `${kind} ${short}`;
}
