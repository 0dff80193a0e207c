import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type Dirent } from 'node:fs';
import { mkdir, open, readdir, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MultiDigest, READ_CHUNK } from '../content-store.ts';
import { StorageError, type ObjectInfo, type PutResult, type StorageBackend } from './backend.ts';
import { byteOrder, checkPrefix, checkRange, checkUserKey, emptyStream, hashStream, mismatch, sameDigests, type Expected } from './verify.ts';
import { fsyncDir } from './fsync.ts';

/** Where puts are written before the rename; swept by init(), never listed, reserved as a key segment. */
const TMP = '.tmp';

const codeOf = (err: unknown): string | undefined => (err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined);
const isAbsent = (err: unknown): boolean => codeOf(err) === 'ENOENT' || codeOf(err) === 'ENOTDIR';

/**
 * Objects as plain files under `root` (key `a/b.pdf` is `<root>/a/b.pdf`), so an archive stays readable
 * with ordinary tools. A put is written to `.tmp/`, fsynced, checked and re-read there, then renamed into
 * place: a crash at any moment leaves the old object or the new one at the key, never a partial one.
 */
export class FsBackend implements StorageBackend {
  readonly root: string;
  readonly describe: string;
  private readonly tmpDir: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.tmpDir = join(this.root, TMP);
    this.describe = `fs:${this.root}`;
  }

  /** Creates the root and sweeps `.tmp` (partial writes of a crashed process). Call once at start, before any put. */
  async init(): Promise<void> {
    await rm(this.tmpDir, { recursive: true, force: true });
    await mkdir(this.tmpDir, { recursive: true });
  }

  private path(key: string): string {
    checkUserKey(key, TMP);
    const p = resolve(this.root, ...key.split('/'));
    const rel = relative(this.root, p);
    // checkKey already forbids '..'; this second, independent check guards against any path-joining surprise.
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new StorageError('invalid-key', `key escapes ${this.describe}`, key);
    return p;
  }

  private error(op: string, key: string, err: unknown): unknown {
    if (err instanceof StorageError) return err;
    const code = codeOf(err);
    const cause = { cause: err };
    if (code === 'ENOSPC' || code === 'EDQUOT') return Object.assign(new StorageError('no-space', `${this.describe}: no space left for ${op} ${key}`, key), cause);
    if (code === 'ENAMETOOLONG') return Object.assign(new StorageError('invalid-key', `${this.describe}: name too long: ${key}`, key), cause);
    if (code === 'EIO' || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
      return Object.assign(new StorageError('unavailable', `${this.describe}: ${op} ${key}: ${code}`, key), cause);
    }
    return err; // e.g. the caller's own source stream failing: passed through unchanged
  }

  async put(key: string, source: Readable, expected?: Expected): Promise<PutResult> {
    const dest = this.path(key);
    const tmp = join(this.tmpDir, `${Date.now()}-${randomBytes(8).toString('hex')}`);
    try {
      await mkdir(this.tmpDir, { recursive: true });
      const digest = new MultiDigest();
      await pipeline(source, digest, createWriteStream(tmp, { flags: 'wx' }));
      const fh = await open(tmp, 'r+');
      try {
        await fh.sync(); // the bytes are on disk before the rename can make them visible
      } finally {
        await fh.close();
      }
      const written: PutResult = { key, size: digest.size, ...digest.digests() };
      const bad = mismatch(written, expected);
      if (bad) throw new StorageError('verify-failed', `${this.describe}: ${key}: ${bad}; nothing stored`, key);
      // Re-read before the rename (same inode afterwards), so unverified bytes are never visible at the key.
      const reread = await hashStream(key, createReadStream(tmp, { highWaterMark: READ_CHUNK }));
      if (!sameDigests(written, reread)) throw new StorageError('verify-failed', `${this.describe}: ${key}: bytes read back differ from the bytes written`, key);
      const dir = dirname(dest);
      let created: string | undefined;
      for (let attempt = 1; ; attempt++) {
        created = (await mkdir(dir, { recursive: true })) ?? created;
        try {
          await rename(tmp, dest);
          break;
        } catch (err) {
          if (codeOf(err) !== 'ENOENT' || attempt === 3) throw err; // a concurrent delete() removed the then-empty directory
        }
      }
      await fsyncDir(dir); // makes the rename durable
      // New directories must be durable too: fsync each new one's parent, up to the first existing directory.
      for (let d = dir; created !== undefined && d !== dirname(created); d = dirname(d)) await fsyncDir(dirname(d));
      return written;
    } catch (err) {
      await rm(tmp, { force: true });
      // A file where a folder is needed, or the reverse: OCFL forbids such paths; S3 would allow them.
      if (['EISDIR', 'ENOTDIR', 'EEXIST', 'ENOTEMPTY'].includes(codeOf(err) ?? '')) {
        throw Object.assign(new StorageError('invalid-key', `${this.describe}: ${key} conflicts with an existing object or folder`, key), { cause: err });
      }
      throw this.error('put', key, err);
    }
  }

  async get(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const p = this.path(key);
    checkRange(range);
    // Opening first turns "absent" into a rejection here, not a later stream error.
    const fh = await open(p, 'r').catch((err: unknown) => {
      throw isAbsent(err) ? new StorageError('not-found', `${this.describe}: no object ${key}`, key) : this.error('get', key, err);
    });
    const st = await fh.stat();
    if (!st.isFile() || (range && range.start >= st.size)) {
      await fh.close();
      if (!st.isFile()) throw new StorageError('not-found', `${this.describe}: no object ${key}`, key);
      return emptyStream(); // a range wholly past the end is empty, as on both backends
    }
    return fh.createReadStream({ highWaterMark: READ_CHUNK, ...(range ? { start: range.start, end: range.end } : {}) });
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const p = this.path(key);
    try {
      const st = await stat(p);
      return st.isFile() ? { key, size: st.size } : undefined;
    } catch (err) {
      if (isAbsent(err)) return undefined;
      throw this.error('head', key, err);
    }
  }

  list(prefix: string): AsyncIterable<ObjectInfo> {
    checkPrefix(prefix);
    return this.walk(prefix);
  }

  /** Depth-first over directories sorted so that keys come out in UTF-8 byte order; one directory in memory per level. */
  private async *walk(prefix: string): AsyncGenerator<ObjectInfo> {
    const dir = join(this.root, ...prefix.split('/').filter(Boolean));
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isAbsent(err)) return;
      throw this.error('list', prefix, err);
    }
    // A directory sorts as "name/": keys below "a/" come after "a-b" and before "a0", as in a flat key space.
    const sorted = entries
      .filter((e) => (e.isFile() || e.isDirectory()) && !(prefix === '' && e.name === TMP))
      .map((e) => ({ e, sortName: e.isDirectory() ? `${e.name}/` : e.name }))
      .sort((a, b) => byteOrder(a.sortName, b.sortName));
    for (const { e } of sorted) {
      const key = prefix + e.name;
      if (e.isDirectory()) {
        yield* this.walk(`${key}/`);
        continue;
      }
      const st = await stat(join(dir, e.name)).catch((err: unknown) => (isAbsent(err) ? undefined : Promise.reject(this.error('list', key, err))));
      if (st) yield { key, size: st.size }; // deleted while listing: skipped
    }
  }

  async delete(key: string): Promise<void> {
    const p = this.path(key);
    try {
      await unlink(p);
    } catch (err) {
      if (isAbsent(err)) return;
      throw this.error('delete', key, err);
    }
    // Remove directories left empty, up to the root; stop at the first that is not empty (or is being filled).
    for (let d = dirname(p); d !== this.root && d.startsWith(this.root); d = dirname(d)) {
      if (!(await rmdir(d).then(() => true, () => false))) break;
    }
  }

  async digest(key: string): Promise<PutResult> {
    return hashStream(key, await this.get(key)).catch((err: unknown) => {
      throw this.error('digest', key, err);
    });
  }
}
