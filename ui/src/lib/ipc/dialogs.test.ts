// @vitest-environment node
import { open, save } from '@tauri-apps/plugin-dialog';
import { describe, expect, it, vi } from 'vitest';
import {
  IpcError,
  pickKeyFile,
  pickKitFolder,
  pickReportLocation,
  pickVaultLocationToCreate,
  pickVaultToOpen,
} from '.';

vi.mock('@tauri-apps/plugin-dialog', () => ({ open: vi.fn(), save: vi.fn() }));
vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

describe('dialogs', () => {
  it('opens a single .keywarden file', async () => {
    vi.mocked(open).mockResolvedValue('/home/a/team.keywarden');
    await expect(pickVaultToOpen()).resolves.toBe('/home/a/team.keywarden');
    expect(open).toHaveBeenCalledWith(
      expect.objectContaining({
        multiple: false,
        directory: false,
        filters: [{ name: 'Keywarden vault', extensions: ['keywarden'] }],
      }),
    );
  });

  it('resolves null when the person cancels', async () => {
    vi.mocked(open).mockResolvedValue(null);
    await expect(pickVaultToOpen()).resolves.toBeNull();
    vi.mocked(save).mockResolvedValue(null);
    await expect(pickVaultLocationToCreate('/d/vault.keywarden')).resolves.toBeNull();
  });

  it('starts the save dialog at the given path and adds a missing extension', async () => {
    vi.mocked(save).mockResolvedValue('/home/a/team');
    await expect(pickVaultLocationToCreate('/d/vault.keywarden')).resolves.toBe('/home/a/team.keywarden');
    expect(save).toHaveBeenCalledWith(expect.objectContaining({ defaultPath: '/d/vault.keywarden' }));
  });

  it('keeps the extension when it is there', async () => {
    vi.mocked(save).mockResolvedValue('/home/a/Team.KEYWARDEN');
    await expect(pickVaultLocationToCreate()).resolves.toBe('/home/a/Team.KEYWARDEN');
  });

  it('saves the review report as HTML, starting at the suggested name', async () => {
    vi.mocked(save).mockResolvedValue('/home/a/review');
    await expect(pickReportLocation('key-review-2027-03-01.html', 'html')).resolves.toBe('/home/a/review.html');
    expect(save).toHaveBeenCalledWith(
      expect.objectContaining({
        defaultPath: 'key-review-2027-03-01.html',
        filters: [{ name: 'HTML document', extensions: ['html', 'htm'] }],
      }),
    );
    vi.mocked(save).mockResolvedValue('/home/a/Review.HTM');
    await expect(pickReportLocation('r.html', 'html')).resolves.toBe('/home/a/Review.HTM');
    vi.mocked(save).mockResolvedValue(null);
    await expect(pickReportLocation('r.html', 'html')).resolves.toBeNull();
  });

  it('saves a PDF report as .pdf', async () => {
    vi.mocked(save).mockResolvedValue('/home/a/review');
    await expect(pickReportLocation('key-review-2027-03-01.pdf', 'pdf')).resolves.toBe('/home/a/review.pdf');
    expect(save).toHaveBeenLastCalledWith(
      expect.objectContaining({ filters: [{ name: 'PDF document', extensions: ['pdf'] }] }),
    );
    vi.mocked(save).mockResolvedValue('/home/a/Review.PDF');
    await expect(pickReportLocation('r.pdf', 'pdf')).resolves.toBe('/home/a/Review.PDF');
  });

  it('picks any single file as a key file', async () => {
    vi.mocked(open).mockResolvedValue('/home/a/photo.jpg');
    await expect(pickKeyFile()).resolves.toBe('/home/a/photo.jpg');
    const options = vi.mocked(open).mock.calls[0][0];
    expect(options).toMatchObject({ multiple: false, directory: false });
    expect(options?.filters).toBeUndefined();
  });

  it('picks one folder for a kit, starting where the person was', async () => {
    vi.mocked(open).mockResolvedValue('/home/a/kits');
    await expect(pickKitFolder('/home/a')).resolves.toBe('/home/a/kits');
    expect(vi.mocked(open).mock.calls.at(-1)?.[0]).toMatchObject({
      directory: true,
      multiple: false,
      defaultPath: '/home/a',
    });
  });

  it('normalises dialog failures into IpcError', async () => {
    vi.mocked(open).mockRejectedValue('dialog.open not allowed');
    const error = await pickKeyFile().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IpcError);
    expect((error as IpcError).code).toBe('internal');
  });
});
