/** Shared by both backends: hashing a stream, comparing digests, checking ranges and list prefixes. */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MultiDigest, type Digests } from '../content-store.ts';
import { StorageError, checkKey, type PutResult } from './backend.ts';

export type Expected = Partial<Digests> & { size?: number };

/** Hashes a stream to its end (one pass, MultiDigest), keeping no bytes. */
export async function hashStream(key: string, source: Readable): Promise<PutResult> {
  const digest = new MultiDigest();
  for await (const chunk of source) digest.feed(chunk as Buffer);
  return { key, size: digest.size, ...digest.digests() };
}

/** The first field where `actual` differs from `expected` (only fields given in `expected`), or undefined. */
export function mismatch(actual: Digests & { size: number }, expected: Expected | undefined): string | undefined {
  if (!expected) return undefined;
  for (const f of ['size', 'sha256', 'sha512', 'sm3'] as const) {
    const want = expected[f];
    if (want === undefined) continue;
    const got = actual[f];
    // Hex digests compare case-insensitively: callers may hold upper-case values from manifests.
    if (typeof want === 'string' ? want.toLowerCase() !== String(got) : want !== got) return `${f} is ${got}, expected ${want}`;
  }
  return undefined;
}

/** The same bytes, as both backends computed them on write and on read-back. */
export function sameDigests(a: PutResult, b: PutResult): boolean {
  return a.size === b.size && a.sha256 === b.sha256 && a.sha512 === b.sha512 && a.sm3 === b.sm3;
}

/** Keys whose first segment is `reserved` hold a backend's own temporary files, so callers may not use them. */
export function checkUserKey(key: string, reserved: string): string {
  checkKey(key);
  if (key === reserved || key.startsWith(`${reserved}/`)) throw new StorageError('invalid-key', `key segment ${reserved} is reserved`, key);
  return key;
}

/** A list prefix is '' or a valid key followed by '/'. */
export function checkPrefix(prefix: string): string {
  if (prefix === '') return prefix;
  if (!prefix.endsWith('/')) throw new StorageError('invalid-key', `list prefix must be '' or end with '/': ${JSON.stringify(prefix)}`, prefix);
  checkKey(prefix.slice(0, -1));
  return prefix;
}

/** Inclusive byte range; integers, start <= end. */
export function checkRange(range: { start: number; end: number } | undefined): void {
  if (!range) return;
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`invalid byte range ${start}-${end}`);
  }
}

export const emptyStream = (): Readable => Readable.from([]);

/** UTF-8 byte order, the order S3 lists keys in (JS string order differs above U+FFFF). */
export const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
