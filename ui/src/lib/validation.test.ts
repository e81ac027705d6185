// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  addTags,
  autoLockProblem,
  charCount,
  confirmationDiffers,
  keyNameProblem,
  newPassphraseProblem,
  notesProblem,
  splitTags,
  tagProblem,
  tagsProblem,
  unusedDaysProblem,
} from './validation';

describe('key names', () => {
  it('needs 1 to 200 characters after trimming', () => {
    expect(keyNameProblem('')).not.toBeNull();
    expect(keyNameProblem('   ')).not.toBeNull();
    expect(keyNameProblem('a')).toBeNull();
    expect(keyNameProblem(`  ${'a'.repeat(200)}  `)).toBeNull();
    expect(keyNameProblem('a'.repeat(201))).toMatch(/200/);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(charCount('🔑')).toBe(1);
    expect(keyNameProblem('🔑'.repeat(200))).toBeNull();
    expect(keyNameProblem('🔑'.repeat(201))).not.toBeNull();
  });
});

describe('notes', () => {
  it('allows up to 10,000 characters', () => {
    expect(notesProblem('')).toBeNull();
    expect(notesProblem('n'.repeat(10_000))).toBeNull();
    expect(notesProblem('n'.repeat(10_001))).toMatch(/10,000/);
  });
});

describe('tags', () => {
  it('splits on commas, trims, and drops empties', () => {
    expect(splitTags(' prod, payments ,, eu-west ,')).toEqual(['prod', 'payments', 'eu-west']);
    expect(splitTags('   ')).toEqual([]);
  });

  it('adds without duplicates, keeping order', () => {
    expect(addTags(['a', 'b'], ['b', 'c', 'a', 'd'])).toEqual(['a', 'b', 'c', 'd']);
  });

  it('each tag is 1 to 64 characters without commas', () => {
    expect(tagProblem('')).not.toBeNull();
    expect(tagProblem('a,b')).toMatch(/comma/);
    expect(tagProblem('t'.repeat(64))).toBeNull();
    expect(tagProblem('t'.repeat(65))).toMatch(/64/);
  });

  it('allows at most 32 tags', () => {
    const tags = Array.from({ length: 32 }, (_, i) => `t${i}`);
    expect(tagsProblem(tags)).toBeNull();
    expect(tagsProblem([...tags, 'one more'])).toMatch(/32/);
    expect(tagsProblem(['ok', 'x'.repeat(65)])).toMatch(/64/);
  });
});

describe('new passphrases', () => {
  it('need at least 12 characters', () => {
    expect(newPassphraseProblem('eleven chrs', 'eleven chrs')).toMatch(/12/);
    expect(newPassphraseProblem('twelve chars', 'twelve chars')).toBeNull();
  });

  it('must match the confirmation', () => {
    expect(newPassphraseProblem('twelve chars', 'twelve chars!')).toMatch(/match/);
  });

  it('flag a differing confirmation only once both are worth comparing', () => {
    expect(confirmationDiffers('twelve chars', '')).toBe(false);
    expect(confirmationDiffers('short', 'shorter')).toBe(false);
    expect(confirmationDiffers('twelve chars', 'twelve')).toBe(true);
    expect(confirmationDiffers('twelve chars', 'twelve chars')).toBe(false);
  });
});

describe('auto-lock minutes', () => {
  it('are whole numbers from 1 to 1440', () => {
    expect(autoLockProblem(1)).toBeNull();
    expect(autoLockProblem(1440)).toBeNull();
    for (const bad of [0, 1441, 2.5, Number.NaN, -3]) expect(autoLockProblem(bad)).not.toBeNull();
  });
});

describe('a report’s unused window', () => {
  it('is a whole number of days from 1 to 36500, or left empty for the default', () => {
    expect(unusedDaysProblem(null)).toBeNull();
    expect(unusedDaysProblem(1)).toBeNull();
    expect(unusedDaysProblem(36500)).toBeNull();
    for (const bad of [0, 36501, 7.5, Number.NaN, -1]) expect(unusedDaysProblem(bad)).toContain('1 to 36,500');
  });
});
