/**
 * OFD path resolution (GB/T 33190 §7.5: a path starting with "/" is relative to the package root,
 * otherwise to the folder of the file that holds it) and the lookup of ZIP entries, exact first,
 * then ignoring case (reported as `case: true`, since ZIP names are case-sensitive). Never resolves
 * outside the package: ".." above the root yields undefined.
 */

/** The folder of an entry path ('' for the root). */
export const dirOf = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');

/** Joins a (possibly absolute) OFD location to `baseDir`; undefined when it escapes the root or is empty. */
export function resolveLoc(loc: string, baseDir: string): string | undefined {
  let l = loc.trim().replace(/\\/g, '/');
  if (l === '') return undefined;
  // a URL-ish scheme (file:, http:) is not a package path
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(l)) return undefined;
  const absolute = l.startsWith('/');
  if (absolute) l = l.replace(/^\/+/, '');
  const parts = absolute || baseDir === '' ? [] : baseDir.split('/');
  for (const seg of l.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.length ? parts.join('/') : undefined;
}

/** Lookup of the package's entries by exact name, then case-insensitively. */
export class EntryIndex {
  private readonly exact = new Set<string>();
  private readonly lower = new Map<string, string>();

  add(path: string): void {
    this.exact.add(path);
    const k = path.toLowerCase();
    if (!this.lower.has(k)) this.lower.set(k, path);
  }

  has(path: string): boolean {
    return this.exact.has(path);
  }

  find(path: string | undefined): { path: string; case: boolean } | undefined {
    if (path === undefined) return undefined;
    if (this.exact.has(path)) return { path, case: false };
    const p = this.lower.get(path.toLowerCase());
    return p === undefined ? undefined : { path: p, case: true };
  }

  get size(): number {
    return this.exact.size;
  }
}
