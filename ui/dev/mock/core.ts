// Stands in for @tauri-apps/api/core in `--mode mock` builds.
import type { InvokeArgs } from '@tauri-apps/api/core';
import { shell } from './backend';
import { runScene } from './scenes';

export function invoke<T>(command: string, args?: InvokeArgs): Promise<T> {
  return shell.handle(command, args) as Promise<T>;
}

runScene(new URLSearchParams(location.search).get('scene'));
