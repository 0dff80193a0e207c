/**
 * Test helpers for the OCFL store (not a test file): a small temp-dir StorageBackend, and a wrapper
 * that records every write and can "crash" (every later call rejects, as if the process had died).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MultiDigest, type Digests } from '../content-store.ts';
import { checkKey, StorageError, type ObjectInfo, type PutResult, type StorageBackend } from '../storage/backend.ts';

async function hash(key: string, source: Readable): Promise<PutResult> {
  const d = new MultiDigest();
  await pipeline(source, d, new Writable({ write: (_c, _e, cb) => cb() }));
  return { key, size: d.size, ...d.digests() };
}

/** Keys are files under `<dir>/data`; puts go through `<dir>/tmp` and a rename. */
export class TempDirBackend implements StorageBackend {
  readonly describe: string;
  private n = 0;
  private constructor(readonly dir: string) {
    this.describe = `test-fs:${dir}`;
  }

  static async create(): Promise<TempDirBackend> {
    const dir = await mkdtemp(join(tmpdir(), 'dangan-ocfl-'));
    await mkdir(join(dir, 'data'));
    await mkdir(join(dir, 'tmp'));
    return new TempDirBackend(dir);
  }

  path(key: string): string {
    return join(this.dir, 'data', ...checkKey(key).split('/'));
  }

  async put(key: string, source: Readable, expected?: Partial<Digests> & { size?: number }): Promise<PutResult> {
    const dest = this.path(key);
    const tmp = join(this.dir, 'tmp', String(++this.n));
    const d = new MultiDigest();
    try {
      await pipeline(source, d, createWriteStream(tmp));
      const r: PutResult = { key, size: d.size, ...d.digests() };
      for (const f of ['size', 'sha256', 'sha512', 'sm3'] as const) {
        if (expected?.[f] !== undefined && String(expected[f]).toLowerCase() !== String(r[f])) throw new StorageError('verify-failed', `${key}: ${f} differs`, key);
      }
      if ((await hash(key, createReadStream(tmp))).sha512 !== r.sha512) throw new StorageError('verify-failed', `${key}: read back differs`, key);
      await mkdir(dirname(dest), { recursive: true });
      await rename(tmp, dest);
      return r;
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async get(key: string, range?: { start: number; end: number }): Promise<Readable> {
    if (!(await this.head(key))) throw new StorageError('not-found', `no object ${key}`, key);
    return createReadStream(this.path(key), range ?? {});
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const st = await stat(this.path(key)).catch(() => undefined);
    return st?.isFile() ? { key, size: st.size } : undefined;
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const base = join(this.dir, 'data', ...prefix.split('/').filter(Boolean));
    const entries = await readdir(base, { withFileTypes: true, recursive: true }).catch(() => []);
    const keys = entries
      .filter((e) => e.isFile())
      .map((e) => prefix + join(e.parentPath, e.name).slice(base.length + 1).split('\\').join('/'))
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const key of keys) {
      const info = await this.head(key);
      if (info) yield info;
    }
  }

  async delete(key: string): Promise<void> {
    const p = this.path(key);
    await unlink(p).catch(() => undefined);
    for (let d = dirname(p); d !== join(this.dir, 'data'); d = dirname(d)) if (!(await rmdir(d).then(() => true, () => false))) break;
  }

  async digest(key: string): Promise<PutResult> {
    return hash(key, await this.get(key));
  }

  close(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }
}

export type Call = { op: 'put' | 'delete'; key: string };

/** Delegates to `inner`, logs writes, and after `crashWhen` matches a put, rejects everything (a dead process). */
export class RecordingBackend implements StorageBackend {
  readonly calls: Call[] = [];
  crashed = false;
  crashWhen: ((key: string) => boolean) | undefined;
  constructor(readonly inner: StorageBackend) {}

  get describe(): string {
    return `recording(${this.inner.describe})`;
  }

  private alive(): void {
    if (this.crashed) throw new StorageError('unavailable', 'simulated crash: the process is gone');
  }

  async put(key: string, source: Readable, expected?: Partial<Digests> & { size?: number }): Promise<PutResult> {
    this.alive();
    if (this.crashWhen?.(key)) {
      this.crashed = true;
      source.destroy();
      throw new StorageError('unavailable', `simulated crash before writing ${key}`, key);
    }
    this.calls.push({ op: 'put', key });
    return this.inner.put(key, source, expected);
  }

  async get(key: string, range?: { start: number; end: number }): Promise<Readable> {
    this.alive();
    return this.inner.get(key, range);
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    this.alive();
    return this.inner.head(key);
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    this.alive();
    yield* this.inner.list(prefix);
  }

  async delete(key: string): Promise<void> {
    this.alive();
    this.calls.push({ op: 'delete', key });
    return this.inner.delete(key);
  }

  async digest(key: string): Promise<PutResult> {
    this.alive();
    return this.inner.digest(key);
  }
}

/** A buffer as a stream. */
export function streamOf(data: string | Buffer): Readable {
  return Readable.from([Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8')]);
}

/** Reads a stream to its end. */
export async function bytesOf(source: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of source) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
