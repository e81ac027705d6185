import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import ReplaceFileDialog from './ReplaceFileDialog.svelte';

describe('ReplaceFileDialog', () => {
  it('names the file that exists, and replaces it or keeps it', async () => {
    const user = userEvent.setup();
    const onconfirm = vi.fn();
    const oncancel = vi.fn();
    render(ReplaceFileDialog, { path: '/home/a/due.ics', onconfirm, oncancel });
    const dialog = screen.getByRole('alertdialog', { name: 'Replace the existing file?' });
    expect(dialog).toHaveTextContent('/home/a/due.ics already exists. Replacing it loses what it holds now.');
    expect(dialog.querySelector('code')).toHaveTextContent(/^\/home\/a\/due\.ics$/);
    await user.click(screen.getByTestId('confirm-cancel'));
    expect(oncancel).toHaveBeenCalledTimes(1);
    expect(onconfirm).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Replace it' }));
    expect(onconfirm).toHaveBeenCalledTimes(1);
  });

  it('can be neither confirmed nor cancelled while the file is written', () => {
    render(ReplaceFileDialog, { path: '/home/a/due.ics', busy: true, onconfirm: vi.fn(), oncancel: vi.fn() });
    expect(screen.getByTestId('confirm-ok')).toBeDisabled();
    expect(screen.getByTestId('confirm-cancel')).toBeDisabled();
  });
});
