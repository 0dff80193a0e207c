import type { Readable } from 'node:stream';
import type { Digests } from '../content-store.ts';

/** What every storage location can do. Keys are '/'-separated relative paths (OCFL paths), validated by `checkKey`. */
export type ObjectInfo = { key: string; size: number };
export type PutResult = Digests & { key: string; size: number };

export interface StorageBackend {
  /** A human name for messages, e.g. "fs:/srv/dangan/store" or "s3:bucket/prefix". */
  readonly describe: string;
  /**
   * Streams `source` to `key`, computing SHA-256, SHA-512 and SM3 in the same pass. Atomic: until it
   * resolves, readers see the old object or none. Then it reads the stored bytes back and re-hashes
   * them (the backend's own checksums are never trusted); a mismatch deletes the object and rejects.
   * If `expected` is given and the bytes differ from it, nothing is left at `key` and it rejects.
   */
  put(key: string, source: Readable, expected?: Partial<Digests> & { size?: number }): Promise<PutResult>;
  /** Streams the object (optionally a byte range, inclusive). Rejects with StorageError 'not-found'. */
  get(key: string, range?: { start: number; end: number }): Promise<Readable>;
  /** Size of the object, or undefined when absent. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Every object under `prefix` (a folder path ending in '/' or ''), in key order, streamed page by page. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Deletes the object; absent is fine. */
  delete(key: string): Promise<void>;
  /** Re-reads and re-hashes the object (fixity). */
  digest(key: string): Promise<PutResult>;
}

export type StorageErrorKind = 'not-found' | 'invalid-key' | 'verify-failed' | 'unavailable' | 'no-space';

export class StorageError extends Error {
  constructor(readonly kind: StorageErrorKind, message: string, readonly key?: string) {
    super(message);
    this.name = 'StorageError';
  }
}

/**
 * Keys are relative, '/'-separated, NFC, with no empty, '.', '..' or control-character segments and no
 * backslash: the same rules as OCFL content paths, so a key can never escape its location.
 */
export function checkKey(key: string): string {
  if (key.length === 0 || key.length > 1024) throw new StorageError('invalid-key', `invalid key length: ${key.length}`, key);
  if (key !== key.normalize('NFC')) throw new StorageError('invalid-key', 'key is not NFC', key);
  if (key.startsWith('/') || key.includes('\\') || /[\u0000-\u001f\u007f]/.test(key)) throw new StorageError('invalid-key', 'absolute key or forbidden character', key);
  for (const seg of key.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') throw new StorageError('invalid-key', `forbidden path segment in ${JSON.stringify(key)}`, key);
  }
  return key;
}
