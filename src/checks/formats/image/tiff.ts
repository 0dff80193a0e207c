/**
 * A bounded TIFF / BigTIFF structure reader: walks the IFD chain (page count, loop- and range-checked)
 * and reads the few tags a scan check needs (size, bits, compression, photometric, resolution, where the
 * image data lives). Also used for the TIFF structure inside JPEG EXIF (APP1).
 *
 * Does not decode pixels (sharp does), does not read every tag, does not follow SubIFDs or EXIF sub-IFDs
 * except the EXIF IFD0 itself. Throws `TiffError` (caught by the inspector) on structural damage.
 */
export class TiffError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** Positional reads; `size` bounds every offset. */
export type ByteSource = { size: number; read(offset: number, length: number): Promise<Buffer> };

export const bufferSource = (b: Buffer): ByteSource => ({
  size: b.length,
  read: async (o, l) => b.subarray(Math.max(0, o), Math.min(b.length, o + l)),
});

export type TiffTags = Map<number, number[] | string>;

export type TiffPage = {
  width?: number;
  height?: number;
  bitsPerSample?: number[];
  samplesPerPixel?: number;
  compression?: number;
  photometric?: number;
  xResolution?: number;
  yResolution?: number;
  /** 1 none, 2 inch, 3 cm; undefined when the tag is absent (TIFF default: inch) */
  resolutionUnit?: number;
  inkSet?: number;
  /** old-style JPEG: the embedded JPEG interchange stream (tags 513/514) */
  jpegInterchange?: { offset: number; length: number };
  /** image data (strips or tiles) lies beyond the end of the file */
  dataOutOfRange: boolean;
  /** sum of strip/tile byte counts, when known */
  dataBytes?: number;
  tags: TiffTags;
};

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8 };
/** Tags whose values we read; arrays are read only up to MAX_VALUES (offsets/byte counts are summed in chunks). */
const WANTED = new Set([254, 256, 257, 258, 259, 262, 273, 277, 279, 282, 283, 296, 297, 324, 325, 332, 513, 514]);
const MAX_VALUES = 1 << 16;
const MAX_ENTRIES = 4096;
export const MAX_PAGES = 10_000;

function readValue(b: Buffer, p: number, type: number, le: boolean): number {
  switch (type) {
    case 1: case 2: case 7: return b[p]!;
    case 6: return b.readInt8(p);
    case 3: return le ? b.readUInt16LE(p) : b.readUInt16BE(p);
    case 8: return le ? b.readInt16LE(p) : b.readInt16BE(p);
    case 4: case 13: return le ? b.readUInt32LE(p) : b.readUInt32BE(p);
    case 9: return le ? b.readInt32LE(p) : b.readInt32BE(p);
    case 5: {
      const n = le ? b.readUInt32LE(p) : b.readUInt32BE(p);
      const d = le ? b.readUInt32LE(p + 4) : b.readUInt32BE(p + 4);
      return d === 0 ? Number.NaN : n / d;
    }
    case 10: {
      const n = le ? b.readInt32LE(p) : b.readInt32BE(p);
      const d = le ? b.readInt32LE(p + 4) : b.readInt32BE(p + 4);
      return d === 0 ? Number.NaN : n / d;
    }
    case 11: return le ? b.readFloatLE(p) : b.readFloatBE(p);
    case 12: return le ? b.readDoubleLE(p) : b.readDoubleBE(p);
    case 16: case 18: return Number(le ? b.readBigUInt64LE(p) : b.readBigUInt64BE(p));
    case 17: return Number(le ? b.readBigInt64LE(p) : b.readBigInt64BE(p));
    default: return Number.NaN;
  }
}

export type TiffHeader = { le: boolean; big: boolean; firstIfd: number };

