// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, IpcError } from './error';

describe('IpcError', () => {
  it('keeps every contract code', () => {
    for (const code of ERROR_CODES) {
      const error = IpcError.from({ code, message: 'Something.' });
      expect(error.code).toBe(code);
      expect(error.message).toBe('Something.');
    }
  });

  it('is an Error with its own name', () => {
    const error = new IpcError('io', 'Disk full.');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('IpcError');
  });

  it('returns an IpcError unchanged', () => {
    const error = new IpcError('locked', 'Locked.');
    expect(IpcError.from(error)).toBe(error);
  });

  it('treats an empty message as not from the contract', () => {
    expect(IpcError.from({ code: 'io', message: ' ' }).code).toBe('internal');
  });

  it('ignores null', () => {
    expect(IpcError.from(null).code).toBe('internal');
  });
});
