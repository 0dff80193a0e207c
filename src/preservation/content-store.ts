import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fsyncDir } from './storage/fsync.ts';

/** 1 MiB reads: hashing throughput is bound by SM3, not by read calls (64 KiB reads cost ~20 %). */
export const READ_CHUNK = 1 << 20;

export type Digests = { sha256: string; sha512: string; sm3: string };
export type StoredObject = Digests & { key: string; size: number };

/** One pass over the bytes computes SHA-256, SHA-512 and SM3 (Node's native crypto; never buffers a file). */
export class MultiDigest extends Transform {
  private readonly h256 = createHash('sha256');
  private readonly h512: Hash | undefined;
  private readonly hsm3 = createHash('sm3');
  size = 0;

  /**
   * `sha512: false` skips SHA-512 (≈ 25 % of the CPU) where nothing needs it, e.g. a submission package
   * whose manifests are SHA-256 and SM3; `digests().sha512` is then the empty string.
   */
  constructor(options: { sha512?: boolean } = {}) {
    super();
    this.h512 = options.sha512 === false ? undefined : createHash('sha512');
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null, data?: Buffer) => void): void {
    this.feed(chunk);
    cb(null, chunk);
  }

  /** Hashes a chunk without passing it on (for read-only fixity checks, where no stream follows). */
  feed(chunk: Buffer): void {
    this.h256.update(chunk);
    this.h512?.update(chunk);
    this.hsm3.update(chunk);
    this.size += chunk.length;
  }

  digests(): Digests {
    return { sha256: this.h256.digest('hex'), sha512: this.h512?.digest('hex') ?? '', sm3: this.hsm3.digest('hex') };
  }
}

/**
 * Content-addressed filesystem store: objects/<sha256[0:2]>/<sha256[2:4]>/<sha256>.
 * A write goes to tmp/, is fsynced, then renamed into place (atomic on one filesystem), so a crash
 * at any moment leaves either no object or a whole one; stray tmp files are swept at start.
 */
export class FsContentStore {
  constructor(readonly root: string) {}

  /** The file of a stored object, for readers that need a path (zip needs random access). */
  pathOf(key: string): string {
    return this.objectPath(key);
  }

  private objectPath(key: string): string {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`invalid content key: ${key}`);
    return join(this.root, 'objects', key.slice(0, 2), key.slice(2, 4), key);
  }

  async init(): Promise<void> {
    await rm(join(this.root, 'tmp'), { recursive: true, force: true });
    await mkdir(join(this.root, 'tmp'), { recursive: true });
    await mkdir(join(this.root, 'objects'), { recursive: true });
  }

  async put(source: Readable): Promise<StoredObject> {
    const tmp = join(this.root, 'tmp', `${Date.now()}-${randomBytes(8).toString('hex')}`);
    const digest = new MultiDigest();
    try {
      const out = createWriteStream(tmp, { flags: 'wx' });
      await pipeline(source, digest, out);
      const fh = await open(tmp, 'r+');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      const d = digest.digests();
      const dest = this.objectPath(d.sha256);
      await mkdir(dirname(dest), { recursive: true });
      await rename(tmp, dest);
      await fsyncDir(dirname(dest));
      return { key: d.sha256, size: digest.size, ...d };
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async size(key: string): Promise<number | undefined> {
    try {
      return (await stat(this.objectPath(key))).size;
    } catch {
      return undefined;
    }
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.objectPath(key), { highWaterMark: READ_CHUNK, ...(range ? { start: range.start, end: range.end } : {}) });
  }

  /** Re-reads the stored bytes and recomputes every digest: the store's own word is never trusted. */
  async digest(key: string): Promise<StoredObject> {
    const digest = new MultiDigest();
    for await (const chunk of this.read(key)) digest.feed(chunk as Buffer);
    return { key, size: digest.size, ...digest.digests() };
  }
}