export async function readTiffHeader(src: ByteSource, base = 0): Promise<TiffHeader> {
  const h = await src.read(base, 16);
  if (h.length < 8) throw new TiffError('tiff-truncated', 'the TIFF header is incomplete');
  const order = h.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') throw new TiffError('tiff-header-invalid', 'not a TIFF byte-order mark');
  const le = order === 'II';
  const magic = le ? h.readUInt16LE(2) : h.readUInt16BE(2);
  if (magic === 42) return { le, big: false, firstIfd: le ? h.readUInt32LE(4) : h.readUInt32BE(4) };
  if (magic === 43) {
    if (h.length < 16) throw new TiffError('tiff-truncated', 'the BigTIFF header is incomplete');
    const bytesize = le ? h.readUInt16LE(4) : h.readUInt16BE(4);
    if (bytesize !== 8) throw new TiffError('tiff-header-invalid', `BigTIFF offset size ${bytesize} (must be 8)`);
    const off = le ? h.readBigUInt64LE(8) : h.readBigUInt64BE(8);
    if (off > BigInt(Number.MAX_SAFE_INTEGER)) throw new TiffError('tiff-ifd-out-of-range', 'the first IFD offset lies beyond the end of the file');
    return { le, big: true, firstIfd: Number(off) };
  }
  throw new TiffError('tiff-header-invalid', `TIFF magic number ${magic} (must be 42 or 43)`);
}

/** Reads one IFD at `offset` (relative to `base`): the wanted tags and the next IFD offset. */
export async function readIfd(src: ByteSource, hdr: TiffHeader, offset: number, base = 0, wanted: ReadonlySet<number> = WANTED): Promise<{ tags: TiffTags; next: number }> {
  const { le, big } = hdr;
  const countSize = big ? 8 : 2;
  const entrySize = big ? 20 : 12;
  const inline = big ? 8 : 4;
  if (offset < 8 || base + offset + countSize > src.size) throw new TiffError('tiff-ifd-out-of-range', `IFD offset ${offset} lies outside the file`);
  const cb = await src.read(base + offset, countSize);
  const count = big ? Number(le ? cb.readBigUInt64LE(0) : cb.readBigUInt64BE(0)) : le ? cb.readUInt16LE(0) : cb.readUInt16BE(0);
  if (count === 0 || count > MAX_ENTRIES) throw new TiffError('tiff-ifd-invalid', `IFD at ${offset} has ${count} entries`);
  const tableLen = count * entrySize + (big ? 8 : 4);
  const table = await src.read(base + offset + countSize, tableLen);
  if (table.length < count * entrySize) throw new TiffError('tiff-truncated', `IFD at ${offset} is cut off by the end of the file`);
  const tags: TiffTags = new Map();
  for (let i = 0; i < count; i++) {
    const e = i * entrySize;
    const tag = le ? table.readUInt16LE(e) : table.readUInt16BE(e);
    if (!wanted.has(tag)) continue;
    const type = le ? table.readUInt16LE(e + 2) : table.readUInt16BE(e + 2);
    const n = big ? Number(le ? table.readBigUInt64LE(e + 4) : table.readBigUInt64BE(e + 4)) : le ? table.readUInt32LE(e + 4) : table.readUInt32BE(e + 4);
    const size = TYPE_SIZE[type];
    if (!size || n === 0) continue; // unknown type: ignore the tag (TIFF 6.0 says readers skip it)
    const bytes = size * Math.min(n, MAX_VALUES);
    let data: Buffer;
    if (size * n <= inline) data = table.subarray(e + (big ? 12 : 8), e + (big ? 12 : 8) + size * n);
    else {
      const vo = big ? Number(le ? table.readBigUInt64LE(e + 12) : table.readBigUInt64BE(e + 12)) : le ? table.readUInt32LE(e + 8) : table.readUInt32BE(e + 8);
      if (base + vo + bytes > src.size) {
        tags.set(tag, 'out-of-range');
        continue;
      }
      data = await src.read(base + vo, bytes);
    }
    if (type === 2) {
      tags.set(tag, data.toString('latin1').replace(/\0.*$/s, ''));
      continue;
    }
    const values: number[] = [];
    for (let k = 0; k + size <= data.length; k += size) values.push(readValue(data, k, type, le));
    tags.set(tag, values);
  }
  const np = count * entrySize;
  const next = table.length >= np + (big ? 8 : 4) ? (big ? Number(le ? table.readBigUInt64LE(np) : table.readBigUInt64BE(np)) : le ? table.readUInt32LE(np) : table.readUInt32BE(np)) : 0;
  return { tags, next };
}

