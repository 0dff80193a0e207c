import { randomBytes } from 'node:crypto';
import { PassThrough, Readable, pipeline } from 'node:stream';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, DeleteObjectCommand,
  GetObjectCommand, HeadObjectCommand, type GetObjectCommandOutput, ListObjectsV2Command, S3Client, UploadPartCopyCommand, type CompletedPart,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { MultiDigest } from '../content-store.ts';
import { StorageError, type ObjectInfo, type PutResult, type StorageBackend } from './backend.ts';
import { checkPrefix, checkRange, checkUserKey, emptyStream, hashStream, mismatch, sameDigests, type Expected } from './verify.ts';

/** Puts land here first (under the prefix), are verified, then copied to their key; never listed, reserved. */
const STAGING = '.staging';
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export type S3BackendOptions = {
  endpoint?: string;
  region: string;
  bucket: string;
  /** '' or a folder ending in '/', e.g. 'dangan/'. */
  prefix?: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  /** Attempts per request, including the first (SDK "standard" retry: exponential backoff with jitter). Default 4. */
  maxAttempts?: number;
  /** Connecting may take this long. Default 5 s. */
  connectionTimeoutMs?: number;
  /** From sending a request (incl. its body, e.g. one part) to the response headers. Default 120 s. */
  requestTimeoutMs?: number;
  /** A socket with no traffic this long (e.g. a stalled download) fails. Default 30 s. */
  socketTimeoutMs?: number;
  /**
   * Multipart upload: part size and parts in flight; memory is about (queueSize + 1) × partSize. Default 8 MiB × 2.
   * Objects may be at most 10,000 parts: 78 GiB at 8 MiB, unless `expected.size` is given (parts then grow to fit).
   */
  partSize?: number;
  queueSize?: number;
  /** The final copy is re-read and re-hashed when at most this large (besides the size check). Default 64 MiB. */
  rereadCopyMaxBytes?: number;
  /** CopyObject handles up to 5 GiB; larger objects are copied with UploadPartCopy in parts of copyPartSize (default 512 MiB). */
  maxSingleCopyBytes?: number;
  copyPartSize?: number;
};

