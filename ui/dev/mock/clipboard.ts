// Stand-in for @tauri-apps/plugin-clipboard-manager in mock mode: the browser's clipboard.
export async function writeText(text: string): Promise<void> {
  await navigator.clipboard?.writeText(text);
}

export async function clear(): Promise<void> {
  await navigator.clipboard?.writeText('');
}
