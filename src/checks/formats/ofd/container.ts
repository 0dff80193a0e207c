/**
 * One streaming pass over the OFD's ZIP container through the project's safe package reader
 * (`openPackage`: zip-bomb ratio, sizes, entry count, traversal/absolute/odd names, symlinks, encryption,
 * CRC). Every file entry is hashed while it streams (SM3 and SHA-256 always; MD5/SHA-1 only in a later,
 * targeted pass when a CheckMethod asks for them). XML entries and small non-image binaries are kept in
 * memory up to per-entry and total caps; large entries (images, fonts, video) are never held. Whatever
 * is needed later but was not kept (over a cap) is fetched by `refetch`, again streaming.
 * Does not: interpret any OFD content (see inspect.ts).
 */
import { createHash } from 'node:crypto';
import { openPackage, type PackageReader } from '../../../packages/index.ts';
import { EntryIndex } from './paths.ts';

export type HashAlg = 'sm3' | 'sha256' | 'sha1' | 'md5';

export type ZipEntry = {
  path: string;
  size: number;
  digests: Partial<Record<HashAlg, Buffer>>;
  data?: Buffer;
};

export type Container = {
  entries: Map<string, ZipEntry>;
  index: EntryIndex;
  unpackedBytes: number;
  /** the package reader's non-fatal warnings (case collisions, guessed name encodings…) */
  warnings: string[];
};

export type ContainerLimits = {
  maxUnpackedBytes: number;
  /** keep XML entries up to this size */
  maxXmlBytes: number;
  /** keep other entries up to this size (SignedValue.dat, Seal.esl…) */
  maxSmallBinary: number;
  /** all kept bytes together */
  maxKeptBytes: number;
  deadline: number;
};

export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** The file is a directory or a tar, not a ZIP. */
export class NotZipError extends Error {
  override name = 'NotZipError';
  constructor(readonly format: string) {
    super(`not a zip but ${format}`);
  }
}

const MEDIA = /\.(png|jpe?g|gif|bmp|tiff?|jb2|jbig2?|ttf|otf|ttc|woff2?|mp[34]|avi|wav|pdf|ofd|zip)$/i;

function keepable(path: string, size: number, l: ContainerLimits): boolean {
  if (/\.xml$/i.test(path)) return size <= l.maxXmlBytes;
  return size <= l.maxSmallBinary && !MEDIA.test(path);
}

async function drain(reader: PackageReader, each: (path: string, size: number, chunks: AsyncIterable<Buffer>) => Promise<void>, deadline: number): Promise<void> {
  try {
    for await (const e of reader) {
      if (Date.now() > deadline) throw new TimeoutError('timeout');
      if (e.kind !== 'file') continue;
      await each(e.path, e.size, e.open() as AsyncIterable<Buffer>);
    }
  } finally {
    await reader.close();
  }
}

/** Reads the container once. Throws UnpackError (container problems) or TimeoutError. */
export async function readContainer(path: string, l: ContainerLimits, onOpen?: (r: PackageReader) => void): Promise<Container> {
  const reader = await openPackage(path, { maxTotalBytes: l.maxUnpackedBytes, maxEntryBytes: l.maxUnpackedBytes, maxEntries: 100_000, maxNestingDepth: 64 });
  onOpen?.(reader);
  if (reader.format !== 'zip') {
    await reader.close();
    throw new NotZipError(reader.format);
  }
  const entries = new Map<string, ZipEntry>();
  const index = new EntryIndex();
  let kept = 0;
  let unpacked = 0;
  await drain(reader, async (p, size, stream) => {
    const sm3 = createHash('sm3');
    const sha256 = createHash('sha256');
    const keep = keepable(p, size, l) && kept + size <= l.maxKeptBytes;
    const chunks: Buffer[] = [];
    for await (const c of stream) {
      sm3.update(c);
      sha256.update(c);
      if (keep) chunks.push(c);
      unpacked += c.length;
      if (Date.now() > l.deadline) throw new TimeoutError('timeout');
    }
    const entry: ZipEntry = { path: p, size, digests: { sm3: sm3.digest(), sha256: sha256.digest() } };
    if (keep) {
      entry.data = Buffer.concat(chunks);
      kept += entry.data.length;
    }
    entries.set(p, entry);
    index.add(p);
  }, l.deadline);
  return { entries, index, unpackedBytes: unpacked, warnings: reader.warnings.map((w) => w.message.en) };
}

/**
 * A second, targeted pass: the data of `want` (up to `maxBytes` each) and the extra digests `hashes` asks
 * for (entry → algorithms). Only the named entries are read; the rest are skipped unread.
 */
export async function refetch(path: string, c: Container, want: Set<string>, hashes: Map<string, Set<HashAlg>>, l: ContainerLimits, maxBytes: number): Promise<void> {
  if (want.size === 0 && hashes.size === 0) return;
  const reader = await openPackage(path, { maxTotalBytes: l.maxUnpackedBytes, maxEntryBytes: l.maxUnpackedBytes, maxEntries: 100_000, maxNestingDepth: 64 });
  try {
    for await (const e of reader) {
      if (Date.now() > l.deadline) throw new TimeoutError('timeout');
      const entry = c.entries.get(e.path);
      if (e.kind !== 'file' || !entry) continue;
      const algs = hashes.get(e.path);
      const keep = want.has(e.path) && !entry.data && e.size <= maxBytes;
      if (!keep && !algs) continue;
      const hs = [...(algs ?? [])].map((a) => [a, createHash(a)] as const);
      const chunks: Buffer[] = [];
      for await (const chunk of e.open() as AsyncIterable<Buffer>) {
        for (const [, h] of hs) h.update(chunk);
        if (keep) chunks.push(chunk);
        if (Date.now() > l.deadline) throw new TimeoutError('timeout');
      }
      for (const [a, h] of hs) entry.digests[a] = h.digest();
      if (keep) entry.data = Buffer.concat(chunks);
    }
  } finally {
    await reader.close();
  }
}