type SdkError = Error & { $metadata?: { httpStatusCode?: number; attempts?: number } };
const asSdkError = (err: unknown): SdkError | undefined => (err instanceof Error ? (err as SdkError) : undefined);
const statusOf = (err: unknown): number | undefined => asSdkError(err)?.$metadata?.httpStatusCode;
const isNotFound = (err: unknown): boolean => {
  const name = asSdkError(err)?.name;
  return name === 'NoSuchKey' || name === 'NotFound' || (statusOf(err) === 404 && name !== 'NoSuchBucket');
};
/** Path-style copy source, URL-encoded per segment as S3 requires. */
const copySource = (bucket: string, key: string): string => `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;

/**
 * Objects in an S3-compatible bucket (AWS, MinIO, Ceph RGW, OSS/COS in S3 mode) under `prefix`. A put
 * streams to `<prefix>.staging/<random>` hashing as it goes, re-reads and re-hashes that object, then
 * server-side copies it to the key, so unverified bytes never appear at a key. Every failure of the
 * backend itself ends, after bounded retries and timeouts, in StorageError 'unavailable' naming it.
 */
export class S3Backend implements StorageBackend {
  readonly describe: string;
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly o: Required<Pick<S3BackendOptions, 'partSize' | 'queueSize' | 'rereadCopyMaxBytes' | 'maxSingleCopyBytes' | 'copyPartSize'>>;
  private readonly where: string;

  constructor(opts: S3BackendOptions) {
    this.bucket = opts.bucket;
    this.prefix = checkPrefix(opts.prefix ?? '');
    this.describe = `s3:${this.bucket}/${this.prefix}`;
    this.where = opts.endpoint ? ` at ${opts.endpoint}` : ` in ${opts.region}`;
    this.o = {
      partSize: opts.partSize ?? 8 * MiB,
      queueSize: opts.queueSize ?? 2,
      rereadCopyMaxBytes: opts.rereadCopyMaxBytes ?? 64 * MiB,
      maxSingleCopyBytes: opts.maxSingleCopyBytes ?? 5 * GiB,
      copyPartSize: opts.copyPartSize ?? 512 * MiB,
    };
    this.client = new S3Client({
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      region: opts.region,
      forcePathStyle: opts.forcePathStyle,
      credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
      maxAttempts: opts.maxAttempts ?? 4,
      retryMode: 'standard',
      // Our own SHA-256/SHA-512/SM3 read-back is the check; SDK checksums (CRC32 trailers) break some S3 clones.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // NodeHttpHandler options, passed as a plain object (the SDK builds the handler; no transitive import).
      requestHandler: {
        connectionTimeout: opts.connectionTimeoutMs ?? 5_000,
        requestTimeout: opts.requestTimeoutMs ?? 120_000,
        throwOnRequestTimeout: true, // otherwise a breached requestTimeout only logs a warning
        socketTimeout: opts.socketTimeoutMs ?? 30_000,
        httpAgent: { keepAlive: true, maxSockets: 16 },
        httpsAgent: { keepAlive: true, maxSockets: 16 },
      },
    });
  }

  /** Deletes staging objects older than `olderThanMs` (left by crashed processes; other processes may be mid-put). */
  async init(olderThanMs = 24 * 3600_000): Promise<number> {
    let swept = 0;
    for await (const o of this.listRaw(`${this.prefix}${STAGING}/`, STAGING)) {
      if (o.lastModified && Date.now() - o.lastModified.getTime() >= olderThanMs) {
        await this.call('delete', o.raw, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: o.raw })));
        swept++;
      }
    }
    return swept;
  }

  close(): void {
    this.client.destroy();
  }

  private fail(op: string, key: string, err: unknown): StorageError {
    if (err instanceof StorageError) return err;
    const e = asSdkError(err);
    if (isNotFound(err)) return Object.assign(new StorageError('not-found', `${this.describe}: no object ${key}`, key), { cause: err });
    const attempts = e?.$metadata?.attempts ? ` after ${e.$metadata.attempts} attempt(s)` : '';
    const what = e ? `${e.name}: ${e.message}` : String(err);
    return Object.assign(new StorageError('unavailable', `${this.describe}${this.where}: ${op} ${key} failed${attempts}: ${what}`, key), { cause: err });
  }

  private async call<T>(op: string, key: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.fail(op, key, err);
    }
  }

  async put(key: string, source: Readable, expected?: Expected): Promise<PutResult> {
    checkUserKey(key, STAGING);
    const finalKey = this.prefix + key;
    const staging = `${this.prefix}${STAGING}/${Date.now()}-${randomBytes(8).toString('hex')}`;
    const digest = new MultiDigest();
    // The PassThrough hides MultiDigest's `size` field, which lib-storage would take as the total length (0).
    // Errors reach Upload through the stream; whose error it was is read back via source.errored.
    const body = pipeline(source, digest, new PassThrough(), () => {});
    let uploaded = false;
    try {
      // S3 allows 10,000 parts: when the size is known, grow parts so that huge objects still fit.
      const partSize = Math.max(this.o.partSize, Math.ceil((expected?.size ?? 0) / 9_000));
      const upload = new Upload({ client: this.client, params: { Bucket: this.bucket, Key: staging, Body: body }, partSize, queueSize: this.o.queueSize });
      await upload.done();
      uploaded = true;
      const written: PutResult = { key, size: digest.size, ...digest.digests() };
      const bad = mismatch(written, expected);
      if (bad) throw new StorageError('verify-failed', `${this.describe}: ${key}: ${bad}; nothing stored`, key);
      if (!sameDigests(written, await this.hashRaw(staging, key))) {
        throw new StorageError('verify-failed', `${this.describe}: ${key}: bytes read back differ from the bytes sent`, key);
      }
      await this.copy(staging, finalKey, written.size);
      const info = await this.headRaw(finalKey, key);
      const copyOk = info?.size === written.size && (written.size > this.o.rereadCopyMaxBytes || sameDigests(written, await this.hashRaw(finalKey, key)));
      if (!copyOk) {
        await this.call('delete', key, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: finalKey })));
        throw new StorageError('verify-failed', `${this.describe}: ${key}: the copy from staging differs; deleted`, key);
      }
      return written;
    } catch (err) {
      if (source.errored) throw source.errored; // the caller's stream failed, not the backend
      throw this.fail('put', key, err);
    } finally {
      if (!body.readableEnded) body.destroy();
      // Best effort: if the backend is gone, a stray staging object remains for init() to sweep.
      if (uploaded) await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: staging })).catch(() => undefined);
    }
  }

  /** CopyObject up to maxSingleCopyBytes (S3 allows 5 GiB), else a multipart copy (UploadPartCopy). */
  private async copy(from: string, to: string, size: number): Promise<void> {
    const CopySource = copySource(this.bucket, from);
    const Bucket = this.bucket;
    if (size <= this.o.maxSingleCopyBytes) {
      await this.call('copy', to, () => this.client.send(new CopyObjectCommand({ Bucket, Key: to, CopySource })));
      return;
    }
    const { UploadId } = await this.call('copy', to, () => this.client.send(new CreateMultipartUploadCommand({ Bucket, Key: to })));
    try {
      const parts: CompletedPart[] = [];
      for (let n = 1, start = 0; start < size; n++, start += this.o.copyPartSize) {
        const range = `bytes=${start}-${Math.min(size, start + this.o.copyPartSize) - 1}`;
        const r = await this.client.send(new UploadPartCopyCommand({ Bucket, Key: to, UploadId, PartNumber: n, CopySource, CopySourceRange: range }));
        parts.push({ PartNumber: n, ETag: r.CopyPartResult?.ETag });
      }
      await this.client.send(new CompleteMultipartUploadCommand({ Bucket, Key: to, UploadId, MultipartUpload: { Parts: parts } }));
    } catch (err) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket, Key: to, UploadId })).catch(() => undefined);
      throw this.fail(`multipart copy (UploadPartCopy, object of ${size} bytes > ${this.o.maxSingleCopyBytes})`, to, err);
    }
  }

  private async getRaw(raw: string, key: string, range?: { start: number; end: number }): Promise<Readable> {
    let r: GetObjectCommandOutput;
    try {
      r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: raw, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }));
    } catch (err) {
      if (range && statusOf(err) === 416) return emptyStream(); // a range wholly past the end is empty, as on both backends
      throw this.fail('get', key, err);
    }
    const body = r.Body;
    if (!(body instanceof Readable)) throw new StorageError('unavailable', `${this.describe}: get ${key}: no body stream`, key);
    // The server's range is not trusted either (s3rver answers "bytes=0-0" with the whole object; a server may
    // ignore Range and send it all): cut exactly the bytes asked for out of what actually came.
    let skip = 0;
    let take = Infinity;
    if (range) {
      const got = /^bytes (\d+)-(\d+)\//.exec(r.ContentRange ?? '');
      const from = got ? Number(got[1]) : 0;
      if (from > range.start) {
        body.destroy();
        throw new StorageError('unavailable', `${this.describe}: get ${key}: asked for bytes ${range.start}-${range.end}, got ${r.ContentRange}`, key);
      }
      skip = range.start - from;
      take = range.end - range.start + 1;
    }
    // Errors during the body (reset, idle timeout) reach the reader as StorageError 'unavailable' too.
    const fail = (err: unknown) => this.fail('get', key, err);
    return Readable.from((async function* () {
      let pos = 0;
      try {
        for await (const chunk of body as AsyncIterable<Buffer>) {
          const from = Math.max(0, skip - pos);
          const to = Math.min(chunk.length, skip + take - pos);
          pos += chunk.length;
          if (from < to) yield chunk.subarray(from, to);
          if (pos >= skip + take) return; // leaving the loop destroys the response: no downloading the rest
        }
      } catch (err) {
        throw fail(err);
      }
    })(), { objectMode: false });
  }

  private async hashRaw(raw: string, key: string): Promise<PutResult> {
    const stream = await this.getRaw(raw, key);
    return this.call('read back', key, () => hashStream(key, stream));
  }

  private async headRaw(raw: string, key: string): Promise<ObjectInfo | undefined> {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: raw }));
      return { key, size: r.ContentLength ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw this.fail('head', key, err);
    }
  }

  async get(key: string, range?: { start: number; end: number }): Promise<Readable> {
    checkUserKey(key, STAGING);
    checkRange(range);
    return this.getRaw(this.prefix + key, key, range);
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    return this.headRaw(this.prefix + checkUserKey(key, STAGING), key);
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    checkPrefix(prefix);
    for await (const o of this.listRaw(this.prefix + prefix, prefix)) {
      const key = o.raw.slice(this.prefix.length);
      if (key.startsWith(`${STAGING}/`)) continue;
      yield { key, size: o.size };
    }
  }

  /** ListObjectsV2, page by page (≤ 1,000 keys each), following the continuation token. */
  private async *listRaw(rawPrefix: string, label: string): AsyncGenerator<{ raw: string; size: number; lastModified?: Date }> {
    let token: string | undefined;
    do {
      const page = await this.call('list', label, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: rawPrefix, ...(token ? { ContinuationToken: token } : {}) })));
      for (const o of page.Contents ?? []) {
        if (o.Key !== undefined) yield { raw: o.Key, size: o.Size ?? 0, ...(o.LastModified ? { lastModified: o.LastModified } : {}) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async delete(key: string): Promise<void> {
    const raw = this.prefix + checkUserKey(key, STAGING);
    await this.call('delete', key, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: raw })));
  }

  async digest(key: string): Promise<PutResult> {
    checkUserKey(key, STAGING);
    return this.hashRaw(this.prefix + key, key);
  }
}
