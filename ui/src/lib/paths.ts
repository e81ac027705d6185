// File-system path text, shown but never interpreted.

/** The last component of a path, on any platform. */
export function fileName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}
