// @vitest-environment node
import { listen } from '@tauri-apps/api/event';
import { describe, expect, it, vi } from 'vitest';
import { onVaultLocked } from '.';

vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn() }));
vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

describe('onVaultLocked', () => {
  it('listens to vault-locked, hands over the payload, and can stop', async () => {
    const unlisten = vi.fn();
    vi.mocked(listen).mockResolvedValue(unlisten);
    const handler = vi.fn();

    const stop = await onVaultLocked(handler);
    expect(vi.mocked(listen).mock.calls[0][0]).toBe('vault-locked');

    const callback = vi.mocked(listen).mock.calls[0][1];
    callback({ event: 'vault-locked', id: 1, payload: { reason: 'idle' } });
    expect(handler).toHaveBeenCalledWith({ reason: 'idle' });

    stop();
    expect(unlisten).toHaveBeenCalled();
  });
});
