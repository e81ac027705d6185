import { describe, expect, it } from 'vitest';
import { shortFingerprint } from './fingerprints';

describe('a short fingerprint', () => {
  it('keeps the kind and 16 characters of the value, as key list prints it', () => {
    expect(shortFingerprint('spki-sha256 b3e7342fb97bb3ded1163fca7c22c576')).toBe('spki-sha256 b3e7342fb97bb3de…');
    expect(shortFingerprint('kcv c26a5b316395660e')).toBe('kcv c26a5b316395660e');
    expect(shortFingerprint('SHA256:n4bQgYhMfWWaL+qgxVrQFaO')).toBe('SHA256:n4bQgYhMf…');
    expect(shortFingerprint('')).toBe('—');
  });
});
