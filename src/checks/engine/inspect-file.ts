/**
 * One file, one task: hash it (SHA-256 and SM3 always, MD5/SHA-512 when the package declares them),
 * identify its format by content, run the validator for that format and normalise what it found into
 * `FileFacts`. Runs inside a worker thread (file-pool.ts), which bounds time and memory; never throws
 * for bad input — a validator's failure is a fact about the file.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import type { FileFacts } from './facts.ts';
import { validate } from './validators.ts';

export type InspectTask = {
  id: number;
  /** absolute path of the file to read */
  abs: string;
  /** path reported (inside the package) */
  path: string;
  algorithms: string[];
  maxFileBytes: number;
  /** run the format validator (false: digests and identification only, e.g. BC fixity-only runs) */
  validate: boolean;
};

const BLOCK = 1 << 20;
let buf: Buffer | undefined;

/** Streams the file through every digest in 1 MiB blocks (one buffer per thread). */
export function hashFile(abs: string, algorithms: readonly string[]): { size: number; digests: Record<string, string>; isFile: boolean } {
  const fd = openSync(abs, 'r');
  try {
    if (!fstatSync(fd).isFile()) return { size: 0, digests: {}, isFile: false };
    buf ??= Buffer.allocUnsafe(BLOCK);
    const hashes: [string, Hash][] = [...new Set(['sha256', 'sm3', ...algorithms])].map((a) => [a, createHash(a)]);
    let size = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, BLOCK, null);
      if (n === 0) break;
      const block = buf.subarray(0, n);
      for (const [, h] of hashes) h.update(block);
      size += n;
    }
    return { size, digests: Object.fromEntries(hashes.map(([a, h]) => [a, h.digest('hex')])), isFile: true };
  } finally {
    closeSync(fd);
  }
}

export async function inspectFile(t: InspectTask): Promise<FileFacts> {
  const t0 = performance.now();
  let hashed;
  try {
    hashed = hashFile(t.abs, t.algorithms);
  } catch (e) {
    return { path: t.path, exists: false, size: 0, digests: {}, format: 'unknown', mime: 'application/octet-stream', signatures: [], ms: performance.now() - t0, error: { code: 'unreadable', message: { zh: `无法读取文件：${(e as NodeJS.ErrnoException).code ?? ''}`, en: `cannot read the file: ${(e as Error).message}` } } };
  }
  if (!hashed.isFile) return { path: t.path, exists: false, size: 0, digests: {}, format: 'unknown', mime: 'application/octet-stream', signatures: [], ms: performance.now() - t0, error: { code: 'unreadable', message: { zh: '不是普通文件', en: 'not a regular file' } } };
  const v = await validate(t.abs, basename(t.path), { size: hashed.size, maxFileBytes: t.maxFileBytes, validate: t.validate });
  return { path: t.path, exists: true, size: hashed.size, digests: hashed.digests, ...v, ms: performance.now() - t0 };
}