const nums = (t: TiffTags, tag: number): number[] | undefined => {
  const v = t.get(tag);
  return Array.isArray(v) ? v : undefined;
};
const num = (t: TiffTags, tag: number): number | undefined => nums(t, tag)?.[0];

function pageOf(tags: TiffTags, fileSize: number): TiffPage {
  const offsets = nums(tags, 273) ?? nums(tags, 324);
  const counts = nums(tags, 279) ?? nums(tags, 325);
  let dataOutOfRange = tags.get(273) === 'out-of-range' || tags.get(279) === 'out-of-range' || tags.get(324) === 'out-of-range' || tags.get(325) === 'out-of-range';
  let dataBytes: number | undefined;
  if (offsets && counts) {
    dataBytes = 0;
    for (let i = 0; i < Math.min(offsets.length, counts.length); i++) {
      dataBytes += counts[i]!;
      if (offsets[i]! + counts[i]! > fileSize) dataOutOfRange = true;
    }
  }
  const jo = num(tags, 513);
  const jl = num(tags, 514);
  const page: TiffPage = { dataOutOfRange, tags };
  const set = <K extends keyof TiffPage>(k: K, v: TiffPage[K] | undefined) => {
    if (v !== undefined) page[k] = v;
  };
  set('width', num(tags, 256));
  set('height', num(tags, 257));
  set('bitsPerSample', nums(tags, 258));
  set('samplesPerPixel', num(tags, 277));
  set('compression', num(tags, 259));
  set('photometric', num(tags, 262));
  set('xResolution', num(tags, 282));
  set('yResolution', num(tags, 283));
  set('resolutionUnit', num(tags, 296));
  set('inkSet', num(tags, 332));
  set('dataBytes', dataBytes);
  if (jo !== undefined && jo > 0) page.jpegInterchange = { offset: jo, length: jl ?? 0 };
  return page;
}

/** Walks the IFD chain: one entry per page (reduced-resolution subfiles, NewSubfileType bit 0, excluded from `pages`). */
export async function readTiff(src: ByteSource): Promise<{ header: TiffHeader; pages: TiffPage[]; thumbnails: number; problems: { code: string; message: string }[] }> {
  const header = await readTiffHeader(src);
  const pages: TiffPage[] = [];
  const problems: { code: string; message: string }[] = [];
  const seen = new Set<number>();
  let thumbnails = 0;
  let off = header.firstIfd;
  while (off !== 0) {
    if (seen.has(off)) {
      problems.push({ code: 'tiff-ifd-loop', message: `the IFD chain loops back to offset ${off}` });
      break;
    }
    if (pages.length + thumbnails >= MAX_PAGES) {
      problems.push({ code: 'tiff-too-many-pages', message: `more than ${MAX_PAGES} IFDs; stopped counting` });
      break;
    }
    seen.add(off);
    let ifd;
    try {
      ifd = await readIfd(src, header, off);
    } catch (e) {
      if (pages.length === 0) throw e;
      problems.push({ code: e instanceof TiffError ? e.code : 'tiff-ifd-invalid', message: `page ${pages.length + 1}: ${(e as Error).message}` });
      break;
    }
    const sub = num(ifd.tags, 254) ?? 0;
    if (sub & 1) thumbnails++;
    else pages.push(pageOf(ifd.tags, src.size));
    off = ifd.next;
  }
  if (pages.length === 0) throw new TiffError('tiff-no-image', 'the TIFF has no full-resolution image');
  return { header, pages, thumbnails, problems };
}
