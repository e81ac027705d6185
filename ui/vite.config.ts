// Vite, vitest and dev-server configuration for the Keywarden web UI.
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// `--mode mock` swaps the Tauri modules for the in-memory fake under dev/mock so the UI
// can be looked at in a plain browser. Production builds never see these aliases.
const mockAliases = [
  { find: /^@tauri-apps\/api\/core$/, replacement: here('./dev/mock/core.ts') },
  { find: /^@tauri-apps\/api\/event$/, replacement: here('./dev/mock/event.ts') },
  { find: /^@tauri-apps\/plugin-dialog$/, replacement: here('./dev/mock/dialog.ts') },
];

export default defineConfig(({ mode }) => ({
  plugins: [svelte(), svelteTesting()],
  resolve: {
    alias: [{ find: '$lib', replacement: here('./src/lib') }, ...(mode === 'mock' ? mockAliases : [])],
  },
  // Tauri prints its own output; keep Vite's visible and the port fixed.
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
    host: process.env.TAURI_DEV_HOST || false,
    hmr: process.env.TAURI_DEV_HOST ? { protocol: 'ws', host: process.env.TAURI_DEV_HOST, port: 1421 } : undefined,
    watch: { ignored: ['**/src-tauri/**'] },
  },
  preview: { port: 1420, strictPort: true },
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  build: {
    outDir: mode === 'mock' ? 'dist-mock' : 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // The passphrase-strength dictionaries are one lazily loaded chunk of about 1.2 MB.
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test/setup.ts'],
    mockReset: true,
  },
}));
