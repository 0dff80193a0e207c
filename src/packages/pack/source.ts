/**
 * The source folder: every entry under it, by its path relative to the folder ("/" separated, NFC so
 * that names typed in Excel match names a Mac wrote in NFD). Links and devices are recorded, not followed.
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PackProblems } from './problems.ts';

export type SourceEntry = { rel: string; abs: string; kind: 'file' | 'other' };

/** Files that copying and office tools leave behind; they are skipped with a warning, never packed. */
export function isJunk(name: string): boolean {
  return /^(\.DS_Store|Thumbs\.db|ehthumbs\.db|desktop\.ini|\.directory)$/i.test(name) || name.startsWith('._') || name.startsWith('~$');
}

export async function walkSource(root: string, problems: PackProblems): Promise<Map<string, SourceEntry>> {
  const out = new Map<string, SourceEntry>();
  const walk = async (rel: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(rel ? join(root, rel) : root, { withFileTypes: true });
    } catch (err) {
      problems.error('source-unreadable', { file: rel || '.' }, `无法读取文件夹：${(err as Error).message}`, `cannot read the folder: ${(err as Error).message}`);
      return;
    }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const key = r.normalize('NFC');
      if (e.isDirectory()) await walk(r);
      else out.set(key, { rel: key, abs: join(root, r), kind: e.isFile() ? 'file' : 'other' });
    }
  };
  await walk('');
  return out;
}

/** A path typed into the 文件 column, made relative and "/" separated; undefined when it leaves the folder. */
export function cleanListedPath(p: string): string | undefined {
  const s = p.trim().replace(/\\/g, '/').replace(/^(\.\/)+/, '').normalize('NFC');
  if (s === '' || s.startsWith('/') || /^[A-Za-z]:/.test(s) || s.includes('\0')) return undefined;
  const parts = s.split('/');
  if (parts.some((x) => x === '..' || x === '.' || x === '')) return undefined;
  return s;
}

/** The 文件 cell may list several files of one record, one a line or separated by "|" (never in a Windows name). */
export const splitFiles = (cell: string): string[] => cell.split(/[|\r\n]+/).map((s) => s.trim()).filter((s) => s !== '');
