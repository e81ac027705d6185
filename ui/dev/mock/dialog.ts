// Stands in for @tauri-apps/plugin-dialog in `--mode mock` builds.

export async function open(options: { title?: string } = {}): Promise<string | null> {
  return options.title?.includes('key file')
    ? '/home/alex/Documents/vault.keyfile'
    : '/home/alex/Documents/team.keywarden';
}

export async function save(): Promise<string | null> {
  return '/home/alex/Documents/team';
}
