/**
 * `openPackage`: the one reader for submission packages delivered as a directory, a .zip or a .tar.
 * The format is detected from the content, entries are streamed in stored order and are never
 * extracted to disk; every name is checked (names.ts) and every byte counted (guard.ts).
 */
import { open as openFile, stat } from 'node:fs/promises';
import { unpackError, unpackWarning, type UnpackWarning } from './errors.ts';
import { Budget, type EntryStream } from './guard.ts';
import { dirSource } from './dir.ts';
import { resolveLimits, type UnpackLimits } from './limits.ts';
import { checkEntryPath, NameRegistry } from './names.ts';
import type { Candidate } from './source.ts';
import { tarSource } from './tar.ts';
import { zipSource } from './zip.ts';

export type PackageFormat = 'dir' | 'zip' | 'tar';
export type OpenOptions = {
  /** Hash SHA-256, SHA-512 and SM3 while reading; `stream.digests()` after 'end'. */
  digest?: boolean;
  /** With digest: `false` skips SHA-512 (its digest is then ''), e.g. for manifests of SHA-256 and SM3. */
  sha512?: boolean;
};

export interface PackageEntry {
  /** Relative, '/'-separated, NFC, checked path (no trailing '/' for directories). */
  readonly path: string;
  /** Bytes after decompression, as declared by the container (enforced while reading). */
  readonly size: number;
  readonly kind: 'file' | 'dir';
  /**
   * The entry's bytes, once per entry. Read it before advancing the iterator (a tar can only be read
   * in order); a limit crossed while reading destroys the stream with an UnpackError.
   */
  open(options?: OpenOptions): EntryStream;
}

export interface PackageReader extends AsyncIterable<PackageEntry> {
  readonly format: PackageFormat;
  readonly limits: UnpackLimits;
  /** Problems that do not stop the reader (case collisions, guessed encodings, NFC changes…). */
  readonly warnings: UnpackWarning[];
  /** Entries yielded and bytes read so far. */
  readonly stats: { entries: number; bytes: number };
  /** Stops reading and releases the file (also done when the iteration ends or throws). */
  close(): Promise<void>;
}

/** Detects the container by content: a directory, zip (PK\3\4, or PK\5\6 when empty) or ustar tar. */
export async function detectFormat(path: string): Promise<PackageFormat> {
  let st;
  try {
    st = await stat(path);
  } catch {
    throw unpackError('package-not-found', undefined, `找不到包：${path}`, `package not found: ${path}`);
  }
  if (st.isDirectory()) return 'dir';
  if (!st.isFile()) throw unpackError('format-unknown', undefined, '包不是普通文件或目录', 'the package is neither a regular file nor a directory');
  const fh = await openFile(path, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await fh.read(head, 0, 512, 0);
    const magic = head.subarray(0, 4).toString('latin1');
    if (magic === 'PK\x03\x04' || magic === 'PK\x05\x06') return 'zip';
    if (bytesRead >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  } finally {
    await fh.close();
  }
  throw unpackError('format-unknown', undefined, '无法识别包格式（应为目录、zip 或 tar）', 'unknown package format (expected a directory, a zip or a tar file)');
}

/** Opens a package for streaming. Throws UnpackError for a bad path, an unknown format or bad limits. */
export async function openPackage(path: string, limits?: Partial<UnpackLimits>): Promise<PackageReader> {
  const l = resolveLimits(limits);
  const format = await detectFormat(path);
  const archiveBytes = format === 'zip' ? (await stat(path)).size : undefined;
  const budget = new Budget(l, archiveBytes);
  const warnings: UnpackWarning[] = [];
  const source = format === 'zip' ? zipSource(path, budget) : format === 'tar' ? tarSource(path, budget) : dirSource(path, budget);
  let started = false;

  async function* entries(): AsyncGenerator<PackageEntry, void, undefined> {
    const registry = new NameRegistry();
    try {
      for (;;) {
        if (budget.fatal) throw budget.fatal;
        const r = await source.next();
        if (budget.fatal) throw budget.fatal;
        if (r.done) return;
        // The root directory itself ("./" in tars made with `tar -C dir .`) is not an entry.
        if (r.value.isDir && /^(\.\/?)+$/.test(r.value.name)) continue;
        yield toEntry(r.value, registry);
      }
    } finally {
      await source.return(undefined);
    }
  }

  function toEntry(c: Candidate, registry: NameRegistry): PackageEntry {
    const shown = c.name;
    budget.countEntry(shown);
    const { path: p, warnings: w } = checkEntryPath(c.name, l);
    if (p === '') throw unpackError('path-empty-segment', shown, '路径为空', 'the path is empty');
    warnings.push(...w);
    if (c.encoding === 'gb18030' || c.encoding === 'cp437') {
      warnings.push(unpackWarning('name-encoding-guessed', p, `名称未标记编码，按 ${c.encoding === 'gb18030' ? 'GB18030（GBK）' : 'CP437'} 解码`, `the name carries no encoding flag and was decoded as ${c.encoding === 'gb18030' ? 'GB18030 (GBK)' : 'CP437'}`));
    }
    const kind = c.isDir ? 'dir' : 'file';
    const dup = registry.add(p, kind);
    if (dup) warnings.push(dup);
    if (!c.isDir) budget.declare(p, c.size);
    let opened = false;
    return {
      path: p,
      size: c.size,
      kind,
      open(options?: OpenOptions): EntryStream {
        if (kind === 'dir') throw unpackError('entry-not-current', p, '目录没有内容可读', 'a directory has no content to read');
        if (opened) throw unpackError('entry-not-current', p, '每个条目只能打开一次', 'an entry can be opened only once');
        opened = true;
        return c.open(p, options?.digest === true ? (options.sha512 === false ? 'sha256+sm3' : true) : false);
      },
    };
  }

  const it = entries();
  return {
    format,
    limits: l,
    warnings,
    get stats() {
      return { entries: budget.entries, bytes: budget.bytes };
    },
    [Symbol.asyncIterator]() {
      if (started) throw new Error('a package can be iterated only once');
      started = true;
      return it;
    },
    async close() {
      await it.return(undefined);
      await source.return(undefined);
    },
  };
}
