/**
 * File paths in manifests and fetch.txt. BagIt 1.0 (RFC 8493 §2.1.3) percent-encodes exactly three
 * characters in a path: CR (%0D), LF (%0A) and "%" (%25). Draft 0.97 encoded nothing. Whatever the
 * version, a path must stay inside the bag on every operating system a copy may be read on.
 */
import type { Message } from './problems.ts';

/** Decodes a manifest path. `literalPercent`: a "%" that starts no %0D/%0A/%25 was kept as it is. */
export function decodePath(raw: string, v1: boolean): { path: string; literalPercent: boolean } {
  if (!v1) return { path: raw, literalPercent: false };
  let literalPercent = false;
  const path = raw.replace(/%(0[dD]|0[aA]|25)?/g, (_m, code: string | undefined) => {
    if (code === undefined) {
      literalPercent = true;
      return '%';
    }
    return code === '25' ? '%' : code.toLowerCase() === '0d' ? '\r' : '\n';
  });
  return { path, literalPercent };
}

/** The form of a path written to a BagIt 1.0 manifest. */
export function encodePath(path: string): string {
  return path.replace(/[%\r\n]/g, (c) => (c === '%' ? '%25' : c === '\r' ? '%0D' : '%0A'));
}

export type PathVerdict =
  | { ok: true; path: string; dotPrefix: boolean }
  | { ok: false; code: 'path-outside-bag' | 'path-unsafe'; why: Message };

const outside = (zh: string, en: string): PathVerdict => ({ ok: false, code: 'path-outside-bag', why: { zh, en } });
const unsafe = (zh: string, en: string): PathVerdict => ({ ok: false, code: 'path-unsafe', why: { zh, en } });

/**
 * A path relative to the bag directory that names a file inside it on POSIX and on Windows. Rejects
 * absolute and drive paths, UNC paths, "..", home-directory (~) and environment-variable (%VAR%)
 * shortcuts, backslashes, empty or "." segments and NUL. A leading "./" is reported to the caller
 * (`dotPrefix`) and removed.
 */
export function checkPath(p: string): PathVerdict {
  if (p === '') return unsafe('路径为空', 'empty path');
  if (p.startsWith('\\\\')) return outside('UNC 网络路径', 'a UNC network path');
  if (p.startsWith('/') || p.startsWith('\\')) return outside('绝对路径', 'an absolute path');
  if (/^[A-Za-z]:/.test(p)) return outside('带盘符的绝对路径', 'an absolute path with a drive letter');
  if (p.startsWith('~')) return outside('主目录简写“~”', 'the home-directory shortcut "~"');
  if (/^%[^%/\\]+%/.test(p)) return outside('环境变量', 'an environment variable');
  const dotPrefix = p.startsWith('./');
  const rest = dotPrefix ? p.replace(/^(\.\/)+/, '') : p;
  if (rest.split(/[/\\]/).some((s) => s === '..')) return outside('含“..”上级目录', 'it contains ".."');
  if (p.includes('\\')) return unsafe('含反斜杠（Windows 路径分隔符）', 'it contains a backslash (the Windows path separator)');
  if (p.includes('\0')) return unsafe('含 NUL 字符', 'it contains NUL');
  if (rest.split('/').some((s) => s === '' || s === '.')) return unsafe('含空段或“.”段', 'it has an empty or "." segment');
  return { ok: true, path: rest, dotPrefix };
}

/** Operating-system artefacts that copying tools create or drop on their own. */
export function isSystemFile(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return /^(\.DS_Store|Thumbs\.db|ehthumbs\.db|desktop\.ini|\.directory|\.Spotlight-V100|\.Trashes|\.fseventsd)$/i.test(name) || name.startsWith('._');
}

/** The key under which two names are the same file on a normalizing, case-insensitive file system. */
export const foldKey = (p: string): string => p.normalize('NFC').toLowerCase();
