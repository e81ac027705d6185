import { describe, expect, it } from 'vitest';
import { shortFingerprint } from './fingerprints';

describe('a short fingerprint', () => {
  it('keeps 16 characters, as key list prints it', () => {
    expect(shortFingerprint('b3e7342fb97bb3ded1163fca7c22c576')).toBe('b3e7342fb97bb3de…');
    expect(shortFingerprint('c26a5b316395660e')).toBe('c26a5b316395660e');
    expect(shortFingerprint('')).toBe('—');
  });
});
