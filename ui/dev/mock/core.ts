// Stands in for @tauri-apps/api/core in `--mode mock` builds.
import { shell } from './backend';
import { runScene } from './scenes';

export function invoke<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  return shell.handle(command, args) as Promise<T>;
}

runScene(new URLSearchParams(location.search).get('scene'));
