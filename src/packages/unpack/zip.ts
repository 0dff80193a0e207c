/**
 * Zip entries through yauzl, read lazily from the central directory. Names are decoded here (not by
 * yauzl); data is inflated here from the raw bytes so that the compressed bytes consumed are known
 * and a bomb is stopped within a few MiB whatever its headers say.
 */
import { createInflateRaw } from 'node:zlib';
import yauzl from 'yauzl';
import { unpackError, type UnpackError } from './errors.ts';
import { EntryStream, type Budget, type DigestMode } from './guard.ts';
import { decodeZipName } from './names.ts';
import type { Candidate } from './source.ts';

const S_IFMT = 0o170000;
const SPECIAL: Record<number, string> = { [0o120000]: 'symlink', [0o020000]: 'character device', [0o060000]: 'block device', [0o010000]: 'FIFO', [0o140000]: 'socket' };

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, strictFileNames: false, autoClose: false }, (err, zf) => (err ? reject(err) : resolve(zf)));
  });
}

function nextEntry(zf: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zf.removeListener('entry', onEntry);
      zf.removeListener('end', onEnd);
      zf.removeListener('error', onError);
    };
    const onEntry = (e: yauzl.Entry) => (cleanup(), resolve(e));
    const onEnd = () => (cleanup(), resolve(undefined));
    const onError = (err: Error) => (cleanup(), reject(err));
    zf.on('entry', onEntry).on('end', onEnd).on('error', onError);
    zf.readEntry();
  });
}

/** yauzl's and zlib's messages, mapped to stable codes. */
export function mapZipError(err: Error, entry: string | undefined): UnpackError {
  const m = err.message;
  if (/strong encryption/.test(m)) return unpackError('entry-encrypted', entry, '条目已加密（强加密），无法检查', 'the entry is encrypted (strong encryption) and cannot be checked');
  if (/end of central directory record signature not found|unexpected EOF|unexpected end of file|not enough bytes/i.test(m)) {
    return unpackError('zip-truncated', entry, `压缩包不完整（被截断）：${m}`, `the zip file is incomplete (truncated): ${m}`);
  }
  if (/too many bytes/i.test(m)) return unpackError('size-mismatch', entry, '数据超过头部声明的大小', 'the data runs past the size its header declares');
  return unpackError('zip-corrupt', entry, `压缩包已损坏：${m}`, `the zip file is corrupt: ${m}`);
}

export async function* zipSource(path: string, budget: Budget): AsyncGenerator<Candidate, void, undefined> {
  let zf: yauzl.ZipFile;
  try {
    zf = await openZip(path);
  } catch (err) {
    throw mapZipError(err as Error, undefined);
  }
  let last: string | undefined;
  try {
    if (zf.entryCount > budget.limits.maxEntries) throw unpackError('too-many-entries', undefined, `压缩包有 ${zf.entryCount} 个条目，超过上限 ${budget.limits.maxEntries}`, `the zip has ${zf.entryCount} entries, more than the limit of ${budget.limits.maxEntries}`);
    for (;;) {
      let e: yauzl.Entry | undefined;
      try {
        e = await nextEntry(zf);
      } catch (err) {
        throw mapZipError(err as Error, last);
      }
      if (!e) return;
      const { name, encoding } = decodeZipName(e.fileNameRaw, e.generalPurposeBitFlag, e.extraFields);
      last = name;
      const mode = (e.externalFileAttributes >>> 16) & S_IFMT;
      if (mode === 0o120000) throw unpackError('entry-symlink', name, '不接受符号链接条目', 'symbolic-link entries are not accepted');
      if (SPECIAL[mode]) throw unpackError('entry-special', name, `不接受特殊文件（${SPECIAL[mode]}）`, `special files (${SPECIAL[mode]}) are not accepted`);
      if (e.generalPurposeBitFlag & 0x1) throw unpackError('entry-encrypted', name, '条目已加密，无法检查其内容', 'the entry is encrypted, so its content cannot be checked');
      const isDir = /[/\\]$/.test(name) || mode === 0o040000;
      if (isDir) {
        yield { name, encoding, isDir, size: 0, open: () => { throw new Error('a directory has no content'); } };
        continue;
      }
      const method = e.compressionMethod;
      if (method !== 0 && method !== 8) throw unpackError('compression-unsupported', name, `不支持的压缩方法 ${method}（仅支持存储和 Deflate）`, `compression method ${method} is not supported (only stored and deflate)`);
      const size = e.uncompressedSize;
      const l = budget.limits;
      if (method === 8 && size > l.ratioGraceBytes && size / Math.max(e.compressedSize, 1) > l.maxCompressionRatio) {
        throw unpackError('ratio-exceeded', name, `声明的压缩比 ${Math.round(size / Math.max(e.compressedSize, 1))}:1 超过 ${l.maxCompressionRatio}:1（疑似压缩炸弹）`, `its declared ratio ${Math.round(size / Math.max(e.compressedSize, 1))}:1 exceeds ${l.maxCompressionRatio}:1 (a likely zip bomb)`);
      }
      const entry = e;
      yield { name, encoding, isDir, size, open: (p, digest) => openEntry(zf, entry, p, budget, digest) };
    }
  } finally {
    zf.close();
  }
}

function openEntry(zf: yauzl.ZipFile, e: yauzl.Entry, path: string, budget: Budget, digest: DigestMode): EntryStream {
  let inBytes = 0;
  const deflated = e.compressionMethod === 8;
  const guard = new EntryStream({
    entry: path, declaredSize: e.uncompressedSize, budget, digest, crc: e.crc32,
    ...(deflated ? { compressedIn: () => inBytes } : {}),
    mapError: (err) => mapZipError(err, path),
  });
  zf.openReadStream(e, { decodeFileData: false }, (err, raw) => {
    if (err) return guard.upstreamFailed(err);
    if (guard.destroyed) return raw.destroy();
    raw.on('error', (er: Error) => guard.upstreamFailed(er));
    if (!deflated) {
      raw.pipe(guard);
      guard.on('close', () => raw.destroy());
      return;
    }
    const inflate = createInflateRaw({ chunkSize: 64 * 1024 });
    raw.on('data', (c: Buffer) => (inBytes += c.length));
    inflate.on('error', (er: Error) => guard.upstreamFailed(er));
    raw.pipe(inflate).pipe(guard);
    guard.on('close', () => {
      raw.destroy();
      inflate.destroy();
    });
  });
  return guard;
}
