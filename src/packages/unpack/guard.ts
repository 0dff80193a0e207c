/**
 * The stream every entry is read through: counts the bytes actually produced and stops the moment an
 * entry exceeds its declared size, the per-entry or total limit, or the compression ratio; checks
 * the zip CRC-32; optionally hashes (SHA-256, SHA-512, SM3 through MultiDigest) in the same pass.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';
import { MultiDigest, type Digests } from '../../preservation/content-store.ts';
import { unpackError, type UnpackError } from './errors.ts';
import type { UnpackLimits } from './limits.ts';

/** Counters shared by every entry of one package. */
export class Budget {
  entries = 0;
  declaredBytes = 0;
  bytes = 0;
  /** The first error of any entry stream: the reader stops at it. */
  fatal: UnpackError | undefined;

  constructor(readonly limits: UnpackLimits, readonly archiveBytes?: number) {}

  countEntry(entry: string): void {
    if (++this.entries > this.limits.maxEntries) throw unpackError('too-many-entries', entry, `条目数超过 ${this.limits.maxEntries}`, `the package has more than ${this.limits.maxEntries} entries`);
  }

  /** Checks a size a header declares, before any byte is read. */
  declare(entry: string, size: number): void {
    const l = this.limits;
    if (size > l.maxEntryBytes) throw unpackError('entry-too-large', entry, `声明大小 ${size} 字节超过单个条目上限 ${l.maxEntryBytes}`, `declared size ${size} bytes exceeds the per-entry limit ${l.maxEntryBytes}`);
    this.declaredBytes += size;
    if (this.declaredBytes > l.maxTotalBytes) throw unpackError('total-too-large', entry, `声明的总大小超过上限 ${l.maxTotalBytes} 字节`, `the declared total exceeds the limit of ${l.maxTotalBytes} bytes`);
  }

  /** Bytes actually produced; checks the total and the whole-archive ratio. */
  consume(entry: string, n: number): UnpackError | undefined {
    this.bytes += n;
    const l = this.limits;
    if (this.bytes > l.maxTotalBytes) return unpackError('total-too-large', entry, `解压总量超过上限 ${l.maxTotalBytes} 字节`, `the unpacked total exceeds the limit of ${l.maxTotalBytes} bytes`);
    if (this.archiveBytes !== undefined && this.bytes > l.ratioGraceBytes && this.bytes / Math.max(this.archiveBytes, 1) > l.maxCompressionRatio) {
      return unpackError('ratio-exceeded', entry, `整个压缩包的压缩比超过 ${l.maxCompressionRatio}:1（疑似压缩炸弹）`, `the whole archive expands more than ${l.maxCompressionRatio}:1 (a likely zip bomb)`);
    }
    return undefined;
  }
}

/** false: no hashing; true: SHA-256, SHA-512 and SM3; 'sha256+sm3': without SHA-512 (a quarter less CPU). */
export type DigestMode = boolean | 'sha256+sm3';

export type GuardOptions = {
  entry: string;
  declaredSize: number;
  budget: Budget;
  digest: DigestMode;
  /** Compressed bytes consumed so far (zip deflate); absent when the entry is not compressed. */
  compressedIn?: () => number;
  /** Expected CRC-32 (zip). */
  crc?: number;
  /** Maps an upstream error (zlib, file, container) to an UnpackError. */
  mapError?: (err: Error) => UnpackError;
};

/** A readable entry: its bytes, and after 'end' the digests when `open({ digest: true })` asked for them. */
export class EntryStream extends Transform {
  /** Bytes read so far. */
  bytes = 0;
  private readonly hasher: MultiDigest | undefined;
  private crcValue = 0;
  private result: Digests | undefined;

  constructor(private readonly o: GuardOptions) {
    super({ highWaterMark: 1 << 20 });
    this.hasher = o.digest ? new MultiDigest({ sha512: o.digest !== 'sha256+sm3' }) : undefined;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    const err = this.check() ?? this.o.budget.consume(this.o.entry, chunk.length);
    if (err) return this.fail(err, cb);
    this.hasher?.feed(chunk);
    if (this.o.crc !== undefined) this.crcValue = crc32(chunk, this.crcValue);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    const { entry, declaredSize } = this.o;
    if (this.bytes !== declaredSize) return this.fail(unpackError('size-mismatch', entry, `实际 ${this.bytes} 字节，与声明的 ${declaredSize} 字节不符`, `${this.bytes} bytes read but ${declaredSize} declared`), cb);
    if (this.o.crc !== undefined && this.crcValue >>> 0 !== this.o.crc >>> 0) return this.fail(unpackError('crc-mismatch', entry, 'CRC-32 校验值不符，数据已损坏', 'the CRC-32 does not match: the data is corrupt'), cb);
    if (this.hasher) this.result = this.hasher.digests();
    cb();
  }

  /** SHA-256, SHA-512 and SM3 of the entry; only after the stream has ended and only if asked for. */
  digests(): Digests & { size: number } {
    if (!this.hasher) throw new Error('digests() needs open({ digest: true })');
    if (!this.result) throw new Error('digests() is available only after the stream has ended');
    return { ...this.result, size: this.bytes };
  }

  /** Destroys the stream with the mapped form of an upstream error. */
  upstreamFailed(err: Error): void {
    if (this.destroyed) return;
    const mapped = this.o.mapError ? this.o.mapError(err) : unpackError('zip-corrupt', this.o.entry, err.message, err.message);
    this.o.budget.fatal ??= mapped;
    this.destroy(mapped);
  }

  private fail(err: UnpackError, cb: TransformCallback): void {
    this.o.budget.fatal ??= err;
    cb(err);
  }

  private check(): UnpackError | undefined {
    const { entry, declaredSize, budget } = this.o;
    const l = budget.limits;
    if (this.bytes > declaredSize) return unpackError('size-mismatch', entry, `数据超过头部声明的 ${declaredSize} 字节（头部不实）`, `the data runs past the ${declaredSize} bytes its header declares (a lying header)`);
    if (this.bytes > l.maxEntryBytes) return unpackError('entry-too-large', entry, `超过单个条目上限 ${l.maxEntryBytes} 字节`, `exceeds the per-entry limit of ${l.maxEntryBytes} bytes`);
    const inBytes = this.o.compressedIn?.();
    if (inBytes !== undefined && this.bytes > l.ratioGraceBytes && this.bytes / Math.max(inBytes, 1) > l.maxCompressionRatio) {
      return unpackError('ratio-exceeded', entry, `压缩比超过 ${l.maxCompressionRatio}:1（疑似压缩炸弹），已中止`, `expands more than ${l.maxCompressionRatio}:1 (a likely zip bomb); stopped`);
    }
    return undefined;
  }
}
