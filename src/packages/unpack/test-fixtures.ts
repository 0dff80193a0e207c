/**
 * Test-only helpers: a tiny zip writer (stored / deflate / pre-compressed bodies, zip64 sizes, any
 * flags and attributes), zero-filled deflate streams built from one repeated block so that a 10 GiB
 * entry costs ~10 MB on disk and ~1 KB in memory, a ustar header builder, and temp-dir snapshots.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { constants, crc32, deflateRawSync } from 'node:zlib';

export type ZipSpec = {
  name: string | Buffer;
  /** Plain content (deflated when method is 8). */
  data?: Buffer;
  method?: number;
  /** A pre-built body: compressed chunks, the real size and CRC. */
  body?: { chunks: Buffer[]; size: number; crc: number };
  /** What the headers claim (defaults to the truth): lets a test build a lying header. */
  declaredSize?: number;
  flags?: number;
  /** Unix mode written into the high 16 bits of the external attributes (made by Unix). */
  unixMode?: number;
  extra?: Buffer;
};

const MiB = 1 << 20;
const ZERO_MIB = Buffer.alloc(MiB);
/** One 1 MiB block of zeros as a non-final, byte-aligned deflate block: safe to repeat. */
const ZERO_BLOCK = deflateRawSync(ZERO_MIB, { finishFlush: constants.Z_SYNC_FLUSH, level: 9 });
const FINAL_EMPTY = Buffer.from([0x03, 0x00]);

/** `mib` MiB of zeros as deflate chunks (the same buffer repeated); CRC only when asked (it costs time). */
export function zeroBody(mib: number, withCrc = false): { chunks: Buffer[]; size: number; crc: number } {
  let crc = 0;
  if (withCrc) for (let i = 0; i < mib; i++) crc = crc32(ZERO_MIB, crc);
  return { chunks: [...Array<Buffer>(mib).fill(ZERO_BLOCK), FINAL_EMPTY], size: mib * MiB, crc };
}

const u16 = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16LE(n); return b; };
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return b; };
const u64 = (n: number) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); return b; };

/** Writes a zip file entry by entry (bodies are streamed, never concatenated). Returns its path. */
export async function writeZip(file: string, specs: ZipSpec[], opts: { truncateAt?: number } = {}): Promise<string> {
  const out = createWriteStream(file);
  let offset = 0;
  const write = async (b: Buffer) => {
    offset += b.length;
    if (!out.write(b)) await once(out, 'drain');
  };
  const central: Buffer[] = [];
  for (const s of specs) {
    const name = Buffer.isBuffer(s.name) ? s.name : Buffer.from(s.name, 'utf8');
    const method = s.body ? 8 : (s.method ?? 0);
    const data = s.data ?? Buffer.alloc(0);
    const chunks = s.body ? s.body.chunks : [method === 8 ? deflateRawSync(data) : data];
    const size = s.declaredSize ?? (s.body ? s.body.size : data.length);
    const crc = s.body ? s.body.crc : crc32(data);
    const csize = chunks.reduce((a, c) => a + c.length, 0);
    const zip64 = size >= 0xffffffff;
    const extra = Buffer.concat([s.extra ?? Buffer.alloc(0), zip64 ? Buffer.concat([u16(1), u16(8), u64(size)]) : Buffer.alloc(0)]);
    const flags = s.flags ?? 0;
    const local = Buffer.concat([u32(0x04034b50), u16(zip64 ? 45 : 20), u16(flags), u16(method), u16(0), u16(0x21), u32(crc), u32(csize), u32(zip64 ? 0xffffffff : size), u16(name.length), u16(extra.length), name, extra]);
    const at = offset;
    await write(local);
    for (const c of chunks) await write(c);
    const attrs = s.unixMode !== undefined ? (s.unixMode << 16) >>> 0 : 0;
    const madeBy = s.unixMode !== undefined ? (3 << 8) | 20 : 20;
    central.push(Buffer.concat([u32(0x02014b50), u16(madeBy), u16(zip64 ? 45 : 20), u16(flags), u16(method), u16(0), u16(0x21), u32(crc), u32(csize), u32(zip64 ? 0xffffffff : size), u16(name.length), u16(extra.length), u16(0), u16(0), u16(0), u32(attrs), u32(at), name, extra]));
  }
  const cd = Buffer.concat(central);
  const cdAt = offset;
  const many = specs.length > 0xffff;
  const z64 = many ? Buffer.concat([u32(0x06064b50), u64(44), u16(45), u16(45), u32(0), u32(0), u64(specs.length), u64(specs.length), u64(cd.length), u64(cdAt), u32(0x07064b50), u32(0), u64(cdAt + cd.length), u32(1)]) : Buffer.alloc(0);
  const count = many ? 0xffff : specs.length;
  let tail = Buffer.concat([cd, z64, u32(0x06054b50), u16(0), u16(0), u16(count), u16(count), u32(cd.length), u32(cdAt), u16(0)]);
  if (opts.truncateAt !== undefined) tail = tail.subarray(0, Math.max(0, opts.truncateAt - offset));
  await write(tail);
  out.end();
  await once(out, 'close');
  return file;
}

/** A 512-byte ustar header (type '0' file, '1' hard link, '2' symlink, '3'/'4' devices, '5' dir, '6' FIFO). */
export function ustarHeader(name: Buffer | string, size: number, type = '0', linkname = ''): Buffer {
  const h = Buffer.alloc(512);
  (Buffer.isBuffer(name) ? name : Buffer.from(name)).copy(h, 0, 0, 100);
  h.write('0000644\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  h.write('14000000000\0', 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write(type, 156, 'latin1');
  h.write(linkname, 157, 'latin1');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

/** A tar file from (header, content) pairs, padded to 512 and ended with two zero blocks. */
export function buildTar(entries: { name: Buffer | string; data?: Buffer; type?: string; linkname?: string }[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = e.data ?? Buffer.alloc(0);
    parts.push(ustarHeader(e.name, e.type && e.type !== '0' ? 0 : data.length, e.type ?? '0', e.linkname ?? ''));
    if (data.length) parts.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export async function tempDir(): Promise<{ dir: string; files: () => Promise<string[]>; drop: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'dangan-unpack-'));
  return { dir, files: async () => (await readdir(dir, { recursive: true })).sort(), drop: () => rm(dir, { recursive: true, force: true }) };
}
