// Stands in for @tauri-apps/api/event in `--mode mock` builds.
import { shell } from './backend';

export async function listen<T>(event: string, handler: (event: { payload: T }) => void): Promise<() => void> {
  const listener = (payload: unknown) => handler({ payload: payload as T });
  const set = shell.listeners.get(event) ?? new Set();
  set.add(listener);
  shell.listeners.set(event, set);
  return () => set.delete(listener);
}
