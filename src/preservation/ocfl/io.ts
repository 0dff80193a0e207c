/** Small I/O helpers over a StorageBackend for the OCFL store (whole small files, verified reads). */
import { Readable } from 'node:stream';
import { MultiDigest } from '../content-store.ts';
import type { PutResult, StorageBackend } from '../storage/backend.ts';
import { finding, OcflError } from './paths.ts';

export async function readBytes(backend: StorageBackend, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await backend.get(key)) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

/** Reads a small file, or undefined when it is absent. */
export async function readIfPresent(backend: StorageBackend, key: string): Promise<Buffer | undefined> {
  return (await backend.head(key)) ? readBytes(backend, key) : undefined;
}

/** Writes a small file; the backend verifies size (and SHA-512 when given) after the write. */
export function putBytes(backend: StorageBackend, key: string, bytes: Buffer, sha512?: string): Promise<PutResult> {
  return backend.put(key, Readable.from([bytes]), { size: bytes.length, ...(sha512 ? { sha512 } : {}) });
}

/**
 * Passes bytes through unchanged and, at the end, fails the stream if their SHA-512 (or size, when
 * known) differs from what the inventory records: a reader never silently gets corrupted content.
 */
export class VerifyingDigest extends MultiDigest {
  constructor(
    private readonly expectedSha512: string,
    private readonly expectedSize: number | undefined,
    private readonly label: string,
  ) {
    super();
  }

  override _flush(cb: (err?: Error | null) => void): void {
    const d = this.digests();
    if (d.sha512 !== this.expectedSha512.toLowerCase() || (this.expectedSize !== undefined && this.size !== this.expectedSize)) {
      cb(new OcflError(`content does not match the inventory`, [finding('E092', `${this.label}: sha512 ${d.sha512}, size ${this.size}`, this.label, 'corrupted')]));
      return;
    }
    cb();
  }
}
