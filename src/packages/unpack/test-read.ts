/** Test-only: reads a whole package the way a caller would, hashing every file. */
import { UnpackError, type UnpackErrorCode } from './errors.ts';
import type { UnpackLimits } from './limits.ts';
import { openPackage, type PackageReader } from './reader.ts';

export type ReadEntry = { path: string; kind: 'file' | 'dir'; size: number; sha256?: string; sm3?: string };

export async function readAll(path: string, limits?: Partial<UnpackLimits>, onOpen?: (r: PackageReader) => void): Promise<{ entries: ReadEntry[]; reader: PackageReader }> {
  const reader = await openPackage(path, limits);
  onOpen?.(reader);
  const entries: ReadEntry[] = [];
  for await (const e of reader) {
    if (e.kind === 'dir') {
      entries.push({ path: e.path, kind: e.kind, size: e.size });
      continue;
    }
    const s = e.open({ digest: true });
    for await (const _ of s);
    const d = s.digests();
    entries.push({ path: e.path, kind: e.kind, size: d.size, sha256: d.sha256, sm3: d.sm3 });
  }
  return { entries, reader };
}

/** An assert.rejects matcher for an UnpackError with this code (and entry, when given). */
export const isUnpack = (code: UnpackErrorCode, entry?: string) => (err: unknown): boolean => {
  if (!(err instanceof UnpackError)) throw err;
  if (err.code !== code) throw new Error(`expected ${code}, got ${err.code}: ${err.message}`);
  if (entry !== undefined && err.entry !== entry) throw new Error(`expected entry ${entry}, got ${err.entry}`);
  if (!err.bilingual.zh || !err.bilingual.en) throw new Error('message must be bilingual');
  return true;
};
