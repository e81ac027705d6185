// @vitest-environment node
// House rules that are easy to break by accident, checked over the source text.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');
const src = join(root, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'test' ? [] : sources(path);
    return /\.(ts|svelte)$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = sources(src).map((path) => ({ path: relative(root, path), text: readFileSync(path, 'utf8') }));

describe('source rules', () => {
  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('only src/lib/ipc imports @tauri-apps', () => {
    const offenders = files.filter((f) => !f.path.startsWith('src/lib/ipc/') && f.text.includes('@tauri-apps/'));
    expect(offenders.map((f) => f.path)).toEqual([]);
  });

  it('keeps nothing in web storage and logs nothing', () => {
    const offenders = files.filter((f) => /localStorage|sessionStorage|indexedDB|console\.\w+\(/.test(f.text));
    expect(offenders.map((f) => f.path)).toEqual([]);
  });

  it('the page has no inline script', () => {
    const html = readFileSync(join(root, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/https?:\/\//);
  });
});
