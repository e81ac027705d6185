// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import { FileSave } from './filesave.svelte';

/** A writer that answers only when the test calls `finish`. */
function held() {
  let finish = () => {};
  const writer = vi.fn(
    (path: string) =>
      new Promise<string>((resolve) => {
        finish = () => resolve(`wrote ${path}`);
      }),
  );
  return { writer, finish: () => finish() };
}

describe('FileSave', () => {
  it('writes to the trimmed path, busy until the writer answers, and keeps what it returned', async () => {
    const { writer, finish } = held();
    const file = new FileSave(writer);
    const saving = file.save('  /home/a/due.ics ');
    expect(file.busy).toBe(true);
    // A second submit while the first is written, or an empty path, writes nothing.
    await file.save('/home/a/other.ics');
    await file.save('   ');
    finish();
    await saving;
    expect(file.busy).toBe(false);
    expect(writer.mock.calls).toEqual([['/home/a/due.ics', false]]);
    expect(file.done).toBe('wrote /home/a/due.ics');
    expect(file.error).toBeNull();
    expect(file.replacing).toBeNull();
  });

  it('asks before replacing a file that exists, and writes over it only once the person agrees', async () => {
    const writer = vi.fn(async (path: string, overwrite: boolean) => {
      if (!overwrite) throw { code: 'file_exists', message: 'It exists.' };
      return path;
    });
    const file = new FileSave(writer);
    await file.save('/home/a/review.html');
    expect(file.replacing).toBe('/home/a/review.html');
    expect(file.error).toBeNull();
    expect(file.done).toBeNull();
    file.keep();
    expect(file.replacing).toBeNull();
    await file.replace();
    expect(writer.mock.calls).toEqual([['/home/a/review.html', false]]);
    await file.save('/home/a/review.html');
    await file.replace();
    expect(writer.mock.calls).toEqual([
      ['/home/a/review.html', false],
      ['/home/a/review.html', false],
      ['/home/a/review.html', true],
    ]);
    expect(file.replacing).toBeNull();
    expect(file.done).toBe('/home/a/review.html');
  });

  it('says why the file was not written, and forgets it on the next try', async () => {
    let refusal: unknown = { code: 'io', message: 'Could not write /home/a/due.ics: permission denied.' };
    const file = new FileSave(async (path: string) => {
      if (refusal) throw refusal;
      return path;
    });
    await file.save('/home/a/due.ics');
    expect(file.error).toBe('Could not write /home/a/due.ics: permission denied.');
    expect(file.replacing).toBeNull();
    expect(file.busy).toBe(false);
    // Text not written to be shown is not shown.
    refusal = 'os error 13 at /home/a/due.ics';
    await file.save('/home/a/due.ics');
    expect(file.error).toMatch(/^Keywarden ran into an unexpected problem/);
    refusal = null;
    await file.save('/home/a/due.ics');
    expect(file.error).toBeNull();
    expect(file.done).toBe('/home/a/due.ics');
  });
});
